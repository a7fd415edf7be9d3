package io.inferwatt.store;

import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The raw power samples of a run, kept with it when the user asks for them.
 *
 * @param rails rail names, lower case, in the order of each sample's values
 * @param samples samples in strictly increasing {@code tNs} (monotonic ns), power in mW; a rail not
 *     read in a sample is NaN
 */
public record RawSamples(List<String> rails, List<PowerSample> samples) {

  public RawSamples {
    rails = List.copyOf(Objects.requireNonNull(rails, "rails"));
    samples = List.copyOf(Objects.requireNonNull(samples, "samples"));
    if (Set.copyOf(rails).size() != rails.size()) {
      throw new IllegalArgumentException("sample rails are not unique: " + rails);
    }
    Timeline.checkSamples(rails, samples);
  }

  /** The samples of a recording held in memory. */
  public static RawSamples of(Timeline timeline) {
    return new RawSamples(timeline.rails(), timeline.samples());
  }
}
