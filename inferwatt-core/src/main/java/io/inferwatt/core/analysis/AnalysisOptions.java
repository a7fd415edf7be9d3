package io.inferwatt.core.analysis;

import io.inferwatt.core.BadInputException;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Settings of one analysis.
 *
 * @param minSamplesPerLayer samples wanted on the fastest layer (the paper used 100)
 * @param rails rails to report, lower case; empty = every rail of the recording
 * @param mapping how samples are attributed to layers (default {@link LayerMapping#AUTO})
 * @param windowHintNs the power sensor's averaging window in ns when known (for example the
 *     INA3221's conversion time); the window-aware mapping starts its search there and still
 *     estimates the window from the data. Empty = unknown.
 */
public record AnalysisOptions(
    int minSamplesPerLayer, List<String> rails, LayerMapping mapping, OptionalLong windowHintNs) {

  public static final int PAPER_MIN_SAMPLES = 100;

  public AnalysisOptions {
    if (minSamplesPerLayer < 1) {
      throw new BadInputException(
          "minimum samples per layer must be at least 1, not " + minSamplesPerLayer);
    }
    rails = List.copyOf(rails);
    Objects.requireNonNull(mapping, "mapping");
    Objects.requireNonNull(windowHintNs, "windowHintNs");
    if (windowHintNs.isPresent() && windowHintNs.getAsLong() < 0) {
      throw new BadInputException(
          "window hint must be at least 0 ns, not " + windowHintNs.getAsLong());
    }
  }

  /** Options with the default mapping ({@link LayerMapping#AUTO}) and no window hint. */
  public AnalysisOptions(int minSamplesPerLayer, List<String> rails) {
    this(minSamplesPerLayer, rails, LayerMapping.AUTO, OptionalLong.empty());
  }

  public static AnalysisOptions defaults() {
    return new AnalysisOptions(PAPER_MIN_SAMPLES, List.of());
  }

  public AnalysisOptions withRails(List<String> r) {
    return new AnalysisOptions(minSamplesPerLayer, r, mapping, windowHintNs);
  }

  public AnalysisOptions withMinSamples(int n) {
    return new AnalysisOptions(n, rails, mapping, windowHintNs);
  }

  public AnalysisOptions withMapping(LayerMapping m) {
    return new AnalysisOptions(minSamplesPerLayer, rails, m, windowHintNs);
  }

  /** With a known sensor window in ns as the search's starting point. */
  public AnalysisOptions withWindowHintNs(long ns) {
    return new AnalysisOptions(minSamplesPerLayer, rails, mapping, OptionalLong.of(ns));
  }
}
