package io.inferwatt.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.StoredModel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionFigureTest {
  @TempDir Path dir;

  @Test
  void withoutAModelThereIsNoSection() {
    try (MeasurementStore store = MeasurementStore.open(dir.resolve("a.duckdb"))) {
      assertThat(PredictionFigure.build(store)).isEmpty();
    }
  }

  @Test
  void theNewestModelGivesItsScatterItsErrorsAndItsCrossValidationTable() {
    StoredModel m =
        new StoredModel(
            0,
            Instant.parse("2026-01-01T00:00:00Z"),
            "sim:nano",
            null,
            List.of("in", "gpu"),
            40,
            4,
            "log_macs",
            "Conv/latency=xgboost",
            1,
            "{}",
            List.of(
                new StoredModel.Fold(
                    "Conv", "latency", "lasso-poly2", 0, 10, 7.5, false, "degree=2"),
                new StoredModel.Fold(
                    "Conv", "latency", "lasso-poly2", 1, 10, 8.5, false, "degree=2"),
                new StoredModel.Fold("Conv", "latency", "xgboost", 0, 10, 3.0, true, "rounds=100"),
                new StoredModel.Fold("Conv", "latency", "xgboost", 1, 10, 5.0, true, "rounds=100")),
            List.of(
                new StoredModel.Point("Conv", "latency", 1.0, 1.1),
                new StoredModel.Point("Conv", "latency", 2.0, 1.9),
                new StoredModel.Point("Add", "latency", 0.5, 0.45)));
    try (MeasurementStore store = MeasurementStore.open(dir.resolve("b.duckdb"))) {
      store.saveModel(m);
      Figure f = PredictionFigure.build(store).orElseThrow();
      assertThat(f.svgs()).hasSize(2);
      assertThat(f.svgs().get(0)).contains("Conv").contains("Add");
      assertThat(f.note())
          .contains("Model 1 of board sim:nano")
          .contains(
              "<td>Conv / latency</td><td>8.00 %</td><td>–</td><td>4.00 %</td><td>–</td><td>xgboost</td>");
    }
  }
}
