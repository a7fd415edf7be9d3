package io.inferwatt.core.analysis;

import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.SyntheticRecording.Config;
import io.inferwatt.core.analysis.SyntheticRecording.Recording;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Times the layer mappings on a paper-sized synthetic run held in memory: 30 000 inferences of 65
 * layers (18 ms of layers, 1–3 ms between inferences), a read every 1.6 ms through a 1.1 ms sensor
 * window, about 375 000 samples. Each analysis runs {@code rounds} times; the first round includes
 * the JIT's warm-up. The CLI runs it as {@code inferwatt bench}; {@link #main} prints the result.
 */
public final class MappingBench {

  private MappingBench() {}

  /**
   * The timings of one bench run.
   *
   * @param samples power samples in the run
   * @param layerEvents layer events in the run
   * @param generateMs time to build the synthetic run, ms
   * @param paperMs whole analysis with the paper's mapping, per round, ms
   * @param windowMs whole analysis with the window-aware mapping (estimation included), per round,
   *     ms
   * @param paperCpuMs CPU time of the process (all threads) during each paper analysis, ms
   * @param windowCpuMs CPU time of the process (all threads) during each window analysis, ms
   * @param estimatedWindowMs the window the window-aware mapping estimated (true: 1.1 ms)
   * @param meanLayerErrorPaper mean relative error of per-layer GPU power, paper's mapping
   * @param meanLayerErrorWindow mean relative error of per-layer GPU power, window-aware mapping
   */
  public record Result(
      int samples,
      int layerEvents,
      double generateMs,
      double[] paperMs,
      double[] windowMs,
      double[] paperCpuMs,
      double[] windowCpuMs,
      double estimatedWindowMs,
      double meanLayerErrorPaper,
      double meanLayerErrorWindow) {}

  /**
   * Builds the run and times both mappings.
   *
   * @param cycles inferences (the paper: 30 000)
   * @param layers layers per inference (65 for the bench's default)
   * @param rounds analyses of each kind, at least 1
   */
  public static Result run(int cycles, int layers, int rounds) {
    long t0 = System.nanoTime();
    Config c = Config.jetson(layers, cycles, 1.1, 2024).withInferenceMs(18);
    Recording rec = SyntheticRecording.generate(c);
    Timeline tl = rec.timeline();
    double genMs = (System.nanoTime() - t0) / 1e6;
    double[] paper = new double[rounds];
    double[] window = new double[rounds];
    double[] paperCpu = new double[rounds];
    double[] windowCpu = new double[rounds];
    AnalysisResult p = null;
    AnalysisResult w = null;
    for (int i = 0; i < rounds; i++) {
      long ca = cpuNs();
      long a = System.nanoTime();
      p = Analyzer.analyze(tl, true, AnalysisOptions.defaults().withMapping(LayerMapping.PAPER));
      long cb = cpuNs();
      long b = System.nanoTime();
      w = Analyzer.analyze(tl, true, AnalysisOptions.defaults().withMapping(LayerMapping.AUTO));
      long ce = cpuNs();
      long e = System.nanoTime();
      paper[i] = (b - a) / 1e6;
      window[i] = (e - b) / 1e6;
      paperCpu[i] = (cb - ca) / 1e6;
      windowCpu[i] = (ce - cb) / 1e6;
    }
    return new Result(
        tl.samples().size(),
        tl.events().layerCount(),
        genMs,
        paper,
        window,
        paperCpu,
        windowCpu,
        w.mapping().windowMs(),
        gpuError(p, rec),
        gpuError(w, rec));
  }

  /** CPU time of the whole process in ns (-1 where the JVM does not tell). */
  private static long cpuNs() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  private static double gpuError(AnalysisResult r, Recording rec) {
    double sum = 0;
    int n = 0;
    for (int l = 0; l < r.layers().size(); l++) {
      double got = r.layers().get(l).powerMw().get("gpu").mean();
      if (!Double.isNaN(got)) {
        sum += Math.abs(got / rec.layerPowerMw()[l][1] - 1);
        n++;
      }
    }
    return sum / n;
  }

  /** {@code MappingBench [cycles [layers [rounds]]]}; defaults 30000 65 3. */
  public static void main(String[] args) {
    int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 30_000;
    int layers = args.length > 1 ? Integer.parseInt(args[1]) : 65;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Result r = run(cycles, layers, Math.max(1, rounds));
    System.out.printf(
        Locale.ROOT,
        "synthetic run: %d cycles x %d layers, %d samples, %d layer events (built in %.0f ms),"
            + " %d processors%n",
        cycles,
        layers,
        r.samples(),
        r.layerEvents(),
        r.generateMs(),
        Runtime.getRuntime().availableProcessors());
    for (int i = 0; i < r.paperMs().length; i++) {
      System.out.printf(
          Locale.ROOT,
          "round %d: paper mapping %.0f ms (cpu %.0f ms), window mapping %.0f ms (cpu %.0f ms)%n",
          i + 1,
          r.paperMs()[i],
          r.paperCpuMs()[i],
          r.windowMs()[i],
          r.windowCpuMs()[i]);
    }
    System.out.printf(
        Locale.ROOT,
        "estimated window %.4f ms (true 1.1 ms); mean per-layer GPU power error: paper %.1f%%,"
            + " window %.2f%%%n",
        r.estimatedWindowMs(),
        100 * r.meanLayerErrorPaper(),
        100 * r.meanLayerErrorWindow());
  }

  /**
   * Writes a paper-like synthetic recording (Jetson-like sensor with a 1.1 ms window, a read every
   * 1.6 ms, layers adding up to 18 ms) as a samples CSV and an events JSONL in time order, for the
   * whole-process benchmark of {@code inferwatt analyze} ({@code scripts/bench-analyze.sh}).
   *
   * @return samples and layer events written
   */
  public static long[] write(
      int cycles, int layers, java.nio.file.Path samples, java.nio.file.Path events)
      throws java.io.IOException {
    Config c = Config.jetson(layers, cycles, 1.1, 2024).withInferenceMs(18);
    Timeline tl = SyntheticRecording.generate(c).timeline();
    try (var w = io.inferwatt.core.io.SamplesCsv.writer(samples, tl.rails(), true)) {
      for (var s : tl.samples()) {
        w.write(s);
      }
    }
    try (var w = io.inferwatt.core.io.EventsJsonl.writer(events)) {
      w.meta(java.util.Map.of("generator", "inferwatt bench --save-samples", "simulated", true));
      w.all(tl.events());
    }
    return new long[] {tl.samples().size(), tl.events().layerCount()};
  }
}
