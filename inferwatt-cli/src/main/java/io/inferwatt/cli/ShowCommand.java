package io.inferwatt.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.report.RunResults;
import io.inferwatt.store.MethodChecks;
import io.inferwatt.store.RawStatus;
import io.inferwatt.store.StoredRun;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code inferwatt show RUN}: one stored run, as {@code profile} printed it (text), or as the
 * analysis JSON with the run's identity, settings and environment ({@code --format json}).
 */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = "Show one stored run: settings, latency, power, energy, layers.")
final class ShowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DbOption db;

  @Parameters(index = "0", paramLabel = "RUN", description = "the run's id (see inferwatt runs)")
  long runId;

  @Mixin FormatOption output;

  @Override
  public Integer call() throws Exception {
    RunResults results;
    Optional<MethodChecks> checks;
    try (Store store = db.openExisting()) {
      results = RunResults.load(store.base(), runId, db.toString());
      checks = store.base().methodChecks(runId);
    }
    StoredRun run = results.run();
    String study = results.study().map(s -> s.studyId()).orElse(null);
    String configKey = results.study().map(s -> s.configKey()).orElse(null);
    RawStatus raw = results.raw();
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      ObjectNode o = JsonReport.MAPPER.createObjectNode();
      o.put("run_id", run.id());
      o.put("board", run.board());
      o.put("simulated", run.simulated());
      o.put("model", run.model());
      o.put("started_at", run.startedAt().toString());
      o.put("tool_version", run.toolVersion());
      if (study == null) {
        o.putNull("study");
        o.putNull("config_key");
      } else {
        o.put("study", study);
        o.put("config_key", configKey);
      }
      ObjectNode s = o.putObject("settings");
      run.settings().forEach(s::put);
      ObjectNode e = o.putObject("environment");
      run.environment().forEach(e::put);
      o.put("samples_stored", run.samplesStored());
      o.put("events_stored", raw.events());
      if (raw.kept().isEmpty()) {
        o.putNull("raw_kept");
      } else {
        o.put("raw_kept", raw.kept());
      }
      if (raw.derivedFrom().isPresent()) {
        o.put("derived_from", raw.derivedFrom().getAsLong());
      } else {
        o.putNull("derived_from");
      }
      o.set("analysis", JsonReport.analysis(run.result()));
      if (checks.isPresent()) {
        ObjectNode c = TruthReport.storedJson(checks.get());
        o.set("truth_error", c.get("truth_error"));
        o.set("layer_methods", c.get("layer_methods"));
      } else {
        o.putNull("truth_error");
        o.putArray("layer_methods");
      }
      out.println(JsonReport.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o));
      return 0;
    }
    TextReport text = new TextReport(out, run.simulated(), Main.verbose(spec));
    text.line(
        "run %d: board %s%s, model %s, started %s, inferwatt %s",
        run.id(),
        run.board(),
        run.simulated() ? " (simulated: these numbers are not measurements)" : "",
        run.model(),
        run.startedAt(),
        run.toolVersion());
    if (study != null) {
      text.line("study %s, configuration %s", study, configKey);
    }
    if (raw.derivedFrom().isPresent()) {
      text.line(
          "re-analysed from the raw recording of run %d (inferwatt reanalyze)",
          raw.derivedFrom().getAsLong());
    }
    StringBuilder sb = new StringBuilder();
    run.settings()
        .forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "  ").append(k).append('=').append(v));
    text.line("settings: %s", sb.length() == 0 ? "(none)" : sb);
    text.analysis(run.result());
    java.util.Map<Integer, String> names = new java.util.HashMap<>();
    run.result().layers().forEach(l -> names.put(l.index(), l.name()));
    checks.ifPresent(c -> TruthReport.storedText(text, c, names));
    text.line(
        "raw samples stored: %d, raw events: %d%s",
        run.samplesStored(),
        raw.events(),
        run.samplesStored() == 0
            ? ""
            : " (inferwatt query \"SELECT * FROM power_samples WHERE run_id = " + run.id() + "\")");
    return 0;
  }
}
