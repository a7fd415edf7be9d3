package io.inferwatt.hardware;

import io.inferwatt.core.Timeline;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A board with its engine and power logger, able to run the measurement protocol for one
 * configuration and hand back everything it recorded. The virtual Jetson Nano implements it in
 * virtual time; real boards implement it with a logger thread and a real engine.
 */
public interface Recorder {

  /** The board's name ({@code sim:nano}, {@code jetson-nano}, ...). */
  String board();

  /** Whether every number it records is simulated. */
  boolean simulated();

  /** The rails it records, in the order of each sample's values. */
  List<Rail> rails();

  /** The settings it exposes, by name. */
  List<Knob> knobs();

  /**
   * Runs the protocol's phases for {@code workload} at the current settings.
   *
   * @param listener progress, called from the calling thread
   */
  Timeline record(Workload workload, Protocol protocol, ProgressListener listener);

  /**
   * What the board knows before measuring: the time from one inference's start to the next one's,
   * ns, for {@code workload} once {@code settings} (knob name to value; knobs not named keep their
   * value) are applied. Empty where only a measurement can tell (a real board), so that memory and
   * time can be checked before anything is measured.
   */
  default OptionalLong expectedCycleNs(Workload workload, Map<String, String> settings) {
    return OptionalLong.empty();
  }

  /** The power logger's nominal time between samples, ns; 0 when the board cannot say. */
  default long samplePeriodNs() {
    return 0;
  }

  /** Progress of a recording. */
  @FunctionalInterface
  interface ProgressListener {
    ProgressListener NONE = (phase, done, total) -> {};

    /** {@code done} of {@code total} cycles of {@code phase} are finished. */
    void progress(String phase, long done, long total);
  }
}
