package io.inferwatt.core.analysis;

import java.util.List;
import java.util.Map;

/**
 * Everything the analysis of one recording yields. Maps are keyed by rail name, in the order of
 * {@link #rails()}. A value not measured is NaN (or {@link Estimate#NONE}), never 0.
 *
 * @param rails rail names, lower case
 * @param simulated whether the numbers come from a simulated board
 * @param inferences whole-inference latency, power and energy
 * @param layers per-layer results in layer order (empty without layer events)
 * @param unattributed the tails of the inferences that no layer covers
 * @param idlePowerMw mean power per rail during the idle phase
 * @param phases energy per phase
 * @param samplePeriodMs median time between consecutive samples, NaN without samples
 * @param minSamplesPerLayer the requested minimum of samples per layer
 * @param cyclesNeeded cycles needed for the fastest layer to get {@code minSamplesPerLayer} samples
 *     at the observed sample period (with the window-aware mapping: the most cycles any layer needs
 *     for that many equivalent samples); -1 when unknown (no layers or no samples)
 * @param mapping how samples were attributed to layers
 * @param warnings problems that did not stop the analysis, for people
 */
public record AnalysisResult(
    List<String> rails,
    boolean simulated,
    InferenceSummary inferences,
    List<LayerSummary> layers,
    Unattributed unattributed,
    Map<String, Estimate> idlePowerMw,
    List<PhaseSummary> phases,
    double samplePeriodMs,
    int minSamplesPerLayer,
    long cyclesNeeded,
    MappingInfo mapping,
    List<String> warnings) {

  public AnalysisResult {
    rails = List.copyOf(rails);
    layers = List.copyOf(layers);
    phases = List.copyOf(phases);
    warnings = List.copyOf(warnings);
  }

  /**
   * Latency statistics in ms.
   *
   * @param count inferences behind the statistics
   */
  public record LatencyMs(
      long count, double mean, double p50, double p95, double p99, double min, double max) {}

  /**
   * Whole inferences.
   *
   * @param count inferences that are not warm-up
   * @param batch inputs per inference (the most common batch)
   * @param latencyMs latency from the latency phase (or all inferences without one)
   * @param powerMw mean power per rail over the samples inside inferences, with a confidence
   *     interval from the spread of per-inference means (batch means)
   * @param energyMj mean energy per inference per rail, trapezoidal integration over each inference
   * @param energyMjPaper mean energy per inference per rail as mean power × mean latency (the
   *     paper's definition)
   * @param powerInferences inferences that had samples inside them
   */
  public record InferenceSummary(
      long count,
      int batch,
      LatencyMs latencyMs,
      Map<String, Estimate> powerMw,
      Map<String, Double> energyMj,
      Map<String, Double> energyMjPaper,
      long powerInferences) {}

  /**
   * One layer, over all cycles.
   *
   * @param index position in the network
   * @param name name (from its first event)
   * @param type type, or empty
   * @param samples power samples mapped to it
   * @param cycles inferences in which it ran
   * @param durationMsMean mean profiled duration in ms
   * @param durationMsP50 median profiled duration in ms (NaN: not known, as for a run stored before
   *     it was kept): on a machine shared with other work, a cycle that waited for it is an outlier
   *     the median leaves out, as the network's {@code p50} does
   * @param powerMw mean power per rail with a 95% confidence interval
   * @param energyMj energy per rail in mJ: mean power × mean duration
   * @param cyclesNeeded cycles it needs to get the requested minimum of samples
   */
  public record LayerSummary(
      int index,
      String name,
      String type,
      long samples,
      long cycles,
      double durationMsMean,
      double durationMsP50,
      Map<String, Estimate> powerMw,
      Map<String, Double> energyMj,
      long cyclesNeeded) {}

  /**
   * What is left of each inference after its last layer.
   *
   * @param samples samples that fell into a tail
   * @param durationMsMean mean tail length in ms
   * @param powerMw mean power per rail over those samples
   */
  public record Unattributed(long samples, double durationMsMean, Map<String, Estimate> powerMw) {}

  /**
   * One phase.
   *
   * @param name the phase's name
   * @param durationMs its length in ms
   * @param samples samples inside it
   * @param inferences inferences that started inside it
   * @param energyMj energy per rail, trapezoidal, in mJ
   * @param powerMwMean mean power per rail (energy / duration) in mW
   */
  public record PhaseSummary(
      String name,
      double durationMs,
      long samples,
      long inferences,
      Map<String, Double> energyMj,
      Map<String, Double> powerMwMean) {}

  /**
   * How samples were attributed to layers, and what the window-aware mapping found out about the
   * power sensor. With method {@code window}, {@link LayerSummary#samples()} and the {@code n} of
   * each layer's {@link Estimate} count <em>equivalent samples</em>: the number of samples taken
   * wholly inside the layer that would give the same precision ({@code 1 / [(AᵀA)⁻¹]kk}); with
   * method {@code paper} they count the samples whose timestamp fell inside the layer.
   *
   * @param method {@code paper} (sample timestamp inside the layer's interval) or {@code window}
   *     (each sample is the mean power over its window; per-layer powers by least squares)
   * @param windowMs the sensor's averaging window the method used, in ms (0 for the paper's method)
   * @param offsetMs the window's offset against the read end in ms: the window is {@code [readEnd −
   *     windowMs − offsetMs, readEnd − offsetMs]} (0 for the paper's method)
   * @param estimatedWindowMs the window estimated from the data in ms, also when the paper's method
   *     was used in the end; NaN when not estimated
   * @param estimatedOffsetMs the offset estimated with it in ms; NaN when not estimated
   * @param conditionNumber the 2-norm condition number of the window fit's normal equations
   *     (columns scaled to unit diagonal); NaN when not computed
   * @param resolvable false when the window-aware fit could not resolve the layers
   *     (ill-conditioned) and the paper's numbers are reported instead; true otherwise
   * @param reason why this method was used, for people; empty for the plain paper's method
   * @param residualCurve the fit's relative residual against the window (at each window the best
   *     offset), from the coarse search grid, in increasing window; empty when not estimated
   * @param response the sensor response the window fit used or estimated, as {@link
   *     SensorResponse#spec()} ({@code boxcar:1.1ms}, {@code lowpass:0.5ms}, ...) or a
   *     non-parametric kernel ({@code kernel:33x0.1ms[w0,…]}); empty when not estimated
   * @param tauMs the response's low-pass time constant in ms (0: none; NaN when not estimated)
   */
  public record MappingInfo(
      String method,
      double windowMs,
      double offsetMs,
      double estimatedWindowMs,
      double estimatedOffsetMs,
      double conditionNumber,
      boolean resolvable,
      String reason,
      List<ResidualPoint> residualCurve,
      String response,
      double tauMs) {

    public static final MappingInfo PAPER = new MappingInfo("paper", 0, 0);

    public MappingInfo {
      residualCurve = List.copyOf(residualCurve);
    }

    /** A mapping without a low-pass part in its response (boxcar or instant). */
    public MappingInfo(
        String method,
        double windowMs,
        double offsetMs,
        double estimatedWindowMs,
        double estimatedOffsetMs,
        double conditionNumber,
        boolean resolvable,
        String reason,
        List<ResidualPoint> residualCurve) {
      this(
          method,
          windowMs,
          offsetMs,
          estimatedWindowMs,
          estimatedOffsetMs,
          conditionNumber,
          resolvable,
          reason,
          residualCurve,
          Double.isNaN(estimatedWindowMs)
              ? ""
              : new SensorResponse(Math.round(estimatedWindowMs * 1e6), 0).spec(),
          Double.isNaN(estimatedWindowMs) ? Double.NaN : 0);
    }

    /** A mapping with nothing estimated. */
    public MappingInfo(String method, double windowMs, double offsetMs) {
      this(method, windowMs, offsetMs, Double.NaN, Double.NaN, Double.NaN, true, "", List.of());
    }
  }

  /**
   * One point of the response search.
   *
   * @param windowMs candidate boxcar window in ms
   * @param offsetMs the best offset at that window in ms
   * @param relativeResidual residual sum of squares of the fit over the total sum of squares around
   *     the mean, summed over rails (dimensionless; smallest at the true window)
   * @param response the candidate's shape: {@code boxcar} (window {@code windowMs}), {@code
   *     lowpass} (time constant {@code tauMs}) or {@code kernel} (a fitted non-parametric kernel of
   *     length {@code windowMs})
   * @param tauMs candidate low-pass time constant in ms (0 for a boxcar)
   */
  public record ResidualPoint(
      double windowMs, double offsetMs, double relativeResidual, String response, double tauMs) {

    /** A point of the boxcar search. */
    public ResidualPoint(double windowMs, double offsetMs, double relativeResidual) {
      this(windowMs, offsetMs, relativeResidual, "boxcar", 0);
    }
  }
}
