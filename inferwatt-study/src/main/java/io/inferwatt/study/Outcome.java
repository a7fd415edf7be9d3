package io.inferwatt.study;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The three objectives of one stored configuration, as the paper compares them: mean power of the
 * total rail ({@code in} on a Jetson) over the power phase, latency and energy per input (per
 * inference divided by the batch; energy = mean power × mean latency).
 *
 * @param key the configuration's key
 * @param settings its settings
 * @param powerMw mean total-rail power, mW
 * @param latencyMsPerInput mean latency divided by the batch, ms
 * @param energyMjPerInput energy per inference divided by the batch, mJ
 */
public record Outcome(
    String key,
    Map<String, String> settings,
    double powerMw,
    double latencyMsPerInput,
    double energyMjPerInput) {
  public Outcome {
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /** The outcome of an analysed run: total rail {@code in}, else {@code total}, else the first. */
  public static Outcome of(
      String key, Map<String, String> settings, io.inferwatt.core.analysis.AnalysisResult a) {
    String rail = totalRail(a.rails());
    var inf = a.inferences();
    int batch = Math.max(1, inf.batch());
    var p = inf.powerMw().get(rail);
    Double e = inf.energyMjPaper().get(rail);
    return new Outcome(
        key,
        settings,
        p == null ? Double.NaN : p.mean(),
        inf.latencyMs().mean() / batch,
        e == null ? Double.NaN : e / batch);
  }

  /** {@code in} when present, else {@code total}, else the first rail (null without rails). */
  public static String totalRail(java.util.List<String> rails) {
    if (rails.contains("in")) {
      return "in";
    }
    if (rails.contains("total")) {
      return "total";
    }
    return rails.isEmpty() ? null : rails.get(0);
  }

  /** The value of {@code o}. */
  public double value(Optima.Objective o) {
    return switch (o) {
      case POWER -> powerMw;
      case LATENCY -> latencyMsPerInput;
      case ENERGY -> energyMjPerInput;
    };
  }
}
