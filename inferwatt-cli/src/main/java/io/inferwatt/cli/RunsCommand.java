package io.inferwatt.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.store.RunRow;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code inferwatt runs}: the stored runs, newest last. */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description = "List the runs stored in the measurement base.")
final class RunsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DbOption db;

  @Mixin FormatOption output;

  @Override
  public Integer call() throws Exception {
    List<RunRow> runs;
    try (Store store = db.openExisting("run inferwatt profile first, or name one with --db")) {
      runs = store.base().runs();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      ArrayNode a = JsonReport.MAPPER.createArrayNode();
      for (RunRow r : runs) {
        ObjectNode o = a.addObject();
        o.put("id", r.id());
        o.put("started_at", r.startedAt().toString());
        o.put("board", r.board());
        o.put("simulated", r.simulated());
        o.put("model", r.model());
        o.put("settings", r.settingsSummary());
        o.put("inferences", r.inferenceCount());
        JsonReport.num(o, "latency_ms_mean", r.latencyMsMean());
        o.put("total_rail", r.totalRail());
        JsonReport.num(o, "power_mw_mean", r.powerMwMean());
        JsonReport.num(o, "energy_mj_per_inference", r.energyMjPerInference());
      }
      out.println(JsonReport.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(a));
      return 0;
    }
    if (runs.isEmpty()) {
      out.println("no runs stored in " + db);
      return 0;
    }
    out.printf(
        Locale.ROOT,
        "%5s  %-20s  %-10s  %-12s  %10s  %10s  %10s  %s%n",
        "run",
        "started (UTC)",
        "board",
        "model",
        "latency ms",
        "power mW",
        "energy mJ",
        "settings");
    for (RunRow r : runs) {
      out.printf(
          Locale.ROOT,
          "%5d  %-20s  %-10s  %-12s  %10s  %10s  %10s  %s%s%n",
          r.id(),
          r.startedAt().toString().replaceFirst("\\.\\d+Z$", "Z"),
          r.board(),
          r.model(),
          TextReport.f(r.latencyMsMean(), 2),
          TextReport.f(r.powerMwMean(), 0),
          TextReport.f(r.energyMjPerInference(), 2),
          r.settingsSummary(),
          r.simulated() ? "  [simulated]" : "");
    }
    return 0;
  }
}
