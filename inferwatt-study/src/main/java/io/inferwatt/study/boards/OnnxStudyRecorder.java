package io.inferwatt.study.boards;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.model.ModelName;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.feed.SampleFeed;
import io.inferwatt.engines.onnx.LayerSample;
import io.inferwatt.engines.onnx.Networks;
import io.inferwatt.engines.onnx.OnnxModel;
import io.inferwatt.engines.ort.OrtOptions;
import io.inferwatt.engines.ort.OrtRecorder;
import io.inferwatt.engines.runner.ProcessLauncher;
import io.inferwatt.engines.trt.TrtexecOptions;
import io.inferwatt.engines.trt.TrtexecRecorder;
import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.Rail;
import io.inferwatt.study.Configuration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A real board's study recorder: ONNX Runtime (CPU) or TensorRT's trtexec on this machine, with its
 * power sensors and hardware knobs. Each configuration names its network; the ONNX file is written
 * by the project's model builder into a cache folder the first time and opened (or built into a
 * TensorRT engine, cached by trtexec's recorder) for that configuration.
 */
final class OnnxStudyRecorder implements io.inferwatt.hardware.Recorder, AutoCloseable {

  private final String board;
  private final String engine;
  private final List<Knob> knobs;
  private final LoggerFeed.Sensors sensors;
  private final Optional<SampleFeed> feed;
  private final long seed;
  private final ModelCache cache;

  OnnxStudyRecorder(
      String board,
      String engine,
      List<Knob> knobs,
      LoggerFeed.Sensors sensors,
      long seed,
      ModelCache cache) {
    if (!engine.equals("onnxruntime") && !engine.equals("tensorrt")) {
      throw new BadInputException("engine " + engine + " is not one of onnxruntime, tensorrt");
    }
    this.board = board;
    this.engine = engine;
    this.knobs = List.copyOf(knobs);
    this.sensors = sensors;
    this.feed = sensors.feed();
    this.seed = seed;
    this.cache = cache;
  }

  /** Refuses, all at once, every configuration whose network this recorder cannot build. */
  static void check(List<Configuration> configurations) {
    Set<String> bad = new LinkedHashSet<>();
    for (Configuration c : configurations) {
      String m = c.settings().get("model");
      if (m != null && !buildable(m)) {
        bad.add(m);
      }
    }
    if (!bad.isEmpty()) {
      throw new BadInputException(
          "model(s) "
              + String.join(", ", bad)
              + " cannot be built as ONNX files for a real board; "
              + "available: "
              + String.join(", ", Networks.names())
              + ", conv-kK-sS-cINxOUT-HxH and existing FILE.onnx");
    }
  }

  /** Whether trtexec can be started: the configured path, or a {@code trtexec} on the PATH. */
  static boolean trtexecFound() {
    Path exe = TrtexecOptions.defaults().trtexec();
    if (exe.getNameCount() > 1 || exe.isAbsolute()) {
      return Files.isExecutable(exe);
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String d : path.split(java.io.File.pathSeparator)) {
        if (!d.isEmpty() && Files.isExecutable(Path.of(d).resolve(exe))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean buildable(String name) {
    return Networks.variant(name).isPresent()
        || LayerSample.member(name).isPresent()
        || squareConv(name).isPresent()
        || name.endsWith(".onnx") && Files.isRegularFile(Path.of(name));
  }

  @Override
  public String board() {
    return board;
  }

  @Override
  public boolean simulated() {
    return false;
  }

  @Override
  public List<Rail> rails() {
    return feed.map(SampleFeed::railList).orElse(List.of());
  }

  @Override
  public List<Knob> knobs() {
    return knobs;
  }

  @Override
  public Timeline record(Workload workload, Protocol protocol, ProgressListener listener) {
    Path model = model(workload.network().name());
    if (engine.equals("tensorrt")) {
      return TrtexecRecorder.create(
              model, TrtexecOptions.defaults(), ProcessLauncher.system(), feed)
          .record(workload, protocol, listener);
    }
    OrtOptions options =
        OrtOptions.defaults().withIntraOpThreads(intraOpThreads(workload, feed.isPresent()));
    try (OrtRecorder ort = OrtRecorder.open(model, options, feed)) {
      return ort.record(workload, protocol, listener);
    }
  }

  /**
   * ONNX Runtime's intra-op threads for {@code workload}: the plan's {@code threads} where it names
   * them, else the board's choice ({@link MachineBoard#intraOpThreads}; 0 = ONNX Runtime's own).
   */
  static int intraOpThreads(Workload workload, boolean logging) {
    return MachineBoard.intraOpThreads(workload.threads(), logging, line -> {});
  }

  /** Closes the power sources. */
  @Override
  public void close() {
    sensors.close();
  }

  private Path model(String name) {
    if (name.endsWith(".onnx")) {
      return Path.of(name); // a model file, as the plan names it
    }
    return cache.file(name + "-seed" + seed + ".onnx", () -> build(name));
  }

  private OnnxModel build(String name) {
    Optional<ModelName.Conv> c = squareConv(name);
    Optional<LayerSample.Member> member = LayerSample.member(name);
    if (Networks.variant(name).isPresent()) {
      return Networks.build(name, seed);
    } else if (member.isPresent()) {
      return LayerSample.build(
          member.get(), true); // the sample's own seed, as models sample writes
    } else if (c.isPresent()) {
      ModelName.Conv k = c.get();
      return Networks.conv(
          k.kernel(), k.stride(), k.inChannels(), k.outChannels(), k.height(), 1, seed);
    }
    throw new BadInputException("model " + name + " cannot be built as an ONNX file");
  }

  /** A single convolution on a square input: the only kind the ONNX builder makes. */
  private static Optional<ModelName.Conv> squareConv(String name) {
    return ModelName.parse(name)
        .filter(ModelName.Conv.class::isInstance)
        .map(ModelName.Conv.class::cast)
        .filter(k -> k.height() == k.width());
  }
}
