package io.inferwatt.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.core.BadInputException;
import io.inferwatt.predict.Fitter;
import io.inferwatt.predict.ModelSet;
import io.inferwatt.store.StoredModel;
import io.inferwatt.store.TrainingData;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code inferwatt fit}: per layer type, models of latency and of power per rail (and energy) from
 * the base's per-layer measurements, with the settings as inputs; stored in the base, optionally
 * exported. See docs/prediction.md.
 */
@Command(
    name = "fit",
    mixinStandardHelpOptions = true,
    description = {
      "Fit per-layer models of latency, power per rail and energy from the measurement base.",
      "Per layer type, polynomial Lasso (NeuralPower) and gradient-boosted trees (XGBoost) are"
          + " cross-validated on the same folds (grouped by network) and the better one is kept;"
          + " the models are stored in the base."
    })
final class FitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DbOption db;

  @Option(names = "--study", description = "only this study's runs (default: every run)")
  String study;

  @Option(
      names = "--board",
      description = "only runs of this board (needed when the base holds several)")
  String board;

  @Option(
      names = "--exclude-model",
      paramLabel = "NAME",
      description =
          "leave this network's runs out of the training set (repeatable; for leave-one-out checks)")
  List<String> exclude = new java.util.ArrayList<>();

  @Option(
      names = "--skip-short",
      description = "leave out layer types with too few rows instead of refusing")
  boolean skipShort;

  @Option(
      names = "--learners",
      split = ",",
      paramLabel = "NAME",
      defaultValue = "lasso-poly2,work-lasso,xgboost",
      description =
          "learners to cross-validate: lasso-poly2, work-lasso, xgboost (default: ${DEFAULT-VALUE})")
  List<String> learners;

  @Option(
      names = "--export",
      paramLabel = "FILE",
      description = "also write the models to FILE (JSON) for predict --model")
  Path export;

  @Option(
      names = "--errors-out",
      paramLabel = "FILE",
      description =
          "write per layer type the latency model's cross-validated median error, CSV layer_type,median_abs_error_pct")
  Path errorsOut;

  @Mixin FormatOption output;

  @Override
  public Integer call() throws Exception {
    new OutputCheck()
        .writesBase(db.path)
        .output("--export", export)
        .output("--errors-out", errorsOut)
        .check();
    Set<String> use = new LinkedHashSet<>();
    for (String l : learners) {
      String name = l.trim().toLowerCase(Locale.ROOT);
      if (!Fitter.LEARNERS.contains(name)) {
        throw new BadInputException(
            "learner '" + l + "' is not one of " + String.join(", ", Fitter.LEARNERS));
      }
      use.add(name);
    }
    Fitter.Result result;
    long id;
    boolean simulated;
    try (Store store = db.openExisting()) {
      if (study != null && store.base().study(study).isEmpty()) {
        throw new BadInputException("study '" + study + "' is not in measurement base " + db);
      }
      TrainingData data = store.base().trainingData(study, board);
      if (!exclude.isEmpty()) {
        data =
            new TrainingData(
                data.layers().stream().filter(l -> !exclude.contains(l.model())).toList(),
                data.networks().stream().filter(n -> !exclude.contains(n.model())).toList());
      }
      if (data.layers().isEmpty() && board != null) {
        throw new BadInputException(
            "the base holds no per-layer measurements of board "
                + board
                + (study == null ? "" : " in study " + study));
      }
      result = Fitter.fit(data, study, skipShort, use);
      id = store.base().saveModel(result.stored());
      simulated =
          io.inferwatt.study.boards.Boards.find(result.models().board())
              .map(b -> b.simulated())
              .orElse(false);
    }
    if (export != null) {
      write(export, result.models().toJson());
    }
    if (errorsOut != null) {
      StringBuilder sb = new StringBuilder("layer_type,median_abs_error_pct\n");
      result
          .errorsPct()
          .forEach(
              (t, e) ->
                  sb.append(t)
                      .append(',')
                      .append(String.format(Locale.ROOT, "%.4f", e))
                      .append('\n'));
      write(errorsOut, sb.toString());
    }
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Map<String, double[]>> cv = cvTable(result.stored().folds());
    if (output.json()) {
      ObjectNode o = JsonReport.MAPPER.createObjectNode();
      o.put("model_id", id);
      o.put("board", result.models().board());
      o.put("simulated", simulated);
      o.put("training_rows", result.stored().trainingRows());
      o.put("training_runs", result.stored().trainingRuns());
      result.models().rails().forEach(o.putArray("rails")::add);
      ArrayNode types = o.putArray("layer_types");
      cv.forEach(
          (key, byLearner) -> {
            ObjectNode t = types.addObject();
            String[] kt = key.split("\t");
            t.put("layer_type", kt[0]);
            t.put("target", kt[1]);
            ObjectNode l = t.putObject("cv_median_abs_error_pct");
            byLearner.forEach((learner, v) -> JsonReport.num(l, learner, v[0]));
            t.put("chosen", chosen(result.stored().folds(), kt[0], kt[1]));
          });
      ObjectNode sk = o.putObject("skipped");
      result.models().skipped().forEach(sk::put);
      out.println(JsonReport.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o));
      return 0;
    }
    String tag = simulated ? "[simulated] " : "";
    ModelSet m = result.models();
    out.printf(
        Locale.ROOT,
        "%sfitted model %d on board %s from %d layer rows of %d runs%s; rails %s%n",
        tag,
        id,
        m.board(),
        result.stored().trainingRows(),
        result.stored().trainingRuns(),
        study == null ? "" : " (study " + study + ")",
        String.join(", ", m.rails()));
    out.printf(
        Locale.ROOT,
        "%s%-16s %-14s %12s %12s %12s %14s  %s%n",
        tag,
        "layer type",
        "target",
        "lasso-poly2",
        "work-lasso",
        "xgboost",
        "power*latency",
        "chosen");
    cv.forEach(
        (key, byLearner) -> {
          String[] kt = key.split("\t");
          out.printf(
              Locale.ROOT,
              "%s%-16s %-14s %12s %12s %12s %14s  %s%n",
              tag,
              kt[0],
              kt[1],
              pct(byLearner.get("lasso-poly2")),
              pct(byLearner.get("work-lasso")),
              pct(byLearner.get("xgboost")),
              pct(byLearner.get("power*latency")),
              chosenWithOthers(result.stored().folds(), kt[0], kt[1], byLearner));
        });
    out.printf(
        Locale.ROOT,
        "%s(cross-validated median absolute error, mean over folds; folds hold out whole network families)%n",
        tag);
    m.skipped()
        .forEach(
            (t, n) ->
                out.printf(
                    Locale.ROOT,
                    "%sskipped layer type %s: %d rows, %d needed%n",
                    tag,
                    t,
                    n,
                    m.minRows()));
    if (export != null) {
      out.printf(Locale.ROOT, "%smodels written to %s%n", tag, export);
    }
    return 0;
  }

  /** The chosen learner, with its error where it has no column of its own (the network's map). */
  private static String chosenWithOthers(
      List<StoredModel.Fold> folds, String type, String target, Map<String, double[]> byLearner) {
    String c = chosen(folds, type, target);
    return COLUMNS.contains(c) || !byLearner.containsKey(c) ? c : c + " " + pct(byLearner.get(c));
  }

  private static final Set<String> COLUMNS =
      Set.of("lasso-poly2", "work-lasso", "xgboost", "power*latency", "-");

  private static String pct(double[] v) {
    return v == null || !Double.isFinite(v[0]) ? "-" : String.format(Locale.ROOT, "%.2f %%", v[0]);
  }

  /** Per "type\ttarget", per learner: the mean over folds of the median error. */
  private static Map<String, Map<String, double[]>> cvTable(List<StoredModel.Fold> folds) {
    Map<String, Map<String, double[]>> out = new TreeMap<>();
    Map<String, Map<String, int[]>> counts = new TreeMap<>();
    for (StoredModel.Fold f : folds) {
      if (!Double.isFinite(f.medianAbsErrorPct())) {
        continue;
      }
      String key = f.layerType() + "\t" + f.target();
      out.computeIfAbsent(key, k -> new LinkedHashMap<>())
              .computeIfAbsent(f.learner(), k -> new double[1])[0] +=
          f.medianAbsErrorPct();
      counts.computeIfAbsent(key, k -> new LinkedHashMap<>())
          .computeIfAbsent(f.learner(), k -> new int[1])[0]++;
    }
    out.forEach((k, m) -> m.forEach((l, v) -> v[0] /= counts.get(k).get(l)[0]));
    return out;
  }

  private static String chosen(List<StoredModel.Fold> folds, String type, String target) {
    return folds.stream()
        .filter(f -> f.chosen() && f.layerType().equals(type) && f.target().equals(target))
        .map(StoredModel.Fold::learner)
        .findFirst()
        .orElse("-");
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw IoErrors.failure("write", file, e, "choose another file");
    }
  }
}
