package io.inferwatt.report;

import static io.inferwatt.report.Style.*;

import io.inferwatt.report.Chart.Box;
import io.inferwatt.report.Chart.Series;
import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.StoredModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Prediction: the newest model {@code inferwatt fit} stored in the base, as its cross-validation
 * saw it: out-of-fold predicted vs measured layer latency per layer type, the distribution of the
 * absolute error per layer type, and the cross-validation table (every learner's mean fold error
 * per layer type and target, the chosen one marked).
 */
final class PredictionFigure {

  private PredictionFigure() {}

  /** The section, or empty when the base holds no fitted model (the report then has none). */
  static Optional<Figure> build(MeasurementStore store) {
    String id = "prediction";
    String label = "Prediction";
    String title =
        "Per-layer models: predicted vs measured (out of fold), error distribution, cross-validation";
    Optional<StoredModel> found = store.model(0);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    StoredModel m = found.get();
    Map<String, List<StoredModel.Point>> latency = new TreeMap<>();
    for (StoredModel.Point p : m.points()) {
      if (p.target().equals("latency") && !p.layerType().equals("network")) {
        latency.computeIfAbsent(p.layerType(), k -> new ArrayList<>()).add(p);
      }
    }
    List<String> svgs = new ArrayList<>();
    if (!latency.isEmpty()) {
      Chart scatter =
          Chart.numeric(
              "Layer latency, out of fold", "measured latency (ms)", "predicted latency (ms)");
      double max = 0;
      int c = 0;
      for (Map.Entry<String, List<StoredModel.Point>> e : latency.entrySet()) {
        double[] x = e.getValue().stream().mapToDouble(StoredModel.Point::measured).toArray();
        double[] y = e.getValue().stream().mapToDouble(StoredModel.Point::predicted).toArray();
        for (double v : x) {
          max = Math.max(max, v);
        }
        scatter.add(
            Series.xyPoints(e.getKey(), Chart.PALETTE[c++ % Chart.PALETTE.length], x, y, null));
      }
      scatter.add(
          Series.xyLine(
              "predicted = measured", "#888888", new double[] {0, max}, new double[] {0, max}));
      svgs.add(scatter.svg());
      List<String> types = new ArrayList<>(latency.keySet());
      Box[] boxes = new Box[types.size()];
      for (int i = 0; i < types.size(); i++) {
        boxes[i] =
            Box.of(
                latency.get(types.get(i)).stream()
                    .mapToDouble(p -> Math.abs(p.predicted() / p.measured() - 1) * 100)
                    .toArray());
      }
      svgs.add(
          Chart.categorical(
                  "Layer latency error, out of fold", "layer type", "absolute error (%)", types)
              .add(Series.boxes("|predicted / measured − 1|", IN_COLOR, boxes))
              .fromZero()
              .svg());
    }
    return Optional.of(Figure.of(id, label, title, note(m), svgs));
  }

  /** The model's facts and its cross-validation table (HTML). */
  private static String note(StoredModel m) {
    Map<String, Map<String, double[]>> cv = new TreeMap<>();
    Map<String, String> chosen = new LinkedHashMap<>();
    for (StoredModel.Fold f : m.folds()) {
      String key = f.layerType() + " / " + f.target();
      if (Double.isFinite(f.medianAbsErrorPct())) {
        double[] acc =
            cv.computeIfAbsent(key, k -> new TreeMap<>())
                .computeIfAbsent(f.learner(), k -> new double[2]);
        acc[0] += f.medianAbsErrorPct();
        acc[1]++;
      }
      if (f.chosen()) {
        chosen.put(key, f.learner());
      }
    }
    List<String> learners = List.of("lasso-poly2", "work-lasso", "xgboost", "power*latency");
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "Model %d of board %s, fitted %s on %d layer rows of %d runs%s; rails %s. Folds hold out"
                + " whole network families (every width and resolution; each sampled layer network"
                + " alone); each cell is the mean over folds of the median absolute error.",
            m.id(),
            esc(m.board()),
            esc(m.createdAt().toString()),
            m.trainingRows(),
            m.trainingRuns(),
            m.study() == null ? "" : " (study " + esc(m.study()) + ")",
            esc(String.join(", ", m.rails()))));
    sb.append("<table class=\"cv\"><tr><th>layer type / target</th>");
    learners.forEach(l -> sb.append("<th>").append(esc(l)).append("</th>"));
    sb.append("<th>chosen</th></tr>");
    cv.forEach(
        (key, byLearner) -> {
          sb.append("<tr><td>").append(esc(key)).append("</td>");
          for (String l : learners) {
            double[] a = byLearner.get(l);
            sb.append("<td>")
                .append(a == null ? "–" : String.format(Locale.ROOT, "%.2f %%", a[0] / a[1]))
                .append("</td>");
          }
          sb.append("<td>").append(esc(chosen.getOrDefault(key, "–"))).append("</td></tr>");
        });
    sb.append("</table>");
    return sb.toString();
  }
}
