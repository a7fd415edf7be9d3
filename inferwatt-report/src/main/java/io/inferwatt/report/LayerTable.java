package io.inferwatt.report;

import static io.inferwatt.report.Style.*;

import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.report.StudyResults.Configuration;
import java.util.ArrayList;
import java.util.List;

/**
 * The layers of the baseline configuration: the network's description of each (kernel, stride,
 * shapes, MACs) beside its measured duration, samples, and power and energy per rail.
 *
 * @param runId the baseline configuration's run
 * @param model its network
 * @param rails the run's rails, in order
 * @param rows its layers, in the run's order
 */
record LayerTable(long runId, String model, List<String> rails, List<Row> rows) {

  LayerTable {
    rails = List.copyOf(rails);
    rows = List.copyOf(rows);
  }

  /**
   * One layer.
   *
   * @param layer its measured results
   * @param spec the network's description of it, or null when the index and name disagree
   */
  record Row(LayerSummary layer, LayerSpec spec) {}

  /** The baseline configuration's layer table, or null when the study has no configuration. */
  static LayerTable of(StudyResults results) {
    Configuration baseline = results.baselineConfiguration();
    if (baseline == null) {
      return null;
    }
    long run = baseline.row().runId();
    List<LayerSpec> features = results.layerFeatures(run);
    List<Row> rows = new ArrayList<>();
    for (LayerSummary l : baseline.run().result().layers()) {
      // the network's description of the layer, when the index and the name agree
      LayerSpec f =
          l.index() >= 0
                  && l.index() < features.size()
                  && features.get(l.index()).name().equals(l.name())
              ? features.get(l.index())
              : null;
      rows.add(new Row(l, f));
    }
    return new LayerTable(run, baseline.model(), baseline.run().result().rails(), rows);
  }

  /** The section {@code layers}, filterable and sortable; {@code simulated} adds the tag. */
  String html(boolean simulated) {
    StringBuilder sb = new StringBuilder();
    sb.append("<section id=\"layers\"><h2>Layers of the baseline configuration (run ")
        .append(runId)
        .append(", ")
        .append(esc(model))
        .append(")");
    if (simulated) {
      sb.append(" <span class=\"simtag\">simulated</span>");
    }
    sb.append(
        "</h2><p class=\"note\">Click a column's head to sort; type to filter. Features from the network's"
            + " description; power is the mapped mean over the layer phase; energy = power × duration. n/a = not"
            + " measured.</p><input class=\"filter\" data-table=\"lay\" placeholder=\"filter, e.g. Conv\"> <table id=\"lay\""
            + " class=\"grid sortable\"><thead><tr><th>#</th><th>name</th><th>type</th><th>kernel</th><th>stride</th>"
            + "<th>input</th><th>output</th><th>MACs</th><th>duration (ms)</th><th>samples</th>");
    for (String rail : rails) {
      sb.append("<th>")
          .append(esc(rail))
          .append(" power (mW)</th><th>")
          .append(esc(rail))
          .append(" energy (mJ)</th>");
    }
    sb.append("</tr></thead><tbody>");
    for (Row row : rows) {
      LayerSummary l = row.layer();
      LayerSpec f = row.spec();
      sb.append("<tr>")
          .append(num(l.index(), 0))
          .append("<td>")
          .append(esc(l.name()))
          .append("</td><td>")
          .append(esc(l.type()))
          .append("</td>")
          .append(num(f == null || f.kernel() <= 0 ? Double.NaN : f.kernel(), 0))
          .append(num(f == null || f.stride() <= 0 ? Double.NaN : f.stride(), 0))
          .append("<td>")
          .append(esc(f == null ? "" : shape(f.inputShape())))
          .append("</td><td>")
          .append(esc(f == null ? "" : shape(f.outputShape())))
          .append("</td>")
          .append(num(f == null ? Double.NaN : f.macs(), 0))
          .append(num(l.durationMsMean(), 4))
          .append(num(l.samples(), 0));
      for (String rail : rails) {
        var p = l.powerMw().get(rail);
        Double e = l.energyMj().get(rail);
        sb.append(num(p == null ? Double.NaN : p.mean(), 0))
            .append(num(e == null ? Double.NaN : e, 4));
      }
      sb.append("</tr>");
    }
    sb.append("</tbody></table></section>");
    return sb.toString();
  }
}
