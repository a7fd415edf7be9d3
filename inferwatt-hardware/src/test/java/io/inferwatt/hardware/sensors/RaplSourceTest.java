package io.inferwatt.hardware.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferwatt.hardware.Rail;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaplSourceTest {

  @TempDir Path root;
  long nowNs;

  @Test
  void deltaAcrossWraparound() {
    assertThat(RaplSource.deltaUj(100, 350, 1000)).isEqualTo(250);
    assertThat(RaplSource.deltaUj(900, 100, 1000)).isEqualTo(200);
    assertThat(RaplSource.deltaUj(262_143_328_850L, 1_000_000L, 262_143_328_850L))
        .isEqualTo(1_000_000L);
  }

  @Test
  void powerFromCountersWithWrap() {
    long max = 262_143_328_850L;
    Path pkg = FakeTrees.raplZone(root, "0", "package-0", max - 500_000, max);
    Path dram = FakeTrees.raplZone(root, "0:1", "dram", 1_000_000, max);
    FakeTrees.raplZone(root, "0:0", "core", 10, max);
    List<PowerSource> present = new ArrayList<>();
    List<AbsentSource> absent = new ArrayList<>();
    RaplSource.probe(root, () -> nowNs, present, absent);
    assertThat(absent).isEmpty();
    try (PowerSource s = present.get(0)) {
      assertThat(s.rails()).extracting(Rail::name).containsExactly("package_0", "core_0", "dram_0");
      // the one package is what a CPU inference draws: the board's total
      assertThat(s.rails())
          .filteredOn(Rail::total)
          .extracting(Rail::name)
          .containsExactly("package_0");
      nowNs = 1_000_000_000L;
      Reading first = s.read();
      assertThat(first.allMissing()).isTrue();
      assertThat(first.error()).isNull();
      // 0.1 s later: package wrapped after 0.5 J more, then 1.5 J → 2 J in 0.1 s = 20 W
      FakeTrees.write(pkg.resolve("energy_uj"), "1500000\n");
      FakeTrees.write(dram.resolve("energy_uj"), "1300000\n");
      nowNs += 100_000_000L;
      Reading r = s.read();
      assertThat(r.powerMw()[0]).isCloseTo(20_000.0, within(1e-6));
      assertThat(r.powerMw()[1]).isEqualTo(0.0);
      assertThat(r.powerMw()[2]).isCloseTo(3_000.0, within(1e-6));
    }
  }

  @Test
  void theTotalIsThePlatformZoneElseTheOnlyPackageElseNone() {
    Rail p0 = new Rail("package_0", "package-0", "", false);
    Rail p1 = new Rail("package_1", "package-1", "", false);
    Rail dram = new Rail("dram_0", "dram", "", false);
    Rail psys = new Rail("psys", "psys", "", true);
    assertThat(RaplSource.withTotal(List.of(dram, p0)))
        .filteredOn(Rail::total)
        .extracting(Rail::name)
        .containsExactly("package_0");
    assertThat(RaplSource.withTotal(List.of(p0, p1))).noneMatch(Rail::total);
    assertThat(RaplSource.withTotal(List.of(p0, psys)))
        .filteredOn(Rail::total)
        .extracting(Rail::name)
        .containsExactly("psys");
  }

  @Test
  void noZonesIsAbsentWithReason() {
    List<PowerSource> present = new ArrayList<>();
    List<AbsentSource> absent = new ArrayList<>();
    RaplSource.probe(root, () -> 0, present, absent);
    assertThat(present).isEmpty();
    assertThat(absent.get(0).reason()).startsWith("no driver:");
  }
}
