package io.inferwatt.engines.sim;

import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.Analyzer;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.models.Zoo;
import io.inferwatt.hardware.Recorder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs one configuration on a fresh virtual Nano and analyses it with the core {@link Analyzer},
 * the way a user's {@code inferwatt profile} would. Results are cached per configuration so that
 * the calibration rows that share a configuration share its run.
 */
final class CalibrationRig {

  /** Small protocol: 5 warm-up, 100 latency, 100 power, 20 layer cycles, 0.2 s idle. */
  static final Protocol PROTOCOL = new Protocol(5, 100, 100, 20, 3000, 100, 200_000_000L);

  private static final Map<Config, Measured> CACHE = new ConcurrentHashMap<>();

  private CalibrationRig() {}

  /**
   * One configuration.
   *
   * @param net zoo network name
   * @param cores online CPU cores
   * @param cpuKhz CPU frequency, kHz
   * @param gpuHz GPU frequency, Hz
   * @param mode sync or async
   * @param batch batch size
   * @param input input kind
   */
  record Config(
      String net,
      int cores,
      int cpuKhz,
      long gpuHz,
      ExecutionMode mode,
      int batch,
      InputKind input) {

    static Config base() {
      return new Config(
          "mobilenetv2", 4, 1_479_000, 921_600_000L, ExecutionMode.SYNC, 1, InputKind.FIXED_RANDOM);
    }

    Config cores(int c) {
      return new Config(net, c, cpuKhz, gpuHz, mode, batch, input);
    }

    Config cpu(int khz) {
      return new Config(net, cores, khz, gpuHz, mode, batch, input);
    }

    Config gpu(long hz) {
      return new Config(net, cores, cpuKhz, hz, mode, batch, input);
    }

    Config run(ExecutionMode m, int b) {
      return new Config(net, cores, cpuKhz, gpuHz, m, b, input);
    }

    Config net(String n) {
      return new Config(n, cores, cpuKhz, gpuHz, mode, batch, input);
    }

    Config input(InputKind k) {
      return new Config(net, cores, cpuKhz, gpuHz, mode, batch, k);
    }
  }

  /**
   * What the analysis gives, per input.
   *
   * @param latencyMs mean latency of one inference (whole batch), ms
   * @param latencyPerInputMs latency divided by the batch, ms
   * @param inMw mean input-rail power during inferences, mW
   * @param cpuMw mean CPU-rail power, mW
   * @param gpuMw mean GPU-rail power, mW
   * @param energyPerInputMj input-rail energy per input, paper definition (mean power × mean
   *     latency, divided by the batch), mJ
   * @param gpuEnergyPerInputMj the same for the GPU rail, mJ
   */
  record Measured(
      double latencyMs,
      double latencyPerInputMs,
      double inMw,
      double cpuMw,
      double gpuMw,
      double energyPerInputMj,
      double gpuEnergyPerInputMj) {

    double cpuGpuMw() {
      return cpuMw + gpuMw;
    }
  }

  static Measured measure(Config c) {
    return CACHE.computeIfAbsent(c, CalibrationRig::run);
  }

  private static Measured run(Config c) {
    VirtualNano nano = VirtualNano.create(42);
    nano.knob("cpu.cores").apply(Integer.toString(c.cores()));
    nano.knob("cpu.freq_khz").apply(Integer.toString(c.cpuKhz()));
    nano.knob("gpu.freq_hz").apply(Long.toString(c.gpuHz()));
    Workload w = new Workload(Zoo.network(c.net()), c.batch(), c.mode(), c.input());
    Timeline t = nano.record(w, PROTOCOL, Recorder.ProgressListener.NONE);
    AnalysisResult r = Analyzer.analyze(t, true, AnalysisOptions.defaults());
    AnalysisResult.InferenceSummary s = r.inferences();
    double lat = s.latencyMs().mean();
    return new Measured(
        lat,
        lat / c.batch(),
        s.powerMw().get("in").mean(),
        s.powerMw().get("cpu").mean(),
        s.powerMw().get("gpu").mean(),
        s.energyMjPaper().get("in") / c.batch(),
        s.energyMjPaper().get("gpu") / c.batch());
  }
}
