package io.inferwatt.core;

import java.util.Iterator;
import java.util.List;

/**
 * A whole recording held in memory: the rails, the power samples in time order and the events.
 * Files too large for memory are analysed from a stream instead (see {@code SamplesCsv}). As a
 * {@link SampleSource} it can be read any number of times.
 *
 * @param rails rail names, lower case, in the order of each sample's values
 * @param samples power samples, strictly increasing in {@code tNs}
 * @param events inference, layer and phase events
 */
public record Timeline(List<String> rails, List<PowerSample> samples, EventLog events)
    implements SampleSource {

  public Timeline {
    rails = List.copyOf(rails);
    samples = List.copyOf(samples);
    checkSamples(rails, samples);
  }

  /**
   * Checks that {@code samples} are strictly increasing in {@code tNs} and hold one value per rail.
   *
   * @throws IllegalArgumentException naming the first sample that is not
   */
  public static void checkSamples(List<String> rails, List<PowerSample> samples) {
    long last = Long.MIN_VALUE;
    for (PowerSample s : samples) {
      if (s.tNs() <= last) {
        throw new IllegalArgumentException(
            "samples are not strictly increasing in time at t_ns " + s.tNs());
      }
      if (s.powerMw().length != rails.size()) {
        throw new IllegalArgumentException(
            "sample at t_ns "
                + s.tNs()
                + " has "
                + s.powerMw().length
                + " values for "
                + rails.size()
                + " rails");
      }
      last = s.tNs();
    }
  }

  /** A pass over {@link #samples()}, from the first. */
  @Override
  public Iterator<PowerSample> open() {
    return samples.iterator();
  }
}
