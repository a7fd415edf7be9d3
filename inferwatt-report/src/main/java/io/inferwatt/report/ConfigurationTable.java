package io.inferwatt.report;

import static io.inferwatt.report.Style.*;

import io.inferwatt.report.StudyResults.Configuration;
import java.util.List;

/**
 * Every finished configuration with its settings, latency, power per rail and energy per input.
 *
 * @param rows the configurations, in the study's order
 */
record ConfigurationTable(List<Row> rows) {

  ConfigurationTable {
    rows = List.copyOf(rows);
  }

  /**
   * One configuration.
   *
   * @param settings its settings as {@code key=value, ...}
   * @param latencyMsPerInput mean latency per input
   * @param powerMw mean power of the total rail
   * @param cpuPowerMw mean power of the {@code cpu} rail (NaN when the board has none)
   * @param gpuPowerMw mean power of the {@code gpu} rail (NaN when the board has none)
   * @param energyMjPerInput energy per input of the total rail
   */
  record Row(
      long position,
      long runId,
      String sweep,
      String model,
      String settings,
      double latencyMsPerInput,
      double powerMw,
      double cpuPowerMw,
      double gpuPowerMw,
      double energyMjPerInput) {}

  static ConfigurationTable of(StudyResults results) {
    String total = results.totalRail();
    return new ConfigurationTable(
        results.configurations().values().stream()
            .map(
                c ->
                    new Row(
                        c.row().position(),
                        c.row().runId(),
                        c.row().sweep(),
                        c.model(),
                        settings(c),
                        c.latencyPerInput(),
                        c.power(total),
                        c.power("cpu"),
                        c.power("gpu"),
                        c.energyPerInput(total)))
            .toList());
  }

  private static String settings(Configuration c) {
    StringBuilder s = new StringBuilder();
    c.row()
        .settings()
        .forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append('=').append(v));
    return s.toString();
  }

  /** The section {@code configurations}, filterable and sortable. */
  String html() {
    StringBuilder sb = new StringBuilder();
    sb.append("<section id=\"configurations\"><h2>Configurations</h2>")
        .append("<input class=\"filter\" data-table=\"cfg\" placeholder=\"filter (any text)\"> ")
        .append(
            "<table id=\"cfg\" class=\"grid sortable\"><thead><tr><th>#</th><th>run</th><th>sweep</th>"
                + "<th>network</th><th>settings</th><th>latency per input (ms)</th><th>power (mW)</th>"
                + "<th>cpu power (mW)</th><th>gpu power (mW)</th><th>energy per input (mJ)</th></tr></thead><tbody>");
    for (Row r : rows) {
      sb.append("<tr>")
          .append(num(r.position(), 0))
          .append(num(r.runId(), 0))
          .append("<td>")
          .append(esc(r.sweep()))
          .append("</td><td>")
          .append(esc(r.model()))
          .append("</td><td>")
          .append(esc(r.settings()))
          .append("</td>")
          .append(num(r.latencyMsPerInput(), 3))
          .append(num(r.powerMw(), 0))
          .append(num(r.cpuPowerMw(), 0))
          .append(num(r.gpuPowerMw(), 0))
          .append(num(r.energyMjPerInput(), 3))
          .append("</tr>");
    }
    sb.append("</tbody></table></section>");
    return sb.toString();
  }
}
