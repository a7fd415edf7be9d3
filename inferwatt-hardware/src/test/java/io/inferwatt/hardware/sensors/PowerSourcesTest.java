package io.inferwatt.hardware.sensors;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.core.MonotonicClock;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PowerSourcesTest {

  @TempDir Path root;

  private PowerSources.Discovery discover(TegrastatsSourceTest.Recorded runner) {
    return PowerSources.discover(
        root, runner, NvmlSourceTest.FakeNvml::new, MonotonicClock.SYSTEM, 50);
  }

  @Test
  void nanoTreeHasTheIioSourceAndReasonsForTheRest() {
    FakeTrees.nanoJp4(root);
    FakeTrees.write(root.resolve("usr/bin/tegrastats"), "#!/bin/sh\n");
    TegrastatsSourceTest.Recorded runner = new TegrastatsSourceTest.Recorded(List.of());
    try (PowerSources.Discovery d = discover(runner)) {
      assertThat(d.present()).extracting(PowerSource::kind).containsExactly("jetson-ina3221-iio");
      assertThat(d.absent())
          .extracting(AbsentSource::kind)
          .containsExactly("jetson-ina3221-hwmon", "tegrastats", "nvml", "rapl");
      assertThat(d.absent().get(1).reason()).startsWith("not started");
      assertThat(runner.started).isEmpty();
    }
  }

  @Test
  void withoutSysfsTegrastatsIsRun() {
    FakeTrees.write(root.resolve("usr/bin/tegrastats"), "#!/bin/sh\n");
    TegrastatsSourceTest.Recorded runner =
        new TegrastatsSourceTest.Recorded(TegrastatsParserTest.fixture("jp6-orin-nano-l4t36.txt"));
    try (PowerSources.Discovery d = discover(runner)) {
      assertThat(d.present()).extracting(PowerSource::kind).containsExactly("tegrastats");
      assertThat(d.present().get(0).rails().get(0).total()).isTrue();
    }
  }

  @Test
  void emptyTreeHasNothingAndSaysWhy() {
    try (PowerSources.Discovery d = discover(new TegrastatsSourceTest.Recorded(List.of()))) {
      assertThat(d.present()).isEmpty();
      assertThat(d.absent()).hasSize(5).allSatisfy(a -> assertThat(a.reason()).isNotBlank());
    }
  }
}
