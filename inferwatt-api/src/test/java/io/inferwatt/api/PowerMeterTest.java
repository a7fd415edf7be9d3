package io.inferwatt.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PowerMeterTest {

  @TempDir Path root;

  private PowerMeter meter() {
    return PowerMeter.open(MeterOptions.defaults().withRoot(root).withJfr(false));
  }

  private static void sleepMs(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aWindowOnAConstantSensorHasItsPowerTimesItsLength() {
    FakeNano.write(root, 2300, 400, 700);
    try (PowerMeter meter = meter()) {
      assertThat(meter.rails()).containsExactly("in", "gpu", "cpu");
      sleepMs(50);
      try (Window w = meter.window("work")) {
        sleepMs(200);
      }
      Measurement m = meter.last("work");
      double seconds = m.durationNs() / 1e9;
      assertThat(m.meanPowerMw("in")).isCloseTo(2300, within(0.5));
      assertThat(m.meanPowerMw("gpu")).isCloseTo(400, within(0.5));
      assertThat(m.energyMj("in")).isCloseTo(2300 * seconds, within(2300 * seconds * 0.01));
      assertThat(m.samples()).isGreaterThan(5);
      assertThat(m.coverage()).isGreaterThan(0.99);
      assertThat(m.belowResolution()).isFalse();
      assertThat(m.problems()).isEmpty();
      RailEstimate in = m.rail("in");
      assertThat(in.energyUncertaintyMj()).isPositive().isLessThan(in.energyMj() * 0.05);
      assertThat(in.meanPowerUncertaintyMw()).isPositive().isFinite();
    }
  }

  @Test
  void aStepInPowerIsIntegratedAndWindowsNestAndOverlapAcrossThreads() throws Exception {
    FakeNano f = FakeNano.write(root, 1000, 0, 0);
    try (PowerMeter meter = meter()) {
      sleepMs(50);
      Window outer = meter.window("outer");
      Window first = meter.window("first");
      sleepMs(150);
      f.power(0, 3000);
      Window second = meter.window("second"); // overlaps first
      sleepMs(150);
      first.close();
      sleepMs(150);
      second.close();
      outer.close();
      Measurement o = outer.measurement();
      Measurement a = first.measurement();
      Measurement b = second.measurement();
      assertThat(o.meanPowerMw("in")).isBetween(1500.0, 2500.0);
      assertThat(a.meanPowerMw("in")).isBetween(1600.0, 2400.0);
      assertThat(b.meanPowerMw("in")).isCloseTo(3000, within(30.0));
      // every window from many threads at once: each its own, none lost
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<Measurement>> all = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        int k = i;
        all.add(pool.submit(() -> meter.run("t" + k, () -> sleepMs(20 + k % 5))));
      }
      for (Future<Measurement> m : all) {
        assertThat(m.get(20, TimeUnit.SECONDS).meanPowerMw("in")).isCloseTo(3000, within(30.0));
      }
      pool.shutdown();
    }
  }

  @Test
  void aWindowShorterThanTheSensorIsFlaggedNotZero() {
    FakeNano.write(root, 2300, 0, 0);
    try (PowerMeter meter = meter()) {
      sleepMs(50);
      Window w = meter.window("tiny");
      w.close();
      Measurement m = w.measurement();
      assertThat(m.durationNs()).isLessThan(meter.resolutionNs());
      assertThat(m.belowResolution()).isTrue();
      // shorter than one sensor period: a reading may fall inside (two when a late read is followed
      // by the next one on time), so the flag, not the count, says the window is too short
      assertThat(m.samples()).isLessThanOrEqualTo(2);
      assertThat(m.energyMj("in")).isPositive();
      assertThat(m.meanPowerMw("in")).isCloseTo(2300, within(1.0));
    }
  }

  @Test
  void measureReturnsTheResultAndTheSyncHookRunsBeforeEachTimeStamp() {
    FakeNano.write(root, 2300, 0, 0);
    AtomicInteger syncs = new AtomicInteger();
    try (PowerMeter meter =
        PowerMeter.open(
            MeterOptions.defaults()
                .withRoot(root)
                .withJfr(false)
                .withSync(syncs::incrementAndGet))) {
      int r = meter.measure("answer", () -> 42);
      assertThat(r).isEqualTo(42);
      assertThat(syncs.get()).isEqualTo(2);
      assertThat(meter.last("answer").name()).isEqualTo("answer");
    }
  }

  @Test
  void anIdleBaselineIsSubtracted() {
    FakeNano f = FakeNano.write(root, 2000, 0, 0);
    try (PowerMeter meter = meter()) {
      sleepMs(30);
      Measurement idle = meter.measureIdle(Duration.ofMillis(150));
      assertThat(idle.meanPowerMw("in")).isCloseTo(2000, within(1.0));
      f.power(0, 2500);
      sleepMs(30);
      Measurement m = meter.run("load", () -> sleepMs(150));
      assertThat(m.rail("in").baselineMw()).isCloseTo(2000, within(1.0));
      assertThat(m.meanPowerMw("in")).isCloseTo(500, within(5.0));
      assertThat(m.energyMj("in")).isCloseTo(500 * m.durationNs() / 1e9, within(2.0));
    }
  }

  @Test
  void misuseGetsAClearMessage() {
    FakeNano.write(root, 2300, 0, 0);
    PowerMeter meter = meter();
    Window w = meter.window("once");
    w.close();
    assertThatThrownBy(w::close)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("window 'once' is already closed");
    assertThatThrownBy(() -> w.measurement().energyMj("soc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no rail 'soc'")
        .hasMessageContaining("in, gpu, cpu");
    assertThatThrownBy(() -> meter.last("never")).isInstanceOf(NoSuchElementException.class);
    Window open = meter.window("open");
    assertThatThrownBy(open::measurement).hasMessageContaining("still open");
    meter.close();
    meter.close();
    assertThatThrownBy(() -> meter.window("late"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("PowerMeter is closed");
    // what was measured before the close is still there
    assertThat(meter.last("once").rails()).containsKeys("in", "gpu", "cpu");
    assertThat(open.measurement().problems()).anyMatch(p -> p.contains("meter was closed"));
    assertThatThrownBy(
            () -> PowerMeter.open(MeterOptions.defaults().withRoot(root.resolve("nowhere"))))
        .hasMessageContaining("is not a folder");
    assertThatThrownBy(() -> PowerMeter.open(MeterOptions.defaults().withRoot(root.resolve("sys"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no power sensor found");
  }

  @Test
  void aSensorThatVanishesMidWindowIsReportedAndWhatWasMeasuredIsKept() {
    FakeNano f = FakeNano.write(root, 2000, 0, 0);
    try (PowerMeter meter = meter()) {
      sleepMs(50);
      Window w = meter.window("lost");
      sleepMs(200);
      f.vanish();
      sleepMs(800); // past the logger's failure limit (0.5 s)
      w.close();
      Measurement m = w.measurement();
      assertThat(m.problems())
          .anyMatch(p -> p.contains("reads failed"))
          .anyMatch(p -> p.contains("sensor lost"));
      assertThat(m.coverage()).isBetween(0.1, 0.4);
      assertThat(m.meanPowerMw("in")).isCloseTo(2000, within(1.0));
      assertThat(m.energyMj("in")).isCloseTo(2000 * 0.2, within(2000 * 0.2 * 0.3));
    }
  }

  @Test
  void theVirtualNanoIsALiveSourceAndEveryMeasurementOnItSaysSimulated() {
    try (PowerMeter meter =
        PowerMeter.open(MeterOptions.defaults().withBoard("sim:nano").withJfr(false))) {
      assertThat(meter.board()).isEqualTo("sim:nano");
      assertThat(meter.simulated()).isTrue();
      assertThat(meter.rails()).containsExactly("in", "cpu", "gpu");
      sleepMs(30);
      Measurement m = meter.run("sim", () -> sleepMs(300));
      assertThat(m.simulated()).isTrue();
      assertThat(m.samples()).isGreaterThan(20);
      assertThat(m.coverage()).isGreaterThan(0.95);
      // the board runs a network back to back: the input rail is the total, above the GPU's
      assertThat(m.meanPowerMw("in")).isGreaterThan(m.meanPowerMw("gpu")).isGreaterThan(500);
      assertThat(m.meanPowerMw("gpu")).isPositive();
      assertThat(m.problems()).isEmpty();
    }
    FakeNano.write(root, 2300, 0, 0);
    try (PowerMeter real = meter()) {
      assertThat(real.simulated()).isFalse();
      assertThat(real.board()).isEqualTo("local");
      assertThat(real.run("real", () -> sleepMs(50)).simulated()).isFalse();
    }
  }

  @Test
  void anUnknownBoardNamesTheKnownOnes() {
    assertThatThrownBy(() -> PowerMeter.open(MeterOptions.defaults().withBoard("sim:nan")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("board 'sim:nan' is not known")
        .hasMessageContaining("sim:nano");
  }

  @Test
  void theRootComesFromTheEnvironment() {
    // surefire sets INFERWATT_SYSFS_ROOT to target/env-sysfs for this module's tests
    String env = System.getenv(MeterOptions.ROOT_ENV);
    assertThat(env).as("set by the surefire configuration").isNotNull();
    FakeNano.write(Path.of(env), 1234, 0, 0);
    try (PowerMeter meter = PowerMeter.open()) {
      assertThat(meter.run("env", () -> sleepMs(60)).meanPowerMw("in"))
          .isCloseTo(1234, within(1.0));
    }
  }
}
