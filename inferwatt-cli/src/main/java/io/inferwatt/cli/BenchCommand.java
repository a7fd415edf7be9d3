package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.analysis.MappingBench;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code inferwatt bench}: times the whole analysis of a paper-sized synthetic run (30 000 cycles ×
 * 65 layers, one sample per 1.6 ms from a sensor with a 1.1 ms window, as the paper's MobileNetV2
 * layer measurement) in this JVM, with the paper's mapping and with the window-aware mapping. The
 * first rounds include the JIT's warm-up; look at the later ones.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmark the analysis of a paper-sized run (built in memory; no hardware).")
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--cycles",
      defaultValue = "30000",
      description = "inferences (default: ${DEFAULT-VALUE})")
  int cycles;

  @Option(
      names = "--layers",
      defaultValue = "65",
      description = "layers per inference (default: ${DEFAULT-VALUE})")
  int layers;

  @Option(
      names = "--rounds",
      defaultValue = "6",
      description =
          "analyses of each kind; the first ones warm the JIT up (default: ${DEFAULT-VALUE})")
  int rounds;

  @Option(
      names = "--save-samples",
      paramLabel = "FILE",
      description =
          "write the synthetic recording's samples CSV here (with --save-events) instead of timing")
  java.nio.file.Path saveSamples;

  @Option(
      names = "--save-events",
      paramLabel = "FILE",
      description = "write the synthetic recording's events JSONL here (with --save-samples)")
  java.nio.file.Path saveEvents;

  @Override
  public Integer call() throws java.io.IOException {
    if (cycles < 1 || layers < 1 || rounds < 1) {
      throw new BadInputException("--cycles, --layers and --rounds must be at least 1");
    }
    PrintWriter out = spec.commandLine().getOut();
    if ((saveSamples == null) != (saveEvents == null)) {
      throw new IllegalArgumentException("--save-samples and --save-events go together");
    }
    if (saveSamples != null) {
      if (saveSamples
          .toAbsolutePath()
          .normalize()
          .equals(saveEvents.toAbsolutePath().normalize())) {
        throw new IllegalArgumentException("--save-samples and --save-events name the same file");
      }
      long[] n = MappingBench.write(cycles, layers, saveSamples, saveEvents);
      out.printf(
          Locale.ROOT,
          "bench: wrote %d samples to %s and %d cycles x %d layers (%d layer events) to %s (simulated)%n",
          n[0],
          saveSamples,
          cycles,
          layers,
          n[1],
          saveEvents);
      return 0;
    }
    MappingBench.Result r = MappingBench.run(cycles, layers, rounds);
    out.printf(
        Locale.ROOT,
        "bench: %d cycles x %d layers, %d samples, %d layer events (built in %.0f ms), %d processors%n",
        cycles,
        layers,
        r.samples(),
        r.layerEvents(),
        r.generateMs(),
        Runtime.getRuntime().availableProcessors());
    for (int i = 0; i < rounds; i++) {
      out.printf(
          Locale.ROOT,
          "round %d: paper mapping %.0f ms (cpu %.0f ms), window-aware mapping %.0f ms (cpu %.0f ms)%n",
          i + 1,
          r.paperMs()[i],
          r.paperCpuMs()[i],
          r.windowMs()[i],
          r.windowCpuMs()[i]);
    }
    // the first half of the rounds warms the JIT up; the median is over the second half
    int from = rounds / 2;
    out.printf(
        Locale.ROOT,
        "median of rounds %d-%d: paper mapping %.0f ms, window-aware mapping %.0f ms (whole analysis each)%n",
        from + 1,
        rounds,
        median(Arrays.copyOfRange(r.paperMs(), from, rounds)),
        median(Arrays.copyOfRange(r.windowMs(), from, rounds)));
    out.printf(
        Locale.ROOT,
        "estimated window %.4f ms (true 1.1 ms); mean per-layer GPU power error: paper %.1f%%, window %.2f%%%n",
        r.estimatedWindowMs(),
        100 * r.meanLayerErrorPaper(),
        100 * r.meanLayerErrorWindow());
    return 0;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
