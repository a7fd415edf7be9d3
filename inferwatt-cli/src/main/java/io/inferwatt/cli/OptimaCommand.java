package io.inferwatt.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.core.BadInputException;
import io.inferwatt.report.StudyResults;
import io.inferwatt.store.StudyRow;
import io.inferwatt.study.Models;
import io.inferwatt.study.Optima;
import io.inferwatt.study.Outcome;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code inferwatt optima}: the paper's Table I for a stored study. Per objective (power of the
 * total rail, latency per input, energy per input), each setting's best value and its values within
 * the tolerance of the best; the Pareto front of latency against energy; and which settings move
 * energy most.
 */
@Command(
    name = "optima",
    mixinStandardHelpOptions = true,
    description = {
      "The optimal settings of a stored study for power, latency and energy (the paper's Table I).",
      "Power is the mean of the total rail its power source marks (in on a Jetson, the RAPL package on"
          + " a CPU); latency and energy are per input (divided by the batch)."
    })
final class OptimaCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DbOption db;

  @Option(names = "--study", description = "the study (default: the one last started)")
  String study;

  @Option(
      names = "--tolerance",
      defaultValue = "2%",
      description =
          "'within' means at most this much worse than the best (default: ${DEFAULT-VALUE})")
  String tolerance;

  @Option(
      names = "--predicted",
      description =
          "also the optima the newest fitted model (inferwatt fit) predicts for the same configurations")
  boolean predicted;

  @Mixin FormatOption output;

  @Override
  public Integer call() throws Exception {
    double tol = parseTolerance(tolerance);
    StudyRow row;
    int finished;
    Optima.Result result;
    Optima.Result forecast = null;
    try (Store store = db.openExisting()) {
      StudyResults results = StudyResults.load(store.base(), study);
      row = results.study();
      finished = results.configurations().size();
      result = results.optima(tol);
      if (predicted) {
        forecast = PredictedOptima.of(db, results, tol);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      ObjectNode o = json(row, finished, result);
      if (forecast != null) {
        ObjectNode p = o.putObject("predicted");
        body(p, forecast);
      }
      out.println(JsonReport.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o));
    } else {
      text(out, row, finished, result);
      if (forecast != null) {
        String tag = row.simulated() ? "[simulated] " : "";
        out.printf(
            Locale.ROOT,
            "%s%n%sPREDICTED by the newest fitted model for the same configurations:%n",
            tag.trim(),
            tag);
        body(out, tag + "predicted ", forecast);
      }
    }
    return 0;
  }

  static double parseTolerance(String s) {
    String t = s.trim();
    try {
      double v =
          t.endsWith("%")
              ? Double.parseDouble(t.substring(0, t.length() - 1)) / 100
              : Double.parseDouble(t);
      if (v >= 0 && v < 10) {
        return v;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new BadInputException(
        "tolerance '" + s + "' is not a percentage such as 2% (or a fraction such as 0.02)");
  }

  /** {@code cpu.freq_khz} → {@code cpu_freq_khz}. */
  static String jsonName(String setting) {
    return setting.replace('.', '_');
  }

  private static void value(ObjectNode o, String name, String v) {
    if (v == null) {
      o.putNull(name);
    } else if (v.matches("-?\\d{1,18}")) {
      o.put(name, Long.parseLong(v));
    } else {
      o.put(name, v);
    }
  }

  private static ArrayNode values(ArrayNode a, List<String> vs) {
    for (String v : vs) {
      if (v != null && v.matches("-?\\d{1,18}")) {
        a.add(Long.parseLong(v));
      } else {
        a.add(v);
      }
    }
    return a;
  }

  private static ObjectNode best(ObjectNode o, Optima.Objective obj, Optima.Best b) {
    o.put("unit", obj.unit());
    if (!Double.isNaN(b.value())) {
      JsonReport.num(o, "value", b.value());
    }
    ObjectNode best = o.putObject("best");
    b.best().forEach((k, v) -> value(best, jsonName(k), v));
    ObjectNode within = o.putObject("within");
    b.within().forEach((k, v) -> values(within.putArray(jsonName(k)), v));
    return o;
  }

  static ObjectNode json(StudyRow row, int finished, Optima.Result r) {
    ObjectNode o = JsonReport.MAPPER.createObjectNode();
    o.put("study", row.studyId());
    o.put("board", row.board());
    o.put("simulated", row.simulated());
    o.put("configurations_finished", finished);
    o.put("configurations_planned", row.plannedConfigurations());
    body(o, r);
    return o;
  }

  /** The optima's fields of the JSON (tolerance, objectives, slices, Pareto front, ranking). */
  static void body(ObjectNode o, Optima.Result r) {
    o.put("tolerance", r.tolerance());
    o.put("power_rail", "total (in on a Jetson)");
    for (Optima.Objective obj : Optima.Objective.values()) {
      best(o.putObject(obj.id()), obj, r.overall().get(obj));
    }
    ArrayNode slices = o.putArray("slices");
    for (Optima.SliceOptima s : r.slices()) {
      ObjectNode so = slices.addObject();
      so.put("slice", s.label());
      values(so.putArray("factors"), s.factors().stream().map(OptimaCommand::jsonName).toList());
      so.put("measured", s.measured());
      so.put("planned", s.planned());
      for (Optima.Objective obj : Optima.Objective.values()) {
        best(so.putObject(obj.id()), obj, s.best().get(obj));
      }
    }
    ArrayNode pareto = o.putArray("pareto");
    for (Outcome p : r.pareto()) {
      ObjectNode po = pareto.addObject();
      po.put("config_key", p.key());
      ObjectNode st = po.putObject("settings");
      p.settings().forEach((k, v) -> value(st, jsonName(k), v));
      JsonReport.num(po, "latency_ms_per_input", p.latencyMsPerInput());
      JsonReport.num(po, "energy_mj_per_input", p.energyMjPerInput());
      JsonReport.num(po, "power_mw", p.powerMw());
    }
    ArrayNode rank = o.putArray("energy_ranking");
    for (Optima.Influence i : r.energyRanking()) {
      ObjectNode io = rank.addObject();
      io.put("slice", i.label());
      values(io.putArray("factors"), i.factors().stream().map(OptimaCommand::jsonName).toList());
      JsonReport.num(io, "spread", i.spread());
      JsonReport.num(io, "energy_mj_per_input_min", i.minMj());
      JsonReport.num(io, "energy_mj_per_input_max", i.maxMj());
    }
  }

  private static void text(PrintWriter out, StudyRow row, int finished, Optima.Result r) {
    String tag = row.simulated() ? "[simulated] " : "";
    int pct = (int) Math.round(r.tolerance() * 100);
    out.printf(
        Locale.ROOT,
        "%soptima of study %s on %s (%d of %d configurations); within = at most %s%% above the best%n",
        tag,
        row.studyId(),
        row.board(),
        finished,
        row.plannedConfigurations(),
        r.tolerance() * 100 == pct ? Integer.toString(pct) : Double.toString(r.tolerance() * 100));
    body(out, tag, r);
  }

  /** The optima as text, every line starting with {@code tag}. */
  static void body(PrintWriter out, String tag, Optima.Result r) {
    out.printf(
        Locale.ROOT,
        "%spower: total rail mean; latency and energy: per input (divided by the batch)%n",
        tag);
    for (Optima.Objective obj : Optima.Objective.values()) {
      Optima.Best b = r.overall().get(obj);
      out.printf(
          Locale.ROOT,
          "%s%n%s%s (%s): each setting's best in its own sweep%n",
          tag.trim(),
          tag,
          obj.id(),
          obj.unit());
      b.best()
          .forEach(
              (k, v) ->
                  out.printf(
                      Locale.ROOT,
                      "%s  %-14s best %-12s within: %s%n",
                      tag,
                      k,
                      v,
                      range(b.within().get(k))));
    }
    out.printf(
        Locale.ROOT,
        "%s%n%slatency/energy Pareto front (base model and input):%n",
        tag.trim(),
        tag);
    for (Outcome p : r.pareto()) {
      out.printf(
          Locale.ROOT,
          "%s  %8.3f ms  %9.3f mJ  %8.1f mW  %s%n",
          tag,
          p.latencyMsPerInput(),
          p.energyMjPerInput(),
          p.powerMw(),
          hardware(p.settings()));
    }
    out.printf(
        Locale.ROOT,
        "%s%n%swhat moves energy most (max/min - 1 over the slice):%n",
        tag.trim(),
        tag);
    for (Optima.Influence i : r.energyRanking()) {
      out.printf(
          Locale.ROOT,
          "%s  %-16s %7.1f %%  (%.3f to %.3f mJ per input)%n",
          tag,
          i.label(),
          100 * i.spread(),
          i.minMj(),
          i.maxMj());
    }
  }

  private static String hardware(Map<String, String> s) {
    StringBuilder sb = new StringBuilder();
    s.forEach(
        (k, v) -> {
          if (!k.equals(Models.MODEL) && !k.equals(Models.INPUT)) {
            sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v);
          }
        });
    return sb.toString();
  }

  /** {@code 1, 2, 3} or, for four or more values, {@code first … last (n values)}. */
  private static String range(List<String> vs) {
    if (vs == null || vs.isEmpty()) {
      return "-";
    }
    return vs.size() <= 3
        ? String.join(", ", vs)
        : vs.get(0) + " … " + vs.get(vs.size() - 1) + " (" + vs.size() + " values)";
  }
}
