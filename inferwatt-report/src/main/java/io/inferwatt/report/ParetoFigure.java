package io.inferwatt.report;

import static io.inferwatt.report.Style.*;

import io.inferwatt.report.Chart.Series;
import io.inferwatt.study.Models;
import io.inferwatt.study.Optima;
import io.inferwatt.study.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The latency/energy Pareto front of the configurations with the baseline's network and input: all
 * of them, a zoom on those near the fastest, and the front as a table.
 *
 * @param model the baseline's network
 * @param input the baseline's input
 * @param points every configuration with that network and input (finite latency and energy)
 * @param near those with latency up to 1.6 × the fastest
 * @param front the configurations on the front, by latency
 * @param baseline the baseline configuration's outcome, or null
 * @param baselineSettings the plan's baseline settings, against which the front's labels say what
 *     differs
 */
record ParetoFigure(
    String model,
    String input,
    List<Outcome> points,
    List<Outcome> near,
    List<Outcome> front,
    Outcome baseline,
    Map<String, String> baselineSettings) {

  ParetoFigure {
    points = List.copyOf(points);
    near = List.copyOf(near);
    front = List.copyOf(front);
  }

  static ParetoFigure of(StudyResults results, Optima.Result r) {
    Map<String, String> settings = results.baseline();
    Map<String, Outcome> outcomes = results.outcomes();
    String model = settings.getOrDefault(Models.MODEL, "mobilenetv2");
    String input = settings.getOrDefault(Models.INPUT, "fixed-random");
    List<Outcome> pts =
        outcomes.values().stream()
            .filter(
                o ->
                    model.equals(o.settings().get(Models.MODEL))
                        && input.equals(o.settings().get(Models.INPUT))
                        && Double.isFinite(o.latencyMsPerInput())
                        && Double.isFinite(o.energyMjPerInput()))
            .toList();
    double minLat = pts.stream().mapToDouble(Outcome::latencyMsPerInput).min().orElse(Double.NaN);
    List<Outcome> near = pts.stream().filter(o -> o.latencyMsPerInput() <= 1.6 * minLat).toList();
    StudyResults.Configuration bc = results.baselineConfiguration();
    Outcome baselineOutcome = bc == null ? null : outcomes.get(bc.row().configKey());
    return new ParetoFigure(model, input, pts, near, r.pareto(), baselineOutcome, settings);
  }

  /**
   * How {@code settings} differ from the baseline (the model and input left out), or "baseline".
   */
  String vsBaseline(Map<String, String> settings) {
    List<String> parts = new ArrayList<>();
    settings.forEach(
        (k, v) -> {
          if (!k.equals(Models.MODEL)
              && !k.equals(Models.INPUT)
              && baselineSettings.containsKey(k)
              && !v.equals(baselineSettings.get(k))) {
            parts.add(setting(k, v));
          }
        });
    return parts.isEmpty() ? "baseline" : String.join(", ", parts);
  }

  private static double[] latency(List<Outcome> os) {
    return os.stream().mapToDouble(Outcome::latencyMsPerInput).toArray();
  }

  private static double[] energy(List<Outcome> os) {
    return os.stream().mapToDouble(Outcome::energyMjPerInput).toArray();
  }

  /** The section {@code pareto}; {@code tag} marks a simulated study. */
  String html(String tag) {
    Chart pc =
        Chart.numeric(
                "Latency vs energy per input (" + model + ", " + input + ")",
                "latency per input (ms)",
                "energy per input (mJ)")
            .height(400);
    pc.add(Series.xyPoints("configuration", "#bab0ac", latency(points), energy(points), null));
    pc.add(Series.xyLine("Pareto front", "#e15759", latency(front), energy(front)));
    Chart zoom =
        Chart.numeric(
                "Near the front (latency up to 1.6 × the fastest)",
                "latency per input (ms)",
                "energy per input (mJ)")
            .height(400);
    zoom.add(Series.xyPoints("configuration", "#bab0ac", latency(near), energy(near), null));
    zoom.add(Series.xyLine("Pareto front", "#e15759", latency(front), energy(front)));
    zoom.add(
        Series.xyPoints(
            "on the front",
            "#e15759",
            latency(front),
            energy(front),
            front.stream().map(o -> vsBaseline(o.settings())).toArray(String[]::new)));
    if (baseline != null) {
      zoom.add(
          Series.xyPoints(
              "baseline configuration",
              "#08306b",
              new double[] {baseline.latencyMsPerInput()},
              new double[] {baseline.energyMjPerInput()},
              new String[] {"baseline"}));
    }
    StringBuilder sb = new StringBuilder();
    sb.append("<section id=\"pareto\" class=\"figure\"><h2>Pareto front: latency vs energy")
        .append(tag)
        .append("</h2>")
        .append(
            "<p class=\"note\">Every configuration with the baseline's network and input (grey); red: those no other"
                + " beats in both latency and energy per input, labelled with how they differ from the baseline.</p>"
                + "<div class=\"panels\"><div class=\"panel\">")
        .append(pc.svg())
        .append("</div><div class=\"panel\">")
        .append(zoom.svg())
        .append(
            "</div><div class=\"panel\"><table class=\"grid sortable\"><thead><tr><th>latency"
                + " per input (ms)</th><th>energy per input (mJ)</th><th>power (mW)</th><th>settings (vs baseline)</th></tr>"
                + "</thead><tbody>");
    for (Outcome o : front) {
      sb.append("<tr>")
          .append(num(o.latencyMsPerInput(), 3))
          .append(num(o.energyMjPerInput(), 3))
          .append(num(o.powerMw(), 0))
          .append("<td>")
          .append(esc(vsBaseline(o.settings())))
          .append("</td></tr>");
    }
    sb.append("</tbody></table></div></div></section>");
    return sb.toString();
  }
}
