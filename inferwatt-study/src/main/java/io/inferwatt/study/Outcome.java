package io.inferwatt.study;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The three objectives of one stored configuration, as the paper compares them: mean power of the
 * board's total rail (the one its power source marks: {@code in} on a Jetson, the RAPL package on a
 * CPU, the GPU board under NVML; NaN when none is) over the power phase, latency and energy per
 * input (per inference divided by the batch; energy = mean power × mean latency).
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

  /** The outcome of a measured configuration, on the total rail its source marked. */
  public static Outcome of(String key, Map<String, String> settings, ProfileResult r) {
    String rail = r.totalRail();
    var inf = r.analysis().inferences();
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

  /** The value of {@code o}. */
  public double value(Optima.Objective o) {
    return switch (o) {
      case POWER -> powerMw;
      case LATENCY -> latencyMsPerInput;
      case ENERGY -> energyMjPerInput;
    };
  }
}
