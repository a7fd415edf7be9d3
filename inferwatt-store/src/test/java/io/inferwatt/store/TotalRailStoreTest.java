package io.inferwatt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The board's total rail is the one fact the source gave, stored and read back by every reader. */
class TotalRailStoreTest {
  @TempDir Path dir;

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aLinuxCpuRunsTotalIsItsRaplPackageInEveryReader() {
    // rails as RAPL names them: the package is not called "in" and is not the first rail
    List<String> rails = List.of("core_0", "package_0", "dram_0");
    try (MeasurementStore s = MeasurementStore.open(dir.resolve("b.duckdb"))) {
      long id =
          s.saveRun(
              Fixtures.run("linux-cpu", "m", T0, Fixtures.result(rails, 4, 7000), "package_0"));
      RunRow row = s.runs().get(0);
      assertThat(row.totalRail()).isEqualTo("package_0");
      // Fixtures.result gives rail i the power 7000 + i
      assertThat(row.powerMwMean()).isEqualTo(7001.0);
      assertThat(s.run(id).orElseThrow().totalRail()).isEqualTo("package_0");
      assertThat(
              Fixtures.query(
                      s, "SELECT rail FROM inference_results WHERE total ORDER BY rail_index")
                  .rows())
          .containsExactly(List.of("package_0"));
    }
  }

  @Test
  void aRunWithoutATotalRailHasNoBoardPowerRatherThanAGuess() {
    try (MeasurementStore s = MeasurementStore.open(dir.resolve("b.duckdb"))) {
      long id =
          s.saveRun(
              Fixtures.run(
                  "linux-cpu",
                  "m",
                  T0,
                  Fixtures.result(List.of("package_0", "package_1"), 4, 10),
                  ""));
      assertThat(s.runs().get(0).totalRail()).isEmpty();
      assertThat(s.runs().get(0).powerMwMean()).isNaN();
      assertThat(s.run(id).orElseThrow().totalRail()).isEmpty();
    }
  }

  @Test
  void aTotalRailThatIsNotOneOfTheRunsRailsIsRefused() {
    try (MeasurementStore s = MeasurementStore.open(dir.resolve("b.duckdb"))) {
      RunInput bad =
          Fixtures.run("linux-cpu", "m", T0, Fixtures.result(List.of("package_0"), 4, 10), "in");
      assertThatThrownBy(() -> s.saveRun(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("total rail 'in'")
          .hasMessageContaining("[package_0]");
    }
  }

  @Test
  void migratingAnOlderBaseMarksTheRailThatVersionChose() {
    Path base = dir.resolve("old.duckdb");
    try (MeasurementStore old =
        DuckDbStore.open(base, List.of(Schema.V1, Schema.V2, Schema.V3), DuckDbStore.NO_HOOK)) {
      old.saveRun(Fixtures.run("jetson", "a", T0, Fixtures.result(List.of("cpu", "in"), 4, 10)));
      old.saveRun(
          Fixtures.run(
              "gpu", "b", T0.plusSeconds(1), Fixtures.result(List.of("gpu", "mem"), 4, 10)));
    }
    try (MeasurementStore s = MeasurementStore.open(base)) {
      assertThat(s.runs()).extracting(RunRow::totalRail).containsExactly("in", "gpu");
      assertThat(Fixtures.query(s, "SELECT count(*) FROM inference_results WHERE total").rows())
          .containsExactly(List.of("2"));
    }
  }
}
