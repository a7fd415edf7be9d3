package io.inferwatt.jmh;

import io.inferwatt.api.FakeNano;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Benchmarks of the API (not tests), on a fake Jetson Nano tree in a temporary folder:
 *
 * <ul>
 *   <li>{@code window}: opening and closing one window, ns/op (JFR off and on), one fork;
 *   <li>{@code profiler [rounds]}: {@link SpinBenchmark}'s score with and without {@link
 *       EnergyProfiler}, interleaved, one fork each, and the relative difference of the means.
 * </ul>
 *
 * Run with the module's test class path, e.g. {@code scripts/bench-api.sh window}.
 */
public final class ApiBench {

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
                  .build())
          .run();
    } else if (what.equals("profiler")) {
      int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
      List<Double> with = new ArrayList<>();
      List<Double> without = new ArrayList<>();
      List<Double> noop = new ArrayList<>();
      for (int i = 0; i < rounds; i++) {
        for (int variant : i % 2 == 0 ? new int[] {0, 1, 2} : new int[] {2, 1, 0}) {
          boolean prof = variant == 1;
          ChainedOptionsBuilder o =
              new OptionsBuilder()
                  .include(SpinBenchmark.class.getName() + ".spin")
                  .forks(1)
                  .warmupIterations(2)
                  .warmupTime(TimeValue.seconds(1))
                  .measurementIterations(3)
                  .measurementTime(TimeValue.seconds(1));
          if (prof) {
            o = o.addProfiler(EnergyProfiler.class, "root=" + root);
          } else if (variant == 2) {
            o = o.addProfiler(NoopProfiler.class); // control: any profiler at all
          }
          RunResult r = new Runner(o.build()).run().iterator().next();
          (prof ? with : variant == 2 ? noop : without).add(r.getPrimaryResult().getScore());
        }
      }
      double w = with.stream().mapToDouble(d -> d).average().orElseThrow();
      double wo = without.stream().mapToDouble(d -> d).average().orElseThrow();
      double no = noop.stream().mapToDouble(d -> d).average().orElseThrow();
      System.out.printf(
          Locale.ROOT,
          "control (no-op profiler): %s ops/ms, mean %.1f; EnergyProfiler vs no-op: %.2f %%%n",
          noop,
          no,
          100 * (no - w) / no);
      System.out.printf(
          Locale.ROOT,
          "profiler overhead: without %s ops/ms, with %s ops/ms; mean without %.1f, with %.1f,"
              + " difference %.2f %%%n",
          without,
          with,
          wo,
          w,
          100 * (wo - w) / wo);
    } else {
      throw new IllegalArgumentException("unknown benchmark " + what + ": window or profiler");
    }
  }
}
