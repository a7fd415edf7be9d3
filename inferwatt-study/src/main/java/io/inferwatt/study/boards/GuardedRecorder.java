package io.inferwatt.study.boards;

import io.inferwatt.hardware.ForwardingRecorder;
import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.Recorder;
import io.inferwatt.hardware.knobs.AppliedSettings;
import java.util.List;

/** A recorder whose knobs save the board's state before they change it (and restore it). */
record GuardedRecorder(Recorder inner, List<Knob> boardKnobs, AppliedSettings settings)
    implements ForwardingRecorder {
  GuardedRecorder {
    boardKnobs = List.copyOf(boardKnobs);
  }

  @Override
  public List<Knob> knobs() {
    return settings.guard(boardKnobs);
  }
}
