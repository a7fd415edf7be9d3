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
 * @param cyclesNeeded cycles needed for the fastest layer to get {@code minSamplesPerLayer}
 *     samples at the observed sample period; -1 when unknown (no layers or no samples)
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
   * @param energyMj mean energy per inference per rail, trapezoidal integration over each
   *     inference
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
   * How samples were attributed to layers.
   *
   * @param method {@code paper} (sample timestamp inside the layer's interval) or {@code window}
   * @param windowMs the sensor's averaging window in ms (0 for the paper's method)
   * @param offsetMs the window's offset against the read end in ms
   */
  public record MappingInfo(String method, double windowMs, double offsetMs) {
    public static final MappingInfo PAPER = new MappingInfo("paper", 0, 0);
  }
}
