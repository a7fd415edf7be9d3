package io.inferwatt.study.boards;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.engines.feed.SampleFeed;
import io.inferwatt.engines.onnx.OnnxInspector;
import io.inferwatt.engines.onnx.OnnxIo;
import io.inferwatt.engines.ort.OrtOptions;
import io.inferwatt.engines.ort.OrtRecorder;
import io.inferwatt.engines.runner.CommandRecorder;
import io.inferwatt.engines.runner.ProcessLauncher;
import io.inferwatt.engines.trt.TrtexecOptions;
import io.inferwatt.engines.trt.TrtexecRecorder;
import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.Recorder;
import io.inferwatt.hardware.knobs.AppliedSettings;
import io.inferwatt.hardware.knobs.Host;
import io.inferwatt.hardware.knobs.NvmlControl;
import io.inferwatt.hardware.knobs.ProcessRunner;
import io.inferwatt.hardware.knobs.StateDir;
import io.inferwatt.hardware.knobs.SysfsWriter;
import io.inferwatt.hardware.sensors.PowerSources;
import io.inferwatt.study.Plan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * This machine as a board: its power sensors (whatever {@link PowerSources#discover} finds under
 * the root), the knobs its factory finds, and the real engines (ONNX Runtime, trtexec, a runner).
 * The boards {@code local}, {@code jetson} and {@code linux-cpu} differ only in their knobs.
 */
final class MachineBoard implements Board {
  static final List<String> ENGINES = List.of("tensorrt", "onnxruntime", "external");

  private final String name;
  private final String description;
  private final Function<Host, List<Knob>> knobs;

  MachineBoard(String name, String description, Function<Host, List<Knob>> knobs) {
    this.name = name;
    this.description = description;
    this.knobs = knobs;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public boolean simulated() {
    return false;
  }

  @Override
  public List<String> engines() {
    return ENGINES;
  }

  @Override
  public List<Knob> knobs(Host host) {
    return knobs.apply(host);
  }

  @Override
  public PowerSources.Discovery sensors(Path root) {
    return PowerSources.discover(root);
  }

  /** The machine under {@code root}; null or {@code /}: this machine. */
  private static Host host(Path root) {
    return root == null || root.toAbsolutePath().normalize().equals(Path.of("/"))
        ? Host.system()
        : Host.of(root, ProcessRunner.system(), SysfsWriter.direct());
  }

  @Override
  public StudyBoard openStudy(Plan plan, Path root, boolean dryRun, Consumer<String> out) {
    Host host = host(root);
    if (dryRun) {
      host = host.dryRun(line -> out.accept("    " + line));
    }
    List<Knob> ks = knobs(host);
    boolean trt = "tensorrt".equals(plan.engine());
    if (trt && !dryRun && !OnnxStudyRecorder.trtexecFound()) {
      throw new BadInputException(
          "engine tensorrt: trtexec is neither at /usr/src/tensorrt/bin/trtexec nor on the PATH"
              + " (install TensorRT, or use engine onnxruntime); --dry-run shows every"
              + " configuration and write");
    }
    boolean builds = "onnxruntime".equals(plan.engine()) || trt;
    if (!builds || dryRun) {
      return new StudyBoard(this, ks, null, host, () -> {}, builds);
    }
    // ONNX Runtime or trtexec on this machine, with whatever power sensors it has
    LoggerFeed.Sensors sensors = LoggerFeed.Sensors.of(sensors(root == null ? Path.of("/") : root));
    if (sensors.logger().isEmpty()) {
      out.accept("inferwatt: no power sensor found: the study measures latency only");
    }
    OnnxStudyRecorder recorder =
        new OnnxStudyRecorder(name, plan.engine(), ks, sensors, plan.seed(), ModelCache.standard());
    return new StudyBoard(this, ks, recorder, host, recorder::close);
  }

  @Override
  public Boards.Opened openProfile(Boards.ProfileRequest r) {
    String engine = r.engine();
    List<String> positional = r.positional();
    boolean command = "command".equals(engine);
    boolean file = !command && !positional.isEmpty();
    boolean trt = "trtexec".equals(engine);
    OrtOptions.Provider provider = OrtOptions.Provider.CPU;
    if (engine != null && engine.startsWith("onnxruntime:")) {
      provider = OrtOptions.Provider.parse(engine.substring("onnxruntime:".length()));
    } else if (engine != null && !engine.equals("onnxruntime") && !command && !trt) {
      throw new BadInputException(
          "engine '"
              + engine
              + "' is not one of onnxruntime, onnxruntime:cuda, onnxruntime:tensorrt, trtexec, command");
    }
    if (!file && !command) {
      throw new BadInputException(
          "--board "
              + name
              + " needs a model file (inferwatt profile model.onnx) or a runner"
              + " (inferwatt profile --engine command -- python3 runner.py ...)");
    }
    if (file && positional.size() > 1) {
      throw new BadInputException(
          "one model file, not " + positional.size() + ": " + String.join(" ", positional));
    }
    LoggerFeed.Sensors sensors = LoggerFeed.Sensors.of(sensors(r.root()));
    try {
      return openProfile(r, sensors, command, trt, provider);
    } catch (RuntimeException e) {
      sensors.close();
      throw e;
    }
  }

  private Boards.Opened openProfile(
      Boards.ProfileRequest r,
      LoggerFeed.Sensors sensors,
      boolean command,
      boolean trt,
      OrtOptions.Provider provider) {
    Boards.EngineOptions options = r.options();
    List<String> positional = r.positional();
    Optional<SampleFeed> feed = sensors.feed();
    Optional<LoggerFeed> logger = sensors.logger();
    if (logger.isEmpty()) {
      r.notes()
          .accept(
              "inferwatt: no power sensor found, so latency and per-layer latency only; looked at: "
                  + sensors.absentSummary());
    }
    Recorder engineRecorder;
    NetworkSpec net;
    AutoCloseable engineResources = () -> {};
    if (command) {
      engineRecorder =
          CommandRecorder.create(
              positional,
              Duration.ofNanos(options.runnerTimeoutNs()),
              ProcessLauncher.system(),
              feed,
              Path.of("").toAbsolutePath());
      String n = Path.of(positional.get(positional.size() - 1)).getFileName().toString();
      net = new NetworkSpec(n, List.of(), List.of());
    } else {
      Path modelFile = Path.of(positional.get(0));
      if (!Files.isRegularFile(modelFile)) {
        throw new BadInputException(modelFile + ": no such model file");
      }
      net =
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
        engineRecorder = TrtexecRecorder.create(modelFile, t, ProcessLauncher.system(), feed);
      } else {
        OrtOptions o =
            OrtOptions.defaults()
                .withIntraOpThreads(intraOpThreads(options.threads(), feed.isPresent(), r.notes()))
                .withProvider(provider);
        if (options.inputs() != null) {
          o = o.withInputsDir(options.inputs());
        }
        OrtRecorder ort = OrtRecorder.open(modelFile, o, feed);
        // its layer events are the model's layers (LayerGraph), as predict derives them
        net = ort.network(modelFile.getFileName().toString());
        engineRecorder = ort;
        engineResources = ort;
      }
    }
    Host host = host(r.root());
    List<Knob> ks = knobs(host);
    if (ks.isEmpty()) {
      AutoCloseable engineClose = engineResources;
      return new Boards.Opened(
          engineRecorder,
          engineRecorder,
          net,
          () -> {
            try {
              engineClose.close();
            } finally {
              sensors.close();
            }
          },
          logger);
    }
    // the board's knobs: its state saved before any change and restored on every exit
    AppliedSettings settings;
    try {
      settings =
          AppliedSettings.open(
              StateDir.fromEnvironment(), name, host, ks, NvmlControl.system(), r.notes());
    } catch (RuntimeException e) {
      try {
        engineResources.close();
      } catch (Exception ignored) {
        e.addSuppressed(ignored);
      }
      throw e;
    }
    AutoCloseable engineClose = engineResources;
    return new Boards.Opened(
        new GuardedRecorder(engineRecorder, ks, settings),
        engineRecorder,
        net,
        () -> {
          try {
            settings.close();
          } finally {
            try {
              engineClose.close();
            } finally {
              sensors.close();
            }
          }
        },
        logger);
  }

  /**
   * ONNX Runtime's intra-op threads. Unless the user chose, a run with a power logger leaves one
   * core to the logger: on a small board every wake-up of the logger would otherwise stall one of
   * the engine's threads, and its parallel operators wait for their slowest thread (measured on 2
   * cores: +3 to +23 % latency with both cores busy, none with one left free).
   */
  static int intraOpThreads(int asked, boolean logging, Consumer<String> notes) {
    if (asked > 0 || !logging) {
      return asked;
    }
    int cores = Runtime.getRuntime().availableProcessors();
    int n = Math.max(1, cores - 1);
    notes.accept(
        "inferwatt: onnxruntime uses "
            + n
            + " intra-op thread(s), leaving a core to the power"
            + " logger (--threads to choose)");
    return n;
  }
}
