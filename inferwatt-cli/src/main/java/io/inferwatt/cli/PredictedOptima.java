package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.predict.ModelSet;
import io.inferwatt.predict.Prediction;
import io.inferwatt.predict.Predictor;
import io.inferwatt.report.StudyResults;
import io.inferwatt.study.Expansion;
import io.inferwatt.study.Models;
import io.inferwatt.study.Optima;
import io.inferwatt.study.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code optima --predicted}: Table I of a measured study's configurations as the models predict
 * them.
 */
final class PredictedOptima {

  private PredictedOptima() {}

  /**
   * The optima of the configurations of {@code results}, each predicted by the newest model in the
   * base (configurations with a value the models never saw are left out).
   */
  static Optima.Result of(DbOption db, StudyResults results, double tolerance) {
    ModelSet models = PredictCommand.load(db, null, 0, results.study().board());
    Predictor predictor = new Predictor(models);
    Map<String, List<StudyResults.Configuration>> byModel = new LinkedHashMap<>();
    results
        .configurations()
        .values()
        .forEach(c -> byModel.computeIfAbsent(c.model(), k -> new ArrayList<>()).add(c));
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    for (Map.Entry<String, List<StudyResults.Configuration>> e : byModel.entrySet()) {
      NetworkSpec net = Models.network(e.getKey());
      List<Map<String, String>> settings = new ArrayList<>();
      List<StudyResults.Configuration> kept = new ArrayList<>();
      for (StudyResults.Configuration c : e.getValue()) {
        Map<String, String> s = new LinkedHashMap<>();
        c.outcome()
            .settings()
            .forEach(
                (k, v) -> {
                  if (models.defaults().containsKey(k)) {
                    s.put(k, v);
                  }
                });
        try {
          predictor.resolve(s);
        } catch (BadInputException never) {
          continue;
        }
        settings.add(s);
        kept.add(c);
      }
      List<Prediction> ps = predictor.predict(net, settings);
      for (int i = 0; i < ps.size(); i++) {
        Prediction p = ps.get(i);
        StudyResults.Configuration c = kept.get(i);
        int batch = Integer.parseInt(p.settings().getOrDefault(Models.BATCH, "1"));
        outcomes.put(
            c.key(),
            new Outcome(
                c.key(),
                c.outcome().settings(),
                p.powerMw().get(models.totalRail()).value(),
                p.latencyMs().value() / batch,
                p.energyMj().get(models.totalRail()).value() / batch));
      }
    }
    List<Expansion.Slice> slices =
        results.slices().stream()
            .map(s -> new Expansion.Slice(s.label(), s.factors(), s.configKeys()))
            .toList();
    return Optima.compute(slices, results.baseline(), outcomes, tolerance);
  }
}
