package io.inferwatt.cli;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.LayerEvent;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.Analyzer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code inferwatt bench}: times the analysis of a paper-sized synthetic run (30 000 cycles × 65
 * layers, one sample per 1.6 ms, as the paper's MobileNetV2 layer measurement) in this JVM, after
 * warm-up iterations.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmark the analysis of a paper-sized run (built in memory; no hardware).")
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--cycles", defaultValue = "30000", description = "inferences (default: ${DEFAULT-VALUE})")
  int cycles;

  @Option(names = "--layers", defaultValue = "65", description = "layers per inference (default: ${DEFAULT-VALUE})")
  int layers;

  @Option(names = "--period-ms", defaultValue = "1.6", description = "sample period in ms (default: ${DEFAULT-VALUE})")
  double periodMs;

  @Option(names = "--warmup", defaultValue = "3", description = "untimed iterations (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--iterations", defaultValue = "5", description = "timed iterations (default: ${DEFAULT-VALUE})")
  int iterations;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    long t0 = System.nanoTime();
    Timeline tl = synthetic(cycles, layers, Math.round(periodMs * 1e6), 42);
    long buildNs = System.nanoTime() - t0;
    out.printf(
        Locale.ROOT,
        "bench: %d cycles x %d layers, %d samples (period %.2f ms), %d layer events; built in %.0f ms%n",
        cycles, layers, tl.samples().size(), periodMs, tl.events().layerCount(), buildNs / 1e6);
    double[] ms = new double[iterations];
    AnalysisResult last = null;
    for (int i = 0; i < warmup + iterations; i++) {
      long s = System.nanoTime();
      last = Analyzer.analyze(tl, false, AnalysisOptions.defaults());
      long e = System.nanoTime();
      if (i >= warmup) {
        ms[i - warmup] = (e - s) / 1e6;
      }
    }
    Arrays.sort(ms);
    out.printf(
        Locale.ROOT,
        "paper mapping + whole analysis: median %.1f ms, min %.1f ms, max %.1f ms over %d iterations (%d warm-up); %d layers mapped%n",
        ms[ms.length / 2], ms[0], ms[ms.length - 1], iterations, warmup, last.layers().size());
    return 0;
  }

  /** A run like the paper's: layers of 0.05–1.2 ms, 1 ms gaps, jittered 1.6 ms sampling. */
  static Timeline synthetic(int cycles, int layers, long periodNs, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    long[] dur = new long[layers];
    double[] mw = new double[layers];
    long infNs = 200_000;
    for (int i = 0; i < layers; i++) {
      dur[i] = i == 0 || i == layers - 2 ? 50_000 : 50_000 + r.nextLong(1_150_000);
      mw[i] = 5000 + r.nextDouble() * 2000;
      infNs += dur[i];
    }
    EventLog.Builder ev = EventLog.builder();
    long t = 1_000_000_000L;
    long[] starts = new long[cycles];
    for (int c = 0; c < cycles; c++) {
      starts[c] = t;
      ev.inference(new InferenceEvent(c, t, t + infNs, 1));
      for (int i = 0; i < layers; i++) {
        ev.layer(new LayerEvent(c, i, "layer_" + i, i % 3 == 0 ? "Conv" : "Reformat", dur[i], OptionalLong.empty()));
      }
      t += infNs + 1_000_000 + r.nextLong(200_000);
    }
    List<PowerSample> samples = new ArrayList<>();
    long end = t;
    int c = 0;
    for (long s = 1_000_000_000L + r.nextLong(periodNs); s < end; s += periodNs - periodNs / 20 + r.nextLong(periodNs / 10 + 1)) {
      while (c + 1 < cycles && starts[c + 1] <= s) {
        c++;
      }
      long u = s - starts[c];
      double p = 2000;
      for (int i = 0; i < layers && u >= 0; i++) {
        if (u < dur[i]) {
          p = mw[i];
          break;
        }
        u -= dur[i];
      }
      samples.add(PowerSample.at(s, p, p * 0.4, p * 0.3));
    }
    return new Timeline(List.of("in", "cpu", "gpu"), samples, ev.build());
  }
}
