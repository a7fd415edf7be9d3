package io.inferwatt.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.StoredModel;
import io.inferwatt.store.TrainingData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FitterTest {

  private static Fitter.Result fit;

  @BeforeAll
  static void fit() {
    fit = Fitter.fit(Synthetic.data(5), "s", false, Set.of(LassoPoly.NAME, Gbt.NAME));
  }

  @Test
  void everyTypeAndTargetHasItsFoldsAndOneChosenLearner() {
    ModelSet m = fit.models();
    assertThat(m.layerTypes()).containsExactly("Add", "Conv");
    assertThat(m.rails()).containsExactly("in", "gpu");
    assertThat(m.totalRail()).isEqualTo("in");
    List<StoredModel.Fold> folds = fit.stored().folds();
    for (String type : List.of("Add", "Conv")) {
      for (String target : List.of("latency", "power:in", "power:gpu", "energy:in", "energy:gpu")) {
        var mine =
            folds.stream()
                .filter(f -> f.layerType().equals(type) && f.target().equals(target))
                .toList();
        assertThat(mine).as(type + "/" + target).isNotEmpty();
        assertThat(
                mine.stream()
                    .filter(StoredModel.Fold::chosen)
                    .map(StoredModel.Fold::learner)
                    .distinct())
            .as(type + "/" + target)
            .hasSize(1);
      }
      // five networks: five folds, each holding one network out
      assertThat(
              folds.stream()
                  .filter(
                      f ->
                          f.layerType().equals(type)
                              && f.target().equals("latency")
                              && f.learner().equals(LassoPoly.NAME)))
          .hasSize(5);
    }
    assertThat(fit.errorsPct()).containsOnlyKeys("Add", "Conv");
  }

  @Test
  void predictionsOfAnUnseenNetworkFollowTheKnownFunctions() {
    // network 5 was never in the training set; its layers lie inside the trained range
    NetworkSpec net = Synthetic.network(2);
    Prediction p =
        new Predictor(fit.models())
            .predict(net, List.of(Map.of("gpu.freq_hz", "500000000", "batch", "4")))
            .get(0);
    assertThat(p.partial()).isFalse();
    double sum = 0;
    for (Prediction.Layer l : p.layers()) {
      LayerSpec spec = net.layers().get(l.index());
      double truth = Synthetic.latencyMs(spec, 5e8, 4);
      sum += truth;
      assertThat(l.latencyMs().low()).isLessThanOrEqualTo(l.latencyMs().value());
      assertThat(l.latencyMs().high()).isGreaterThanOrEqualTo(l.latencyMs().value());
      assertThat(Math.abs(l.latencyMs().value() / truth - 1)).as(l.name()).isLessThan(0.25);
      double in = l.powerMw().get("in").value();
      double e = l.energyMj().get("in").value();
      assertThat(e)
          .isCloseTo(
              in * l.latencyMs().value() / 1000,
              org.assertj.core.data.Percentage.withPercentage(30));
    }
    assertThat(Math.abs(p.latencyMs().value() / (sum * 1.02) - 1)).isLessThan(0.2);
    assertThat(p.settings()).containsEntry("mode", "sync").containsEntry("batch", "4");
  }

  @Test
  void aLayerOfAnUnseenTypeIsNotPredictedAndTheTotalIsPartial() {
    NetworkSpec net = Synthetic.network(1);
    List<LayerSpec> layers = new ArrayList<>(net.layers());
    layers.add(new LayerSpec("softmax", "Softmax", List.of(10), List.of(10), 0, 0, 0, 0, 0));
    Prediction p =
        new Predictor(fit.models())
            .predict(new NetworkSpec("x", net.inputShape(), layers), List.of(Map.of()))
            .get(0);
    assertThat(p.partial()).isTrue();
    Prediction.Layer last = p.layers().get(p.layers().size() - 1);
    assertThat(last.predicted()).isFalse();
    assertThat(last.latencyMs()).isNull();
    assertThat(last.why()).contains("no model for layer type Softmax").contains("Add, Conv");
    assertThat(p.latencyMs().value()).isPositive();
  }

  @Test
  void settingsTheModelsNeverSawAreRefused() {
    Predictor p = new Predictor(fit.models());
    NetworkSpec net = Synthetic.network(0);
    assertThatThrownBy(() -> p.predict(net, List.of(Map.of("mode", "turbo"))))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("mode=turbo was never measured")
        .hasMessageContaining("async, sync");
    assertThatThrownBy(() -> p.predict(net, List.of(Map.of("emc.freq_hz", "1"))))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("'emc.freq_hz' is not an input");
  }

  /**
   * {@code d} with {@code n} Softmax layers added to its first run, the i-th of {@code 10 + i·step}
   * elements, {@code 0.1 + 0.01·i·step} ms.
   */
  private static TrainingData withSoftmax(TrainingData d, int n, int step) {
    List<TrainingData.Layer> rows = new ArrayList<>(d.layers());
    TrainingData.Layer one = rows.get(0);
    for (int i = 0; i < n; i++) {
      int size = 10 + i * step;
      rows.add(
          new TrainingData.Layer(
              one.runId(),
              one.board(),
              one.study(),
              one.model(),
              one.settings(),
              100 + i,
              new LayerSpec("s" + i, "Softmax", List.of(size), List.of(size), 0, 0, 0, 0, 0),
              0.1 + 0.01 * i * step,
              Map.of("in", 1000.0 + i * step, "gpu", 100.0),
              Double.NaN));
    }
    return new TrainingData(rows, d.networks());
  }

  @Test
  void aTypeTooShortForTheOneLearnerAskedForGetsTheBaselineInstead() {
    // 12 rows: enough to fit (MIN_ROWS), too few for trees (2 × MIN_ROWS); only xgboost asked for
    Fitter.Result r =
        Fitter.fit(withSoftmax(Synthetic.data(2), 12, 1), null, false, Set.of(Gbt.NAME));
    assertThat(r.stored().folds())
        .filteredOn(f -> f.layerType().equals("Softmax") && f.target().equals("latency"))
        .isNotEmpty()
        .allMatch(f -> f.learner().equals(LassoPoly.NAME) && f.chosen());
    assertThat(r.stored().folds())
        .filteredOn(f -> !f.layerType().equals("Softmax") && f.target().equals("latency"))
        .extracting(StoredModel.Fold::learner)
        .contains(Gbt.NAME);
  }

  @Test
  void tooFewRowsForALayerTypeAreRefusedSayingHowManyAreNeeded() {
    TrainingData short3 = withSoftmax(Synthetic.data(2), 3, 0);
    assertThatThrownBy(() -> Fitter.fit(short3, null, false, Set.of(LassoPoly.NAME)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("Softmax (3)")
        .hasMessageContaining("at least " + Fitter.MIN_ROWS);
    ModelSet m = Fitter.fit(short3, null, true, Set.of(LassoPoly.NAME)).models();
    assertThat(m.skipped()).containsEntry("Softmax", 3);
    Prediction p =
        new Predictor(m)
            .predict(
                new NetworkSpec(
                    "x",
                    List.of(10),
                    List.of(
                        new LayerSpec("s", "Softmax", List.of(10), List.of(10), 0, 0, 0, 0, 0))),
                List.of(Map.of()))
            .get(0);
    assertThat(p.layers().get(0).why()).contains("had 3 measured rows, fewer than the 10");
  }

  @Test
  void layersOfSeveralBoardsAreRefused() {
    TrainingData d = Synthetic.data(2);
    List<TrainingData.Layer> rows = new ArrayList<>(d.layers());
    TrainingData.Layer one = rows.get(0);
    rows.add(
        new TrainingData.Layer(
            999, "local", "s", "m", one.settings(), 0, one.layer(), 1, Map.of(), Double.NaN));
    assertThatThrownBy(
            () ->
                Fitter.fit(
                    new TrainingData(rows, d.networks()), null, false, Set.of(LassoPoly.NAME)))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("local, sim:test")
        .hasMessageContaining("--board");
  }

  @Test
  void aFitSurvivesTheBaseAndItsExportedForm(@TempDir Path dir) {
    long id;
    StoredModel back;
    try (MeasurementStore store = MeasurementStore.open(dir.resolve("b.duckdb"))) {
      id = store.saveModel(fit.stored());
      back = store.model(0).orElseThrow();
      assertThat(store.models()).extracting(StoredModel::id).containsExactly(id);
    }
    assertThat(back.id()).isEqualTo(id);
    assertThat(back.board()).isEqualTo(Synthetic.BOARD);
    assertThat(back.rails()).containsExactly("in", "gpu");
    assertThat(back.folds()).hasSameSizeAs(fit.stored().folds());
    assertThat(back.points()).hasSameSizeAs(fit.stored().points());
    assertThat(back.learners()).isEqualTo(fit.models().learners());
    ModelSet loaded = ModelSet.fromJson(back.body(), "test");
    NetworkSpec net = Synthetic.network(3);
    List<Map<String, String>> at =
        List.of(Map.of("gpu.freq_hz", "900000000"), Map.of("batch", "4", "mode", "async"));
    List<Prediction> a = new Predictor(fit.models()).predict(net, at);
    List<Prediction> b = new Predictor(loaded).predict(net, at);
    assertThat(b).isEqualTo(a);
  }

  @Test
  void somethingElseIsNotAModelFile() {
    assertThatThrownBy(() -> ModelSet.fromJson("{\"a\": 1}", "x.json"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("x.json is not an inferwatt model file");
    assertThatThrownBy(() -> ModelSet.fromJson("nonsense", "y.json"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("y.json is not an inferwatt model file");
  }
}
