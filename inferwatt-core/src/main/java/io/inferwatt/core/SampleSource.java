package io.inferwatt.core;

import java.util.Iterator;
import java.util.List;

/**
 * Power samples that can be read more than once, each time from the start, in strictly increasing
 * {@code tNs}. Analyses that need several passes (the window-aware layer mapping estimates the
 * sensor's window by fitting the samples under several candidate windows) take one of these instead
 * of an {@link Iterator}; a file-backed source reopens its file on every {@link #open()}.
 */
@FunctionalInterface
public interface SampleSource {

  /**
   * A fresh pass over all samples, from the first. Each call returns an independent iterator; an
   * implementation that holds resources releases them when its iterator is exhausted.
   */
  Iterator<PowerSample> open();

  /** A source over samples held in memory (the list is not copied). */
  static SampleSource of(List<PowerSample> samples) {
    return samples::iterator;
  }
}
