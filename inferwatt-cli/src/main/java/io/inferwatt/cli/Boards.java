package io.inferwatt.cli;

import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.engines.feed.SampleFeed;
import io.inferwatt.engines.models.Zoo;
import io.inferwatt.engines.onnx.OnnxInspector;
import io.inferwatt.engines.onnx.OnnxIo;
import io.inferwatt.engines.ort.OrtOptions;
import io.inferwatt.engines.ort.OrtRecorder;
import io.inferwatt.engines.runner.CommandRecorder;
import io.inferwatt.engines.runner.ProcessLauncher;
import io.inferwatt.engines.sim.SensorConfig;
import io.inferwatt.engines.sim.VirtualNano;
import io.inferwatt.engines.trt.TrtexecOptions;
import io.inferwatt.engines.trt.TrtexecRecorder;
import io.inferwatt.hardware.Recorder;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Opens the board, engine and network a command names. */
final class Boards {
  static final List<String> BOARDS = List.of("sim:nano", "local");

  private Boards() {}

  /**
   * Engine settings from the command line.
   *
   * @param inputs folder of images for varied inputs, or null
   * @param threads ONNX Runtime intra-op threads, 0 = its default
   * @param runnerTimeoutNs the longest a runner child may take
   */
  record EngineOptions(
      Path inputs,
      int threads,
      long runnerTimeoutNs,
      Path trtexec,
      Path engineCache,
      String precision) {}

  /** A recorder with what it needs closed after the run. */
  record Opened(
      Recorder recorder, NetworkSpec network, AutoCloseable resources, Optional<LoggerFeed> logger)
      implements AutoCloseable {
    Opened(Recorder recorder, NetworkSpec network, AutoCloseable resources) {
      this(recorder, network, resources, Optional.empty());
    }

    @Override
    public void close() {
      try {
        resources.close();
      } catch (Exception e) {
        throw new IllegalStateException(
            "could not close " + recorder.board() + ": " + e.getMessage(), e);
      }
    }
  }

  static Opened open(
      String board,
      String engine,
      List<String> positional,
      String model,
      long seed,
      double sensorWindowMs,
      Path root,
      EngineOptions options,
      PrintWriter err) {
    boolean command = "command".equals(engine);
    boolean file = !command && !positional.isEmpty();
    String b = board != null ? board : (file || command ? "local" : "sim:nano");
    if (b.equals("sim:nano")) {
      if (file || command || (engine != null && !engine.equals("sim"))) {
        throw new IllegalArgumentException(
            "the virtual Jetson Nano runs its built-in networks (--model "
                + String.join("|", Zoo.names())
                + "); a model file or a runner needs a real board: --board local");
      }
      return new Opened(virtualNano(seed, sensorWindowMs), Zoo.network(model), () -> {});
    }
    if (!b.equals("local")) {
      throw unsupported(b);
    }
    boolean trt = "trtexec".equals(engine);
    OrtOptions.Provider provider = OrtOptions.Provider.CPU;
    if (engine != null && engine.startsWith("onnxruntime:")) {
      provider = OrtOptions.Provider.parse(engine.substring("onnxruntime:".length()));
    } else if (engine != null && !engine.equals("onnxruntime") && !command && !trt) {
      throw new IllegalArgumentException(
          "engine '"
              + engine
              + "' is not one of onnxruntime, onnxruntime:cuda, onnxruntime:tensorrt, trtexec, command");
    }
    if (!file && !command) {
      throw new IllegalArgumentException(
          "--board local needs a model file (inferwatt profile model.onnx) or a runner"
              + " (inferwatt profile --engine command -- python3 runner.py ...)");
    }
    if (file && positional.size() > 1) {
      throw new IllegalArgumentException(
          "one model file, not " + positional.size() + ": " + String.join(" ", positional));
    }
    LoggerFeed.Sensors sensors = LoggerFeed.Sensors.discover(root);
    Optional<SampleFeed> feed = sensors.feed();
    Optional<LoggerFeed> logger = sensors.logger();
    if (logger.isEmpty()) {
      err.println(
          "inferwatt: no power sensor found, so latency and per-layer latency only; looked at: "
              + sensors.absentSummary());
    }
    if (command) {
      Recorder r =
          CommandRecorder.create(
              positional,
              Duration.ofNanos(options.runnerTimeoutNs()),
              ProcessLauncher.system(),
              feed,
              Path.of("").toAbsolutePath());
      String name = Path.of(positional.get(positional.size() - 1)).getFileName().toString();
      return new Opened(r, new NetworkSpec(name, List.of(), List.of()), sensors, logger);
    }
    Path modelFile = Path.of(positional.get(0));
    if (!Files.isRegularFile(modelFile)) {
      throw new IllegalArgumentException(modelFile + ": no such model file");
    }
    NetworkSpec net =
        OnnxInspector.inspect(OnnxIo.read(modelFile))
            .toNetworkSpec(modelFile.getFileName().toString());
    if (trt) {
      TrtexecOptions t = TrtexecOptions.defaults();
      if (options.trtexec() != null) {
        t = t.withTrtexec(options.trtexec());
      }
      if (options.engineCache() != null) {
        t = t.withEngineCache(options.engineCache());
      }
      if (options.precision() != null) {
        t = t.withPrecision(options.precision());
      }
      TrtexecRecorder r = TrtexecRecorder.create(modelFile, t, ProcessLauncher.system(), feed);
      return new Opened(r, net, sensors, logger);
    }
    OrtOptions o =
        OrtOptions.defaults()
            .withIntraOpThreads(intraOpThreads(options.threads(), feed.isPresent(), err))
            .withProvider(provider);
    if (options.inputs() != null) {
      o = o.withInputsDir(options.inputs());
    }
    OrtRecorder r = OrtRecorder.open(modelFile, o, feed);
    return new Opened(
        r,
        net,
        () -> {
          r.close();
          sensors.close();
        },
        logger);
  }

  /**
   * ONNX Runtime's intra-op threads. Unless the user chose, a run with a power logger leaves one
   * core to the logger: on a small board every wake-up of the logger would otherwise stall one of
   * the engine's threads, and its parallel operators wait for their slowest thread (measured on 2
   * cores: +3 to +23 % latency with both cores busy, none with one left free).
   */
  static int intraOpThreads(int asked, boolean logging, PrintWriter err) {
    if (asked > 0 || !logging) {
      return asked;
    }
    int cores = Runtime.getRuntime().availableProcessors();
    int n = Math.max(1, cores - 1);
    err.println(
        "inferwatt: onnxruntime uses "
            + n
            + " intra-op thread(s), leaving a core to the power"
            + " logger (--threads to choose)");
    return n;
  }

  private static Recorder virtualNano(long seed, double sensorWindowMs) {
    if (!(sensorWindowMs >= 0)) {
      throw new IllegalArgumentException("sensor window " + sensorWindowMs + " ms is negative");
    }
    return VirtualNano.create(seed, new SensorConfig(Math.round(sensorWindowMs * 1e6)));
  }

  private static IllegalArgumentException unsupported(String board) {
    return new IllegalArgumentException(
        "board '" + board + "' is not supported yet; available: " + String.join(", ", BOARDS));
  }
}
