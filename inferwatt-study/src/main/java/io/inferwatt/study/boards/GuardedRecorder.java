package io.inferwatt.study.boards;

import io.inferwatt.core.Timeline;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.Rail;
import io.inferwatt.hardware.Recorder;
import io.inferwatt.hardware.knobs.AppliedSettings;
import java.util.List;

/** A recorder whose knobs save the board's state before they change it (and restore it). */
record GuardedRecorder(Recorder inner, List<Knob> boardKnobs, AppliedSettings settings)
    implements Recorder {
  GuardedRecorder {
    boardKnobs = List.copyOf(boardKnobs);
  }

  @Override
  public String board() {
    return inner.board();
  }

  @Override
  public boolean simulated() {
    return inner.simulated();
  }

  @Override
  public List<Rail> rails() {
    return inner.rails();
  }

  @Override
  public List<Knob> knobs() {
    return settings.guard(boardKnobs);
  }

  @Override
  public Timeline record(Workload workload, Protocol protocol, ProgressListener listener) {
    return inner.record(workload, protocol, listener);
  }
}
