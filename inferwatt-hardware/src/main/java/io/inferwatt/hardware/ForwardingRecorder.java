package io.inferwatt.hardware;

import io.inferwatt.core.Timeline;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A recorder that hands every call to another one, {@link #inner()}: a wrapper (the guard that
 * saves a board's state before its knobs change it, the calibration that corrects the readings)
 * overrides only what it changes.
 */
public interface ForwardingRecorder extends Recorder {

  /** The recorder every call not overridden goes to. */
  Recorder inner();

  @Override
  default String board() {
    return inner().board();
  }

  @Override
  default boolean simulated() {
    return inner().simulated();
  }

  @Override
  default List<Rail> rails() {
    return inner().rails();
  }

  @Override
  default List<Knob> knobs() {
    return inner().knobs();
  }

  @Override
  default Timeline record(Workload workload, Protocol protocol, ProgressListener listener) {
    return inner().record(workload, protocol, listener);
  }

  @Override
  default OptionalLong expectedCycleNs(Workload workload, Map<String, String> settings) {
    return inner().expectedCycleNs(workload, settings);
  }

  @Override
  default long samplePeriodNs() {
    return inner().samplePeriodNs();
  }
}
