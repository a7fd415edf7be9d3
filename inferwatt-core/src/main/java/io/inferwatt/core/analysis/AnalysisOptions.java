package io.inferwatt.core.analysis;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.analysis.AnalysisResult.MappingInfo;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 * @param sensorPrior the sensor response and offset estimated on an earlier recording of the same
 *     sensor (a study's earlier configuration): the window-aware mapping re-checks it near where it
 *     was found instead of searching every shape, and searches everything when it no longer fits.
 *     Empty = none.
 */
public record AnalysisOptions(
    int minSamplesPerLayer,
    List<String> rails,
    LayerMapping mapping,
    OptionalLong windowHintNs,
    Optional<SensorPrior> sensorPrior) {

  public static final int PAPER_MIN_SAMPLES = 100;

  /**
   * A sensor response found before, with the offset found with it.
   *
   * @param response the response
   * @param offsetNs the offset of its end before the read's end, ns
   */
  public record SensorPrior(SensorResponse response, long offsetNs) {
    public SensorPrior {
      Objects.requireNonNull(response, "response");
    }
  }

  public AnalysisOptions {
    if (minSamplesPerLayer < 1) {
      throw new BadInputException(
          "minimum samples per layer must be at least 1, not " + minSamplesPerLayer);
    }
    rails = List.copyOf(rails);
    Objects.requireNonNull(mapping, "mapping");
    Objects.requireNonNull(windowHintNs, "windowHintNs");
    Objects.requireNonNull(sensorPrior, "sensorPrior");
    if (windowHintNs.isPresent() && windowHintNs.getAsLong() < 0) {
      throw new BadInputException(
          "window hint must be at least 0 ns, not " + windowHintNs.getAsLong());
    }
  }

  /** Options with the default mapping ({@link LayerMapping#AUTO}) and no window hint. */
  public AnalysisOptions(int minSamplesPerLayer, List<String> rails) {
    this(minSamplesPerLayer, rails, LayerMapping.AUTO, OptionalLong.empty(), Optional.empty());
  }

  public static AnalysisOptions defaults() {
    return new AnalysisOptions(PAPER_MIN_SAMPLES, List.of());
  }

  public AnalysisOptions withRails(List<String> r) {
    return new AnalysisOptions(minSamplesPerLayer, r, mapping, windowHintNs, sensorPrior);
  }

  public AnalysisOptions withMinSamples(int n) {
    return new AnalysisOptions(n, rails, mapping, windowHintNs, sensorPrior);
  }

  public AnalysisOptions withMapping(LayerMapping m) {
    return new AnalysisOptions(minSamplesPerLayer, rails, m, windowHintNs, sensorPrior);
  }

  /** With a known sensor window in ns as the search's starting point. */
  public AnalysisOptions withWindowHintNs(long ns) {
    return new AnalysisOptions(
        minSamplesPerLayer, rails, mapping, OptionalLong.of(ns), sensorPrior);
  }

  /**
   * With the sensor response that an earlier analysis of the same sensor estimated by a whole
   * search (one with a residual curve), else these options unchanged: a study measures every
   * configuration through one sensor, so its later configurations re-check the response near the
   * first one's; a re-check's own result does not move the prior (no drift from one configuration
   * to the next), a whole search that ran because the re-check no longer fitted does. A
   * non-parametric response is not re-checked: each configuration searches again.
   */
  public AnalysisOptions withSensorFrom(MappingInfo earlier) {
    if (earlier.response().isEmpty()
        || earlier.response().startsWith("kernel")
        || !Double.isFinite(earlier.estimatedOffsetMs())
        || earlier.residualCurve().isEmpty()) {
      return this;
    }
    SensorPrior prior =
        new SensorPrior(
            SensorResponse.parse(earlier.response()),
            Math.round(earlier.estimatedOffsetMs() * WindowMapping.NS_PER_MS));
    return new AnalysisOptions(
        minSamplesPerLayer, rails, mapping, windowHintNs, Optional.of(prior));
  }
}
