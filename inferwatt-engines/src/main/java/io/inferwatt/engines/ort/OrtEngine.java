package io.inferwatt.engines.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.inferwatt.core.BadInputException;
import io.inferwatt.core.MonotonicClock;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.feed.FeedPhases;
import io.inferwatt.engines.feed.SampleFeed;
import io.inferwatt.engines.onnx.LayerGraph;
import io.inferwatt.engines.onnx.OnnxGraphs;
import io.inferwatt.engines.onnx.OnnxInspector;
import io.inferwatt.engines.onnx.OnnxIo;
import io.inferwatt.engines.onnx.OnnxModel;
import io.inferwatt.engines.onnx.OnnxModel.ValueInfo;
import io.inferwatt.engines.protocol.ProtocolDriver;
import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.Rail;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The {@link OrtRecorder} implementation. One recording at a time. */
final class OrtEngine implements OrtRecorder {

  /**
   * Profiled runs before the recorded ones in each profiled session (kernels warm, arena sized).
   */
  private static final int PROFILE_WARMUP_RUNS = 2;

  /** Kernel events per profile file, well under ONNX Runtime's cap of 1,000,000 events. */
  private static final int EVENTS_PER_PROFILE = 300_000;

  private final Path modelPath;
  private final OnnxModel model;
  private final OrtOptions options;
  private final SampleFeed feed;
  private final OrtEnvironment env;
  private final MonotonicClock clock = MonotonicClock.SYSTEM;
  private final String inputName;
  private final List<Long> inputDims; // without batch
  private final OrtLayers layers; // null when no layer list can be derived: per-node times
  private final String layersRefused;
  private volatile Report last = new Report(List.of("nothing recorded yet"), List.of(), 0, 0);
  private OrtBackend lastBackend; // for tests: what the last recording left open

  OrtEngine(Path modelPath, OrtOptions options, SampleFeed feed) {
    this.modelPath = modelPath;
    this.model = OnnxIo.read(modelPath);
    this.options = options;
    this.feed = feed;
    Set<String> init = new HashSet<>();
    model.initializers().forEach(t -> init.add(t.name()));
    List<ValueInfo> ins = model.inputs().stream().filter(v -> !init.contains(v.name())).toList();
    if (ins.size() != 1) {
      throw new BadInputException(
          modelPath + ": the engine feeds models with one input, this one has " + ins.size());
    }
    ValueInfo in = ins.get(0);
    if (in.elemType() != OnnxModel.FLOAT) {
      throw new BadInputException(
          modelPath
              + ": input "
              + in.name()
              + " has element type "
              + in.elemType()
              + ", not FLOAT (1)");
    }
    List<Long> dims = in.dims();
    if (dims.size() != 4 && dims.size() != 2
        || dims.subList(1, dims.size()).stream().anyMatch(d -> d < 1)) {
      throw new BadInputException(
          modelPath
              + ": input "
              + in.name()
              + " has shape "
              + dims
              + "; expected N×C×H×W or N×F with fixed C, H, W");
    }
    this.inputName = in.name();
    this.inputDims = List.copyOf(dims.subList(1, dims.size()));
    OrtLayers l = null;
    String refused = null;
    try {
      l = new OrtLayers(model, LayerGraph.covered(model, modelPath.getFileName().toString()));
    } catch (BadInputException e) {
      refused = e.getMessage();
    }
    this.layers = l;
    this.layersRefused = refused;
    this.env = OrtEnvironment.getEnvironment();
    ExecutionProviders.probe(options.provider());
  }

  @Override
  public String board() {
    String where =
        options.provider() == OrtOptions.Provider.CPU
            ? "cpu"
            : "onnxruntime-" + options.provider().id();
    return where + ":" + System.getProperty("os.arch");
  }

  @Override
  public boolean simulated() {
    return false;
  }

  @Override
  public List<Rail> rails() {
    return FeedPhases.rails(feed);
  }

  @Override
  public List<Knob> knobs() {
    return List.of();
  }

  @Override
  public NetworkSpec network(String name) {
    if (layers == null) {
      return OnnxInspector.inspect(model).toNetworkSpec(name);
    }
    NetworkSpec n = layers.network();
    return new NetworkSpec(name, n.inputShape(), n.layers());
  }

  @Override
  public Report lastReport() {
    return last;
  }

  /** Whether the last recording left a session open (it never should). */
  boolean leftSessionsOpen() {
    return lastBackend != null && lastBackend.holdsSessions();
  }

  @Override
  public void close() {
    // sessions live only inside a recording; the environment is shared by the process
  }

  @Override
  public synchronized Timeline record(
      Workload workload, Protocol protocol, ProgressListener listener) {
    int batch = workload.batch();
    byte[] bytes =
        OnnxIo.toBytes(batch == 1 && firstDim() == 1 ? model : OnnxGraphs.withBatch(model, batch));
    long[] shape = new long[inputDims.size() + 1];
    shape[0] = batch;
    for (int i = 0; i < inputDims.size(); i++) {
      shape[i + 1] = inputDims.get(i);
    }
    int c = inputDims.size() == 3 ? inputDims.get(0).intValue() : 1;
    int h = inputDims.size() == 3 ? inputDims.get(1).intValue() : 1;
    int w = inputDims.size() == 3 ? inputDims.get(2).intValue() : inputDims.get(0).intValue();
    List<float[]> data = Inputs.batches(workload.input(), batch, c, h, w, options);
    OrtBackend b =
        new OrtBackend(
            env,
            options,
            this::newSession,
            feed,
            bytes,
            shape,
            inputName,
            data,
            model.nodes().size(),
            modelPath.toString(),
            layers);
    lastBackend = b;
    Timeline t = ProtocolDriver.record(b, feed, workload, protocol, listener);
    List<String> notes = b.notes();
    if (layersRefused != null && b.layerCyclesRun() > 0) {
      notes = new java.util.ArrayList<>(notes);
      notes.add("per-node times, not layers: " + layersRefused);
    }
    last = new Report(notes, b.alignments(), b.layerCyclesRun(), b.nodesPerInference());
    return t;
  }

  private long firstDim() {
    for (ValueInfo v : model.inputs()) {
      if (v.name().equals(inputName)) {
        return v.dims().get(0);
      }
    }
    return -1;
  }

  // ------------------------------------------------------------------ helpers

  private OrtSession newSession(byte[] bytes, Path profileDir) throws OrtException {
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      if (options.intraOpThreads() > 0) {
        o.setIntraOpNumThreads(options.intraOpThreads());
      }
      ExecutionProviders.add(o, options.provider());
      o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      o.setOptimizationLevel(
          options.optimize()
              ? OrtSession.SessionOptions.OptLevel.ALL_OPT
              : OrtSession.SessionOptions.OptLevel.NO_OPT);
      if (profileDir != null) {
        o.enableProfiling(profileDir.resolve("ort").toString());
      }
      return env.createSession(bytes, o);
    }
  }

  @Override
  public String toString() {
    return "OrtRecorder[" + modelPath + ", " + Arrays.asList(board(), options) + "]";
  }
}
