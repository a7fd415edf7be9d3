package io.inferwatt.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.core.Timeline;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema version 10: {@code layer_features.activation}. A version 9 base keeps its rows (their
 * activation unknown, {@code NULL}, read as none); rows written after it carry the layer's
 * activation into the training set.
 */
class ActivationColumnTest {

  @TempDir Path dir;

  private static NetworkSpec network(String act) {
    return new NetworkSpec(
        "fixture",
        List.of(3, 8, 8),
        List.of(
            new LayerSpec(
                "conv1", "Conv", List.of(3, 8, 8), List.of(4, 8, 8), 3, 1, 1, 6912, 112, act, ""),
            new LayerSpec("conv2", "Conv", List.of(4, 8, 8), List.of(4, 4, 4), 3, 2, 4, 576, 40),
            new LayerSpec("fc", "Gemm", List.of(64), List.of(10), 0, 0, 0, 640, 650)));
  }

  private static long save(MeasurementStore s, String act) {
    Timeline t = Fixtures.timeline();
    RunInput r = Fixtures.run("local", "fixture", Instant.EPOCH, Fixtures.analyzed(t, true));
    return s.saveRun(r.withDetails(RunDetails.of(t, network(act), "fixture")));
  }

  @Test
  void aVersion9BaseGainsTheColumnAndNewRowsCarryTheActivation() {
    Path db = dir.resolve("a.duckdb");
    long old;
    try (MeasurementStore s =
        DuckDbStore.open(
            db, Schema.MIGRATIONS.subList(0, Schema.V9.version()), DuckDbStore.NO_HOOK)) {
      old = save(s, "Swish"); // a version 9 base has nowhere to keep it
    }
    try (MeasurementStore s = MeasurementStore.open(db)) {
      assertThat(s.schemaVersion()).isEqualTo(Schema.latest(Schema.MIGRATIONS));
      long fresh = save(s, "Swish");
      assertThat(
              Fixtures.query(
                      s,
                      "SELECT run_id, activation FROM layer_features WHERE name = 'conv1'"
                          + " ORDER BY run_id")
                  .rows())
          .containsExactly(
              Arrays.asList(Long.toString(old), null), List.of(Long.toString(fresh), "Swish"));
      assertThat(
              Fixtures.query(
                      s,
                      "SELECT activation FROM layer_features WHERE run_id = "
                          + fresh
                          + " AND name = 'fc'")
                  .rows())
          .containsExactly(List.of(""));
      TrainingData data = s.trainingData(null, "local");
      assertThat(data.layers())
          .filteredOn(l -> l.layer().name().equals("conv1"))
          .extracting(l -> l.runId() + ":" + l.layer().activation())
          .containsExactlyInAnyOrder(old + ":", fresh + ":Swish");
    }
  }
}
