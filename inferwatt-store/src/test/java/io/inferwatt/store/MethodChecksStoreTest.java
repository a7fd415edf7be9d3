package io.inferwatt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run_truth and run_layer_methods tables (schema v8). */
class MethodChecksStoreTest {
  @TempDir Path dir;

  @Test
  void storesAndReadsARunsTruthErrorsAndLayerMethods() {
    MethodChecks c =
        new MethodChecks(
            Optional.of(
                new MethodChecks.TruthErrors(
                    "gpu0", 0.45, 71.2, "counter", 71.5, 0.42, 18, 0.1, 0.4, 7, 0.5, 19.0)),
            List.of(
                new MethodChecks.LayerMethod(0, "gpu0", "prefix", 3.13, 0.004, 2.86),
                new MethodChecks.LayerMethod(1, "gpu0", "buffer-window", 1.2, Double.NaN, 1.1)));
    try (DuckDbStore s =
        DuckDbStore.open(dir.resolve("t.duckdb"), Schema.MIGRATIONS, DuckDbStore.NO_HOOK)) {
      assertThat(s.methodChecks(5)).isEmpty();
      s.saveMethodChecks(5, c);
      MethodChecks back = s.methodChecks(5).orElseThrow();
      assertThat(back.truth()).isEqualTo(c.truth());
      assertThat(back.layers()).hasSize(2);
      assertThat(back.layers().get(0)).isEqualTo(c.layers().get(0));
      assertThat(back.layers().get(1).halfWidthMj()).isNaN();
      assertThat(back.layers().get(1).method()).isEqualTo("buffer-window");
      assertThat(s.methodChecks(6)).isEmpty();
    }
  }

  @Test
  void aBaseBelowV8SaysSo() {
    try (MeasurementStore s =
        DuckDbStore.open(
            dir.resolve("old.duckdb"),
            Schema.MIGRATIONS.subList(0, Schema.V8.version() - 1),
            DuckDbStore.NO_HOOK)) {
      assertThat(s.methodChecks(1)).isEmpty();
      assertThatThrownBy(() -> s.saveMethodChecks(1, new MethodChecks(Optional.empty(), List.of())))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("no run_truth table (version 8)");
    }
  }
}
