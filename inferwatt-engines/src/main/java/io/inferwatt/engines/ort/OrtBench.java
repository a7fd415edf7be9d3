package io.inferwatt.engines.ort;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.Phases;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.onnx.Networks;
import io.inferwatt.engines.onnx.OnnxIo;
import io.inferwatt.hardware.Recorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Benchmark entry point, not a test: latency of a built network on ONNX Runtime (CPU) and how the
 * profiled layer times add up against it. {@code java -cp ... io.inferwatt.engines.ort.OrtBench
 * [network] [cycles] [optimize]}.
 */
final class OrtBench {
  private OrtBench() {}

  public static void main(String[] args) throws Exception {
    String net = args.length > 0 ? args[0] : "mobilenetv2";
    int cycles = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    boolean optimize = args.length <= 2 || Boolean.parseBoolean(args[2]);
    Path dir = Files.createTempDirectory("inferwatt-bench");
    Path model = dir.resolve(net + ".onnx");
    OnnxIo.write(Networks.build(net, 1), model);
    try (OrtRecorder r =
        OrtRecorder.open(model, OrtOptions.defaults().withOptimize(optimize), Optional.empty())) {
      Workload w =
          new Workload(
              new NetworkSpec(net, List.of(), List.of()),
              1,
              ExecutionMode.SYNC,
              InputKind.FIXED_RANDOM);
      Timeline t =
          r.record(
              w, new Protocol(10, cycles, 0, cycles, cycles, 1, 0), Recorder.ProgressListener.NONE);
      EventLog log = t.events();
      PhaseEvent latency = phase(log, Phases.LATENCY);
      PhaseEvent layers = phase(log, Phases.LAYERS);
      double[] lat =
          log.inferences().stream()
              .filter(e -> latency.contains(e.startNs()))
              .mapToDouble(e -> e.latencyNs() / 1e6)
              .sorted()
              .toArray();
      Map<Long, Long> sum = new HashMap<>();
      for (int i = 0; i < log.layerCount(); i++) {
        sum.merge(log.layerSeq(i), log.layerDurationNs(i), Long::sum);
      }
      double[] ratio =
          log.inferences().stream()
              .filter(e -> layers.contains(e.startNs()))
              .mapToDouble(e -> sum.getOrDefault(e.seq(), 0L) / (double) e.latencyNs())
              .sorted()
              .toArray();
      double[] profiledLat =
          log.inferences().stream()
              .filter(e -> layers.contains(e.startNs()))
              .mapToDouble(InferenceEvent::latencyNs)
              .map(x -> x / 1e6)
              .sorted()
              .toArray();
      System.out.printf(
          "%s on %s, %d cores, optimize=%s%n",
          net, r.board(), Runtime.getRuntime().availableProcessors(), optimize);
      System.out.printf(
          "latency ms: p50 %.2f  min %.2f  p95 %.2f  (n=%d)%n",
          lat[lat.length / 2], lat[0], lat[(int) (lat.length * 0.95)], lat.length);
      System.out.printf(
          "profiled latency ms: p50 %.2f; kernels per inference %d%n",
          profiledLat[profiledLat.length / 2], r.lastReport().nodesPerInference());
      System.out.printf(
          "layer sum / latency: p50 %.3f  min %.3f  max %.3f%n",
          ratio[ratio.length / 2], ratio[0], ratio[ratio.length - 1]);
      System.out.println("alignment: " + r.lastReport().alignments());
    }
    try (var s = Files.list(dir)) {
      for (Path p : s.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  private static PhaseEvent phase(EventLog log, String name) {
    return log.phases().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  static String toString(double[] a) {
    return Arrays.toString(a);
  }
}
