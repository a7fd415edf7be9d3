package io.inferwatt.core.analysis;

import java.util.List;

/**
 * Settings of one analysis.
 *
 * @param minSamplesPerLayer samples wanted on the fastest layer (the paper used 100)
 * @param rails rails to report, lower case; empty = every rail of the recording
 */
public record AnalysisOptions(int minSamplesPerLayer, List<String> rails) {

  public static final int PAPER_MIN_SAMPLES = 100;

  public AnalysisOptions {
    if (minSamplesPerLayer < 1) {
      throw new IllegalArgumentException(
          "minimum samples per layer must be at least 1, not " + minSamplesPerLayer);
    }
    rails = List.copyOf(rails);
  }

  public static AnalysisOptions defaults() {
    return new AnalysisOptions(PAPER_MIN_SAMPLES, List.of());
  }

  public AnalysisOptions withRails(List<String> r) {
    return new AnalysisOptions(minSamplesPerLayer, r);
  }

  public AnalysisOptions withMinSamples(int n) {
    return new AnalysisOptions(n, rails);
  }
}
