package io.inferwatt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.core.analysis.Calibration;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The calibrations table (schema v7), migrated through every version before it; a base without v7
 * refuses to store a calibration in one line and has none to read.
 */
class CalibrationsStoreTest {
  @TempDir Path dir;

  private static final List<Migration> WITH_V7 =
      List.of(Schema.V1, Schema.V2, Schema.V3, Schema.V4, Schema.V5, Schema.V6, Schema.V7);

  private static Calibration.RailFit fit(String rail, double gain) {
    return new Calibration.RailFit(rail, "power_w", gain, -150, 750.4, 0.97, 14, 0.003, 98, 900);
  }

  @Test
  void storesAndReadsTheNewestCalibrationOfABoard() {
    try (DuckDbStore s = DuckDbStore.open(dir.resolve("c.duckdb"), WITH_V7, DuckDbStore.NO_HOOK)) {
      assertThat(s.calibration("sim:nano")).isEmpty();
      long first = s.saveCalibration("sim:nano", "m1.csv", List.of(fit("in", 0.9)));
      long second =
          s.saveCalibration("sim:nano", "m2.csv", List.of(fit("in", 0.92), fit("gpu", 1.05)));
      s.saveCalibration("jetson", "m3.csv", List.of(fit("in", 1.3)));
      assertThat(second).isGreaterThan(first);
      List<Calibration.RailFit> back = s.calibration("sim:nano");
      assertThat(back).extracting(Calibration.RailFit::rail).containsExactly("in", "gpu");
      assertThat(back.get(0)).isEqualTo(fit("in", 0.92));
      assertThat(back.get(0).correct(0.92 * 1000 - 150)).isEqualTo(1000.0);
    }
  }

  @Test
  void aBaseWithoutTheTableSaysSo() {
    try (MeasurementStore s =
        DuckDbStore.open(
            dir.resolve("old.duckdb"),
            Schema.MIGRATIONS.subList(0, Schema.V7.version() - 1),
            DuckDbStore.NO_HOOK)) {
      assertThat(s.calibration("sim:nano")).isEmpty();
      assertThatThrownBy(() -> s.saveCalibration("sim:nano", "m.csv", List.of(fit("in", 0.9))))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("no calibrations table (version 7)");
    }
  }
}
