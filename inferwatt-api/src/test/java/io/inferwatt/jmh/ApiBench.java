package io.inferwatt.jmh;

import io.inferwatt.api.FakeNano;
import io.inferwatt.api.MeterOptions;
import io.inferwatt.api.PowerMeter;
import io.inferwatt.hardware.sensors.SourceStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Benchmarks of the API (not tests), on a fake Jetson Nano tree in a temporary folder or on the
 * virtual board:
 *
 * <ul>
 *   <li>{@code window}: opening and closing one window, ns/op and bytes allocated per op (JMH's gc
 *       profiler), JFR on, one fork;
 *   <li>{@code profiler [pairs] [fake|sim:nano]}: {@link SpinBenchmark}'s score without a profiler,
 *       with {@link EnergyProfiler} and with a no-op profiler (the control), interleaved (the order
 *       rotates every round), one fork each; the relative difference per round with its mean,
 *       standard deviation and 95 % interval; and the power logger's own CPU time, which is what
 *       the profiler costs a benchmark when the machine has no idle core.
 * </ul>
 *
 * Run with the module's test class path: {@code scripts/bench-api.sh window}.
 */
public final class ApiBench {

  /** Two-sided 95 % Student t quantiles for 1..10 degrees of freedom. */
  private static final double[] T95 = {
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228
  };

  private ApiBench() {}

  public static void main(String[] args) throws Exception {
    Path root = Files.createTempDirectory("inferwatt-bench");
    FakeNano.write(root, 2300, 400, 700);
    String what = args.length == 0 ? "window" : args[0];
    if (what.equals("window")) {
      new Runner(
              new OptionsBuilder()
                  .include(WindowBenchmark.class.getName())
                  .param("root", root.toString())
                  .forks(1)
                  .warmupIterations(3)
                  .warmupTime(TimeValue.seconds(1))
                  .measurementIterations(5)
                  .measurementTime(TimeValue.seconds(1))
                  .addProfiler(GCProfiler.class)
                  .build())
          .run();
    } else if (what.equals("alloc")) {
      alloc(root);
    } else if (what.equals("profiler")) {
      int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
      String source = args.length > 2 ? args[2] : "fake";
      String init = source.equals("fake") ? "root=" + root : "board=" + source;
      profiler(pairs, init, source.equals("fake") ? null : source, root);
    } else {
      throw new IllegalArgumentException(
          "unknown benchmark " + what + ": window, alloc or profiler");
    }
  }

  /**
   * Bytes allocated per window, on the thread that opens and closes it and on the meter's thread
   * (JVM per-thread allocation counters: the load does not change them).
   */
  private static void alloc(Path root) throws Exception {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    try (PowerMeter m = PowerMeter.open(MeterOptions.defaults().withRoot(root).withJfr(true))) {
      long meterId = -1;
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.getName().equals("inferwatt-meter")) {
          meterId = t.getId();
        }
      }
      int n = 200_000;
      for (int round = 0; round < 3; round++) {
        long me0 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        long mt0 = mx.getThreadAllocatedBytes(meterId);
        io.inferwatt.api.Window last = null;
        for (int i = 0; i < n; i++) {
          last = m.window("w");
          last.close();
        }
        long me1 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        last.measurement(); // the meter thread has placed every window's edges
        Thread.sleep(50);
        long mt1 = mx.getThreadAllocatedBytes(meterId);
        System.out.printf(
            Locale.ROOT,
            "round %d: %.0f B per window on the caller's thread, %.0f B on the meter's thread%n",
            round,
            (me1 - me0) / (double) n,
            (mt1 - mt0) / (double) n);
      }
    }
  }

  private static void profiler(int pairs, String init, String board, Path root) throws Exception {
    List<Double> with = new ArrayList<>();
    List<Double> without = new ArrayList<>();
    List<Double> noop = new ArrayList<>();
    int[][] orders = {{0, 1, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}, {0, 2, 1}, {1, 0, 2}};
    for (int i = 0; i < pairs; i++) {
      double[] score = new double[3];
      for (int variant : orders[i % orders.length]) {
        ChainedOptionsBuilder o =
            new OptionsBuilder()
                .include(SpinBenchmark.class.getName() + ".spin")
                .forks(1)
                .warmupIterations(2)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(3)
                .measurementTime(TimeValue.seconds(1));
        if (variant == 1) {
          o = o.addProfiler(EnergyProfiler.class, init);
        } else if (variant == 2) {
          o = o.addProfiler(NoopProfiler.class); // control: any profiler at all
        }
        RunResult r = new Runner(o.build()).run().iterator().next();
        score[variant] = r.getPrimaryResult().getScore();
      }
      without.add(score[0]);
      with.add(score[1]);
      noop.add(score[2]);
    }
    List<Double> effect = new ArrayList<>();
    List<Double> control = new ArrayList<>();
    for (int i = 0; i < pairs; i++) {
      effect.add(100 * (without.get(i) - with.get(i)) / without.get(i));
      control.add(100 * (without.get(i) - noop.get(i)) / without.get(i));
    }
    System.out.printf(Locale.ROOT, "scores (ops/ms), per round:%n");
    System.out.printf(Locale.ROOT, "  without         %s%n", fmt(without));
    System.out.printf(Locale.ROOT, "  EnergyProfiler  %s%n", fmt(with));
    System.out.printf(Locale.ROOT, "  no-op profiler  %s%n", fmt(noop));
    System.out.printf(
        Locale.ROOT, "profiler effect (score lost with EnergyProfiler, %%): %s%n", summary(effect));
    System.out.printf(
        Locale.ROOT, "control (score lost with a no-op profiler, %%): %s%n", summary(control));
    // the logger's own cost, on the same source, while nothing else of ours runs
    MeterOptions mo = MeterOptions.defaults().withRoot(root).withBoard(board).withJfr(false);
    try (PowerMeter m = PowerMeter.open(mo)) {
      long t0 = System.nanoTime();
      Thread.sleep(5000);
      double s = (System.nanoTime() - t0) / 1e9;
      for (SourceStats st : m.loggerStats()) {
        System.out.printf(
            Locale.ROOT,
            "logger %s: %.0f reads/s, cpu %.2f %% of one core (the profiler's cost to a benchmark"
                + " when no core is idle)%n",
            st.kind(),
            st.reads() / s,
            st.cpuTimeNs() < 0 ? Double.NaN : st.cpuTimeNs() / (s * 1e7));
      }
    }
  }

  private static String fmt(List<Double> xs) {
    StringBuilder b = new StringBuilder();
    for (double x : xs) {
      b.append(String.format(Locale.ROOT, "%10.1f", x));
    }
    return b.toString();
  }

  /** Mean, standard deviation and the 95 % interval of the mean. */
  static String summary(List<Double> xs) {
    int n = xs.size();
    double mean = xs.stream().mapToDouble(d -> d).average().orElse(Double.NaN);
    double ss = 0;
    for (double x : xs) {
      ss += (x - mean) * (x - mean);
    }
    double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : Double.NaN;
    double half = n > 1 ? T95[Math.min(n - 2, T95.length - 1)] * sd / Math.sqrt(n) : Double.NaN;
    return String.format(
        Locale.ROOT,
        "mean %+.2f, sd %.2f, 95 %% interval [%+.2f, %+.2f] over %d rounds; per round %s",
        mean,
        sd,
        mean - half,
        mean + half,
        n,
        xs.stream().map(x -> String.format(Locale.ROOT, "%+.2f", x)).toList());
  }
}
