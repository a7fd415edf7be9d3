package io.inferwatt.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.core.BadInputException;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.predict.ModelSet;
import io.inferwatt.predict.Prediction;
import io.inferwatt.predict.Predictor;
import io.inferwatt.study.Configuration;
import io.inferwatt.study.Expansion;
import io.inferwatt.study.Models;
import io.inferwatt.study.Optima;
import io.inferwatt.study.Outcome;
import io.inferwatt.study.PaperStudy;
import io.inferwatt.study.Plan;
import io.inferwatt.study.Plans;
import io.inferwatt.study.boards.Boards;
import io.inferwatt.study.boards.StudyBoard;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code inferwatt predict}: a network's per-layer and total latency, power and energy from the
 * models {@code fit} stored, with 95 % prediction intervals; {@code --sweep} predicts every setting
 * of the board's knob ranges and prints the predicted optima. See docs/prediction.md.
 */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = {
      "Predict a network's latency, power and energy per layer and in total, without measuring.",
      "Uses the newest model in --db (from inferwatt fit) or a file from fit --export."
    })
final class PredictCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "MODEL",
      description =
          "an ONNX file (.onnx) or a network name as plans name them (resnet50, mobilenetv3small-w0.5-r160, ...)")
  String network;

  @Mixin DbOption db;

  @Option(
      names = "--model",
      paramLabel = "FILE",
      description = "models exported by fit --export (instead of the base)")
  Path modelFile;

  @Option(
      names = "--model-id",
      paramLabel = "ID",
      description = "a stored model's id (default: the newest)")
  long modelId;

  @Option(
      names = "--board",
      description = "the board to predict for; must be the one the models were fitted on")
  String board;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "a setting (repeatable), e.g. gpu.freq_hz=537600000")
  Map<String, String> set = new LinkedHashMap<>();

  @Option(names = "--batch", paramLabel = "N", description = "inputs per inference")
  Integer batch;

  @Option(
      names = "--sweep",
      description =
          "predict every setting of the board's knob ranges (cores, CPU and GPU frequency, mode and batch) and print the predicted optima")
  boolean sweep;

  @Option(
      names = "--tolerance",
      defaultValue = "2%",
      description = "for --sweep: 'within' of the optima (default: ${DEFAULT-VALUE})")
  String tolerance;

  @Mixin FormatOption output;

  @Override
  public Integer call() throws Exception {
    Path file = Path.of(network);
    boolean isFile = network.toLowerCase(Locale.ROOT).endsWith(".onnx");
    new OutputCheck().input("MODEL", isFile ? file : null).input("--model", modelFile).check();
    ModelSet models = load(db, modelFile, modelId, board);
    // an ONNX file's layers come from its graph as the virtual board derives them (LayerGraph);
    // kept in the user's cache folder between predictions
    NetworkSpec net = LayerCache.network(network);
    boolean simulated = Boards.find(models.board()).map(b -> b.simulated()).orElse(false);
    Map<String, String> given = new LinkedHashMap<>(set);
    if (batch != null) {
      if (batch < 1) {
        throw new BadInputException("--batch must be at least 1, not " + batch);
      }
      given.put(Models.BATCH, Integer.toString(batch));
    }
    Predictor predictor = new Predictor(models);
    PrintWriter out = spec.commandLine().getOut();
    if (sweep) {
      sweep(out, models, predictor, net, given, simulated);
      return 0;
    }
    Prediction p = predictor.predict(net, List.of(given)).get(0);
    if (output.json()) {
      out.println(JsonText.pretty(json(p, simulated)));
    } else {
      text(out, p, net, simulated, models.totalRail());
    }
    return 0;
  }

  /**
   * The models from {@code modelFile}, or model {@code id} (0: the newest) of the base; refused
   * when {@code board} is given and is not the board they were fitted on.
   */
  static ModelSet load(DbOption db, Path modelFile, long id, String board) {
    ModelSet models;
    if (modelFile != null) {
      String text;
      try {
        text = Files.readString(modelFile, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw IoErrors.failure(
            "read", modelFile, e, "name a file written by inferwatt fit --export");
      }
      models = ModelSet.fromJson(text, modelFile.toString());
    } else {
      try (Store store = db.openExisting("name one with --db, or a model file with --model")) {
        var stored = store.base().model(id);
        if (stored.isEmpty()) {
          throw new BadInputException(
              id == 0
                  ? "measurement base "
                      + db
                      + " holds no fitted models; run inferwatt fit --db "
                      + db
                      + " first"
                  : "measurement base " + db + " has no model " + id);
        }
        models = ModelSet.fromJson(stored.get().body(), "model " + stored.get().id() + " of " + db);
      }
    }
    if (board != null && !board.equals(models.board())) {
      throw new BadInputException(
          "the models were fitted on board "
              + models.board()
              + (models.rails().isEmpty()
                  ? " (latency only, no power rails)"
                  : " (rails " + String.join(", ", models.rails()) + ")")
              + ", not on "
              + board
              + "; fit them on "
              + board
              + "'s measurements");
    }
    return models;
  }

  private void sweep(
      PrintWriter out,
      ModelSet models,
      Predictor predictor,
      NetworkSpec net,
      Map<String, String> given,
      boolean simulated)
      throws Exception {
    double tol = OptimaCommand.parseTolerance(tolerance);
    Expansion ex = sweepPlan(models.board());
    List<Map<String, String>> settings = new ArrayList<>();
    List<Configuration> configs = new ArrayList<>();
    java.util.Set<String> unseen = new java.util.TreeSet<>();
    for (Configuration c : ex.configurations()) {
      Map<String, String> s = new LinkedHashMap<>();
      c.settings()
          .forEach(
              (k, v) -> {
                if (models.defaults().containsKey(k)) {
                  s.put(k, v);
                }
              });
      given.forEach(s::putIfAbsent);
      try {
        predictor.resolve(s);
      } catch (BadInputException e) {
        // a categorical value never measured (such as mode=async): left out, and said so
        s.forEach(
            (k, v) -> {
              try {
                predictor.resolve(Map.of(k, v));
              } catch (BadInputException bad) {
                unseen.add(k + "=" + v);
              }
            });
        continue;
      }
      settings.add(s);
      configs.add(c);
    }
    if (settings.isEmpty()) {
      throw new BadInputException(
          "no setting of the sweep was ever measured: " + String.join(", ", unseen));
    }
    List<Prediction> ps = predictor.predict(net, settings);
    Map<String, Outcome> outcomes = new HashMap<>();
    boolean partial = false;
    for (int i = 0; i < ps.size(); i++) {
      Prediction p = ps.get(i);
      partial |= p.partial();
      int b = Integer.parseInt(p.settings().getOrDefault(Models.BATCH, "1"));
      Map<String, String> shown = new LinkedHashMap<>(configs.get(i).settings());
      shown.put(Models.MODEL, net.name());
      outcomes.put(
          configs.get(i).key(),
          new Outcome(
              configs.get(i).key(),
              shown,
              p.powerMw().get(models.totalRail()).value(),
              p.latencyMs().value() / b,
              p.energyMj().get(models.totalRail()).value() / b));
    }
    Map<String, String> base = new LinkedHashMap<>(ex.plan().baseline());
    base.put(
        Models.MODEL, net.name()); // the Pareto front is of the baseline model: the predicted one
    Optima.Result r = Optima.compute(ex.slices(), base, outcomes, tol);
    String tag = simulated ? "[simulated] " : "";
    if (output.json()) {
      ObjectNode o = JsonReport.MAPPER.createObjectNode();
      o.put("board", models.board());
      o.put("simulated", simulated);
      o.put("predicted", true);
      o.put("network", net.name());
      o.put("settings_predicted", ps.size());
      o.put(
          "settings_skipped",
          unseen.isEmpty() ? "" : "left out, never measured: " + String.join(", ", unseen));
      o.put("partial", partial);
      OptimaCommand.body(o, r);
      out.println(JsonText.pretty(o));
      return;
    }
    out.printf(
        Locale.ROOT,
        "%spredicted optima of %s on %s (%d settings predicted, none measured)%s%n",
        tag,
        net.name(),
        models.board(),
        ps.size(),
        partial ? "; PARTIAL: some layers not predicted" : "");
    if (!unseen.isEmpty()) {
      out.printf(
          Locale.ROOT,
          "%sleft out the settings with values never measured: %s%n",
          tag,
          String.join(", ", unseen));
    }
    OptimaCommand.body(out, tag, r);
  }

  /**
   * The §III.C part of the paper's plan (cores, CPU and GPU frequency, mode × batch) on {@code
   * board}.
   */
  static Expansion sweepPlan(String board) {
    String yaml = PaperStudy.yaml().replaceFirst("(?m)^board: .*$", "board: " + board);
    int cut = yaml.indexOf("  # §III.D");
    if (cut > 0) {
      yaml = yaml.substring(0, cut);
    }
    Plan plan = Plans.parse(yaml, "the paper's §III.C sweeps");
    StudyBoard b = Boards.openStudy(plan, Path.of("/"), true, s -> {});
    try {
      return Plans.expand(plan, b.name(), b.engines(), b.knobs());
    } finally {
      b.close();
    }
  }

  static ObjectNode json(Prediction p, boolean simulated) {
    // a factory's node, not JsonReport.MAPPER's: the one-setting prediction starts no mapper
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("board", p.board());
    o.put("simulated", simulated);
    ObjectNode s = o.putObject("settings");
    p.settings().forEach(s::put);
    o.put("partial", p.partial());
    ObjectNode n = o.putObject("network");
    value(n, "latency_ms", p.latencyMs());
    rails(n.putObject("power_mw"), p.powerMw());
    rails(n.putObject("energy_mj"), p.energyMj());
    var layers = o.putArray("layers");
    for (Prediction.Layer l : p.layers()) {
      ObjectNode lo = layers.addObject();
      lo.put("index", l.index());
      lo.put("name", l.name());
      lo.put("type", l.type());
      if (l.predicted()) {
        value(lo, "latency_ms", l.latencyMs());
        rails(lo.putObject("power_mw"), l.powerMw());
        rails(lo.putObject("energy_mj"), l.energyMj());
      } else {
        lo.putNull("latency_ms");
        lo.putNull("power_mw");
        lo.putNull("energy_mj");
      }
      lo.put("predicted", l.predicted());
      if (l.why() == null) {
        lo.putNull("why");
      } else {
        lo.put("why", l.why());
      }
    }
    return o;
  }

  private static void rails(ObjectNode o, Map<String, Prediction.Value> m) {
    m.forEach((r, v) -> value(o, r, v));
  }

  private static void value(ObjectNode o, String field, Prediction.Value v) {
    ObjectNode x = o.putObject(field);
    JsonText.num(x, "value", v.value());
    JsonText.num(x, "low", v.low());
    JsonText.num(x, "high", v.high());
  }

  private static void text(
      PrintWriter out, Prediction p, NetworkSpec net, boolean simulated, String total) {
    String tag = simulated ? "[simulated] " : "";
    StringBuilder st = new StringBuilder();
    p.settings()
        .forEach((k, v) -> st.append(st.length() == 0 ? "" : " ").append(k).append('=').append(v));
    out.printf(Locale.ROOT, "%spredicted %s on %s at %s%n", tag, net.name(), p.board(), st);
    out.printf(
        Locale.ROOT,
        "%s%s(values with their 95 %% prediction interval; energy per inference, one batch)%n",
        tag,
        p.partial()
            ? "PARTIAL: some layers are not predicted, totals cover the others only; "
            : "");
    out.printf(
        Locale.ROOT,
        "%snetwork: latency %s ms; %s%n",
        tag,
        range(p.latencyMs()),
        String.join(
            "; ",
            p.powerMw().keySet().stream()
                .map(
                    // a StringBuilder, not +: each new shape of + spins classes at its first use
                    r ->
                        new StringBuilder(r)
                            .append(' ')
                            .append(range(p.powerMw().get(r)))
                            .append(" mW, ")
                            .append(range(p.energyMj().get(r)))
                            .append(" mJ")
                            .toString())
                .toList()));
    out.printf(
        Locale.ROOT,
        "%s%5s  %-28s %-14s %24s %24s %24s%n",
        tag,
        "index",
        "layer",
        "type",
        "latency ms",
        "power mW (".concat(total).concat(")"),
        "energy mJ (".concat(total).concat(")"));
    for (Prediction.Layer l : p.layers()) {
      if (!l.predicted()) {
        out.printf(
            Locale.ROOT,
            "%s%5d  %-28s %-14s not predicted: %s%n",
            tag,
            l.index(),
            l.name(),
            l.type(),
            l.why());
        continue;
      }
      out.printf(
          Locale.ROOT,
          "%s%5d  %-28s %-14s %24s %24s %24s%s%n",
          tag,
          l.index(),
          l.name(),
          l.type(),
          range(l.latencyMs()),
          l.powerMw().containsKey(total) ? range(l.powerMw().get(total)) : "-",
          l.energyMj().containsKey(total) ? range(l.energyMj().get(total)) : "-",
          l.why() == null ? "" : "  " + l.why());
    }
  }

  private static String range(Prediction.Value v) {
    return String.format(Locale.ROOT, "%.4g [%.4g, %.4g]", v.value(), v.low(), v.high());
  }
}
