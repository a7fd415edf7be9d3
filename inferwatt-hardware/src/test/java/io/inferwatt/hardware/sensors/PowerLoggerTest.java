package io.inferwatt.hardware.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.core.PowerSample;
import io.inferwatt.hardware.Rail;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The logger: counts and ordering only, never wall-clock speed. */
class PowerLoggerTest {

  @TempDir Path root;

  /** A one-rail source that blocks each read until released, or fails when told. */
  static final class Scripted implements PowerSource {
    final String kind;
    final CountDownLatch release;
    volatile boolean fail;
    int reads;

    Scripted(String kind, CountDownLatch release) {
      this.kind = kind;
      this.release = release;
    }

    @Override
    public String kind() {
      return kind;
    }

    @Override
    public String where() {
      return "test";
    }

    @Override
    public List<Rail> rails() {
      return List.of(new Rail("in", "IN", "test", true));
    }

    @Override
    public Reading read() {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      reads++;
      Reading r = Reading.empty(1);
      if (fail) {
        return r.withError("/fake/in_power0_input: Input/output error");
      }
      r.powerMw()[0] = reads;
      return r;
    }

    @Override
    public OptionalLong updatePeriodNs() {
      return OptionalLong.empty();
    }

    @Override
    public void close() {}
  }

  private static List<PowerSample> collect(PowerLogger logger, int atLeast)
      throws InterruptedException {
    List<PowerSample> out = new ArrayList<>();
    while (out.size() < atLeast) {
      PowerSample s = logger.poll(30, TimeUnit.SECONDS);
      assertThat(s).as("a sample within 30 s").isNotNull();
      out.add(s);
    }
    return out;
  }

  @Test
  void readsAFileRewrittenByAnotherThreadInOrder() throws Exception {
    Path iio = FakeTrees.nanoJp4(root);
    Path file = iio.resolve("in_power0_input");
    FakeTrees.write(file, "1\n");
    List<PowerSource> present = new ArrayList<>();
    Ina3221IioSource.probe(root, present, new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    Thread writer =
        new Thread(
            () -> {
              // in place, increasing values: a reader that re-reads from offset 0 sees them rise
              for (long v = 1; !stop.get(); v++) {
                FakeTrees.write(file, v + "\n");
                java.util.concurrent.locks.LockSupport.parkNanos(50_000);
              }
            });
    try (PowerSource s = present.get(0);
        PowerLogger logger =
            PowerLogger.create(present, PowerLogger.Options.defaults().withPeriod(Duration.ZERO))) {
      writer.start();
      logger.start();
      logger.start();
      List<PowerSample> samples = new ArrayList<>();
      long distinct = 0;
      double seen = Double.NaN;
      while (samples.size() < 2000 || distinct < 20) {
        PowerSample p = collect(logger, 1).get(0);
        samples.add(p);
        if (!Double.isNaN(p.powerMw()[0]) && p.powerMw()[0] != seen) {
          seen = p.powerMw()[0];
          distinct++;
        }
      }
      stop.set(true);
      writer.join();
      logger.close();
      logger.close();
      double last = 0;
      long lastT = Long.MIN_VALUE;
      int values = 0;
      for (PowerSample p : samples) {
        assertThat(p.readStartNs()).isLessThanOrEqualTo(p.tNs());
        assertThat(p.tNs()).isLessThanOrEqualTo(p.readEndNs()).isGreaterThan(lastT);
        lastT = p.tNs();
        assertThat(p.powerMw()[1]).isEqualTo(41); // the untouched rails never gap
        double v = p.powerMw()[0];
        if (!Double.isNaN(v)) { // a read that caught the file mid-write is a gap, never 0
          assertThat(v).isGreaterThanOrEqualTo(last).isPositive();
          last = v;
          values++;
        }
      }
      assertThat(values).isPositive();
      SourceStats st = logger.stats().get(0);
      assertThat(st.reads()).isGreaterThanOrEqualTo(2000);
      long gaps = samples.stream().filter(p -> Double.isNaN(p.powerMw()[0])).count();
      assertThat(st.failedReads()).isGreaterThanOrEqualTo(gaps);
      assertThat(st.meanReadNs()).isPositive();
      assertThat(st.p99PeriodNs()).isGreaterThanOrEqualTo(0);
      assertThat(logger.running()).isFalse();
    }
  }

  @Test
  void aBlockedSourceDoesNotHoldUpAnother() throws Exception {
    Scripted slow = new Scripted("slow", new CountDownLatch(1));
    Scripted fast = new Scripted("fast", new CountDownLatch(0));
    // One read a millisecond: the default merge (65 536 samples) then holds a minute of the fast
    // source, so the slow source's first sample is kept however slowly a loaded machine collects;
    // the bounded merge and its drops are the next test's subject.
    try (PowerLogger logger =
        PowerLogger.create(
            List.of(slow, fast), PowerLogger.Options.defaults().withPeriod(Duration.ofMillis(1)))) {
      assertThat(logger.rails()).extracting(Rail::name).containsExactly("in", "fast_in");
      logger.start();
      List<PowerSample> samples = collect(logger, 50);
      assertThat(samples).allSatisfy(p -> assertThat(p.powerMw()[0]).isNaN());
      assertThat(samples).extracting(p -> p.powerMw()[1]).doesNotContain(Double.NaN);
      // ordered drain: nothing of the fast source passes the blocked one's watermark yet
      List<PowerSample> ordered = new ArrayList<>();
      logger.drainOrdered(ordered::add);
      slow.release.countDown();
      logger.close();
      logger.drainOrdered(ordered::add);
      assertThat(ordered).isNotEmpty();
      for (int i = 1; i < ordered.size(); i++) {
        assertThat(ordered.get(i).tNs()).isGreaterThan(ordered.get(i - 1).tNs());
      }
      assertThat(ordered).anySatisfy(p -> assertThat(p.powerMw()[0]).isEqualTo(1.0));
    }
  }

  @Test
  void aStalledSourceCannotGrowTheOrderedMergeWithoutBoundAndItsLateSamplesAreCounted()
      throws Exception {
    Scripted stalled = new Scripted("stalled", new CountDownLatch(1));
    Scripted fast = new Scripted("fast", new CountDownLatch(0));
    int capacity = 64;
    try (PowerLogger logger =
        PowerLogger.create(
            List.of(stalled, fast),
            PowerLogger.Options.defaults().withPeriod(Duration.ZERO).withQueueCapacity(capacity))) {
      logger.start();
      List<PowerSample> ordered = new ArrayList<>();
      int maxHeld = 0;
      // the stalled source blocks in its first read while the fast one produces many queues' worth
      long giveUpNs = System.nanoTime() + 20_000_000_000L;
      while (ordered.size() <= 10 * capacity && System.nanoTime() < giveUpNs) {
        logger.drainOrdered(ordered::add);
        maxHeld = Math.max(maxHeld, logger.heldBack());
        Thread.sleep(1);
      }
      assertThat(maxHeld).isLessThanOrEqualTo(capacity);
      // the merge did not wait for ever: the fast source's samples went out while the other stalled
      assertThat(ordered.size()).isGreaterThan(10 * capacity);
      assertThat(ordered).allSatisfy(p -> assertThat(p.powerMw()[0]).isNaN());
      stalled.release.countDown();
      while (stalled.reads < 2) {
        Thread.sleep(1);
      }
      logger.close();
      logger.drainOrdered(ordered::add);
      for (int i = 1; i < ordered.size(); i++) {
        assertThat(ordered.get(i).tNs()).isGreaterThan(ordered.get(i - 1).tNs());
      }
      // its first read began before everything that went out: too late, dropped and counted
      assertThat(ordered).noneSatisfy(p -> assertThat(p.powerMw()[0]).isEqualTo(1.0));
      SourceStats st = logger.stats().get(0);
      assertThat(st.droppedSamples()).isGreaterThanOrEqualTo(1);
      // every sample read went out or was counted as dropped (late, or the queue was full)
      long stalledOut = ordered.stream().filter(p -> !Double.isNaN(p.powerMw()[0])).count();
      assertThat(stalledOut + st.droppedSamples()).isEqualTo(st.reads());
      SourceStats ft = logger.stats().get(1);
      long fastOut = ordered.stream().filter(p -> !Double.isNaN(p.powerMw()[1])).count();
      assertThat(fastOut + ft.droppedSamples()).isEqualTo(ft.reads());
    }
  }

  @Test
  void persistentFailureStopsOnlyThatSource() throws Exception {
    Scripted broken = new Scripted("broken", new CountDownLatch(0));
    broken.fail = true;
    Scripted fine = new Scripted("fine", new CountDownLatch(0));
    try (PowerLogger logger =
        PowerLogger.create(
            List.of(broken, fine),
            PowerLogger.Options.defaults()
                .withPeriod(Duration.ZERO)
                .withFailAfter(Duration.ZERO))) {
      logger.start();
      while (logger.failure().isEmpty()) {
        Thread.sleep(1);
      }
      assertThat(logger.failure().get())
          .startsWith("broken: every read failed")
          .contains("/fake/in_power0_input");
      int before = fine.reads;
      while (fine.reads < before + 10) {
        logger.drainOrdered(s -> {});
        Thread.sleep(1);
      }
      logger.close();
      SourceStats b = logger.stats().get(0);
      assertThat(b.reads()).isEqualTo(3);
      assertThat(b.failedReads()).isEqualTo(3);
      assertThat(b.failure()).isNotNull();
      assertThat(logger.stats().get(1).failure()).isNull();
    }
  }

  @Test
  void fullQueueCountsDrops() throws Exception {
    Scripted fast = new Scripted("fast", new CountDownLatch(0));
    try (PowerLogger logger =
        PowerLogger.create(
            List.of(fast),
            PowerLogger.Options.defaults().withPeriod(Duration.ZERO).withQueueCapacity(4))) {
      logger.start();
      while (fast.reads < 100) {
        Thread.sleep(1);
      }
      logger.close();
      SourceStats s = logger.stats().get(0);
      assertThat(s.droppedSamples()).isEqualTo(s.reads() - 4);
      List<PowerSample> left = new ArrayList<>();
      logger.drainOrdered(left::add);
      assertThat(left)
          .hasSize(4)
          .extracting(p -> p.powerMw()[0])
          .containsExactly(1.0, 2.0, 3.0, 4.0);
    }
  }

  @Test
  void defaultPeriodFollowsTheSource() {
    Scripted s = new Scripted("s", new CountDownLatch(0));
    assertThat(PowerLogger.periodNs(s, null)).isEqualTo(PowerLogger.UNKNOWN_UPDATE_PERIOD_NS);
    assertThat(PowerLogger.periodNs(s, Duration.ofMillis(2))).isEqualTo(2_000_000L);
    assertThatThrownBy(() -> PowerLogger.create(List.of(), PowerLogger.Options.defaults()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
