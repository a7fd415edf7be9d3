package io.inferwatt.engines.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.inferwatt.core.BadInputException;
import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.LayerEvent;
import io.inferwatt.core.MonotonicClock;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.Phases;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.FeedPhases;
import io.inferwatt.engines.onnx.OnnxGraphs;
import io.inferwatt.engines.onnx.OnnxIo;
import io.inferwatt.engines.onnx.OnnxModel;
import io.inferwatt.engines.onnx.OnnxModel.ValueInfo;
import io.inferwatt.engines.runner.Processes;
import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.Rail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

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
  private volatile Report last = new Report(List.of("nothing recorded yet"), List.of(), 0, 0);

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
  public Report lastReport() {
    return last;
  }

  @Override
  public void close() {
    // sessions live only inside a recording; the environment is shared by the process
  }

  @Override
  public synchronized Timeline record(
      Workload workload, Protocol protocol, ProgressListener listener) {
    List<String> notes = new ArrayList<>();
    List<ClockAlignment> alignments = new ArrayList<>();
    if (feed == null) {
      notes.add(FeedPhases.NO_FEED_NOTE);
    }
    if (options.provider() != OrtOptions.Provider.CPU) {
      notes.add(
          "with the "
              + options.provider().id()
              + " provider, ONNX Runtime's node times are host times around"
              + " each kernel's launch, not GPU execution; a TensorRT subgraph is one node");
    }
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
    Path profileDir = profileDir();
    EventLog.Builder log = EventLog.builder();
    List<PowerSample> samples = List.of();
    int[] nodesPerInference = {0};
    int layerCycles;
    List<OnnxTensor> tensors = new ArrayList<>();
    try (OrtSession session = newSession(bytes, null)) {
      for (float[] d : data) {
        tensors.add(OnnxTensor.createTensor(env, FloatBuffer.wrap(d), shape));
      }
      List<Map<String, OnnxTensor>> feeds =
          tensors.stream().map(t -> Map.of(inputName, t)).toList();
      long[] seq = {0};
      ExecutionMode mode = workload.mode();
      phase(
          log,
          Phases.WARMUP,
          () ->
              run(
                  session,
                  feeds,
                  protocol.warmupCycles(),
                  mode,
                  batch,
                  seq,
                  log,
                  listener,
                  Phases.WARMUP));
      phase(
          log,
          Phases.LATENCY,
          () ->
              run(
                  session,
                  feeds,
                  protocol.latencyCycles(),
                  mode,
                  batch,
                  seq,
                  log,
                  listener,
                  Phases.LATENCY));
      layerCycles = layerCycles(bytes, feeds, protocol, profileDir, notes);
      int perProfile = Math.max(1, EVENTS_PER_PROFILE / Math.max(1, model.nodes().size() + 2));
      OrtSession firstProfiled = newSession(bytes, profileDir);
      if (feed != null) {
        feed.start();
      }
      try {
        if (feed != null) {
          phase(
              log,
              Phases.POWER,
              () ->
                  run(
                      session,
                      feeds,
                      protocol.powerCycles(),
                      mode,
                      batch,
                      seq,
                      log,
                      listener,
                      Phases.POWER));
        }
        int cycles = layerCycles;
        phase(
            log,
            Phases.LAYERS,
            () -> {
              OrtSession profiled = firstProfiled;
              try {
                int done = 0;
                while (done < cycles) {
                  if (profiled == null) {
                    profiled = newSession(bytes, profileDir);
                  }
                  int chunk = Math.min(perProfile, cycles - done);
                  layerChunk(
                      profiled,
                      feeds,
                      chunk,
                      batch,
                      seq,
                      log,
                      alignments,
                      notes,
                      nodesPerInference);
                  profiled.close();
                  profiled = null;
                  done += chunk;
                  listener.progress(Phases.LAYERS, done, cycles);
                }
              } finally {
                if (profiled != null) {
                  profiled.close();
                }
              }
            });
        FeedPhases.idle(feed, protocol.idleNs()).ifPresent(log::phase);
      } finally {
        if (feed != null) {
          samples = feed.stop();
        }
      }
    } catch (OrtException e) {
      if (modelAtFault(e)) {
        throw new BadInputException(
            modelPath
                + ": ONNX Runtime cannot run this model ("
                + e.getMessage()
                + "); check its operators and opset with inferwatt models inspect",
            e);
      }
      throw new IllegalStateException(
          "ONNX Runtime failed on " + modelPath + ": " + e.getMessage(), e);
    } finally {
      for (OnnxTensor t : tensors) {
        t.close();
      }
      Processes.deleteQuietly(profileDir);
    }
    if (alignments.stream().anyMatch(a -> !a.consistent())) {
      notes.add(
          "the profiler's clock and the monotonic clock disagreed during a profile; layer start times are approximate");
    }
    last = new Report(notes, alignments, layerCycles, nodesPerInference[0]);
    return FeedPhases.timeline(feed, samples, log.build());
  }

  private long firstDim() {
    for (ValueInfo v : model.inputs()) {
      if (v.name().equals(inputName)) {
        return v.dims().get(0);
      }
    }
    return -1;
  }

  // ------------------------------------------------------------------ phases

  private interface Body {
    void run() throws OrtException;
  }

  private void phase(EventLog.Builder log, String name, Body body) throws OrtException {
    long start = clock.nanoTime();
    body.run();
    log.phase(new PhaseEvent(name, start, clock.nanoTime()));
  }

  /** Runs {@code n} inferences and logs them; returns their [start, end] in monotonic ns. */
  private long[][] run(
      OrtSession s,
      List<Map<String, OnnxTensor>> feeds,
      int n,
      ExecutionMode mode,
      int batch,
      long[] seq,
      EventLog.Builder log,
      ProgressListener listener,
      String phase)
      throws OrtException {
    long[][] t = new long[n][];
    if (mode == ExecutionMode.SYNC || options.asyncInFlight() == 1) {
      for (int i = 0; i < n; i++) {
        Map<String, OnnxTensor> in = feeds.get((int) ((seq[0] + i) % feeds.size()));
        long start = clock.nanoTime();
        s.run(in).close();
        t[i] = new long[] {start, clock.nanoTime()};
        if ((i + 1) % 10 == 0 || i + 1 == n) {
          listener.progress(phase, i + 1, n);
        }
      }
    } else {
      runAsync(s, feeds, n, seq[0], t, listener, phase);
    }
    for (int i = 0; i < n; i++) {
      log.inference(new InferenceEvent(seq[0] + i, t[i][0], t[i][1], batch));
    }
    seq[0] += n;
    return t;
  }

  /** {@code asyncInFlight} pool threads each take the next inference until {@code n} are done. */
  private void runAsync(
      OrtSession s,
      List<Map<String, OnnxTensor>> feeds,
      int n,
      long firstSeq,
      long[][] t,
      ProgressListener listener,
      String phase)
      throws OrtException {
    int threads = Math.min(options.asyncInFlight(), Math.max(1, n));
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicReference<OrtException> failure = new AtomicReference<>();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread th = new Thread(r, "inferwatt-ort-request");
              th.setDaemon(true);
              return th;
            });
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int k = 0; k < threads; k++) {
        workers.add(
            pool.submit(
                () -> {
                  int i;
                  while (failure.get() == null && (i = next.getAndIncrement()) < n) {
                    Map<String, OnnxTensor> in = feeds.get((int) ((firstSeq + i) % feeds.size()));
                    long start = clock.nanoTime();
                    try {
                      s.run(in).close();
                    } catch (OrtException e) {
                      failure.compareAndSet(null, e);
                      return;
                    }
                    t[i] = new long[] {start, clock.nanoTime()};
                    done.incrementAndGet();
                  }
                }));
      }
      for (Future<?> f : workers) {
        while (!f.isDone()) {
          listener.progress(phase, done.get(), n);
          try {
            f.get(100, java.util.concurrent.TimeUnit.MILLISECONDS);
          } catch (java.util.concurrent.TimeoutException e) {
            // report progress and wait on
          } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(
                "inference thread failed: " + e.getCause(), e.getCause());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while inferences were in flight", e);
          }
        }
      }
      listener.progress(phase, n, n);
    } finally {
      pool.shutdownNow();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
  }

  /**
   * One profiled session's share of the layer phase: a few unrecorded runs, then {@code n} recorded
   * ones one at a time (per-layer attribution needs one inference in flight, as TensorRT's profiler
   * also makes execution synchronous), then the profile is read and aligned.
   */
  private void layerChunk(
      OrtSession s,
      List<Map<String, OnnxTensor>> feeds,
      int n,
      int batch,
      long[] seq,
      EventLog.Builder log,
      List<ClockAlignment> alignments,
      List<String> notes,
      int[] nodesPerInference)
      throws OrtException {
    for (int i = 0; i < PROFILE_WARMUP_RUNS; i++) {
      s.run(feeds.get(0)).close();
    }
    long firstSeq = seq[0];
    long[][] t =
        run(s, feeds, n, ExecutionMode.SYNC, batch, seq, log, ProgressListener.NONE, Phases.LAYERS);
    Path file = Path.of(s.endProfiling());
    OrtProfile profile;
    try {
      profile = OrtProfile.read(file);
    } finally {
      Processes.deleteQuietly(file);
    }
    List<OrtProfile.Run> runs = profile.runs();
    int available = Math.max(0, runs.size() - PROFILE_WARMUP_RUNS);
    int m = Math.min(n, available);
    if (m < n) {
      notes.add(
          "the profile holds "
              + available
              + " of "
              + n
              + " layer-phase runs; layers mapped for those only");
    }
    if (m == 0) {
      return;
    }
    List<OrtProfile.Run> mine = runs.subList(PROFILE_WARMUP_RUNS, PROFILE_WARMUP_RUNS + m);
    long[] s0 = new long[m];
    long[] e0 = new long[m];
    long[] ts = new long[m];
    long[] dur = new long[m];
    for (int i = 0; i < m; i++) {
      s0[i] = t[i][0];
      e0[i] = t[i][1];
      ts[i] = mine.get(i).tsUs();
      dur[i] = mine.get(i).durUs();
    }
    ClockAlignment a = ClockAlignment.fromBrackets(s0, e0, ts, dur);
    alignments.add(a);
    for (int i = 0; i < m; i++) {
      List<OrtProfile.NodeTime> nodes = mine.get(i).nodes();
      nodesPerInference[0] = Math.max(nodesPerInference[0], nodes.size());
      for (int k = 0; k < nodes.size(); k++) {
        OrtProfile.NodeTime nt = nodes.get(k);
        log.layer(
            new LayerEvent(
                firstSeq + i,
                k,
                nt.name(),
                nt.opType(),
                nt.durUs() * 1000,
                OptionalLong.of(a.toMonotonicNs(nt.tsUs()))));
      }
    }
  }

  /** Layer-phase cycles: as asked, or as many as the fastest layer needs for its samples. */
  private int layerCycles(
      byte[] bytes,
      List<Map<String, OnnxTensor>> feeds,
      Protocol p,
      Path profileDir,
      List<String> notes)
      throws OrtException {
    if (p.layerCycles() > 0) {
      return p.layerCycles();
    }
    if (feed == null) {
      return Math.max(1, Math.min(p.maxLayerCycles(), p.minSamplesPerLayer()));
    }
    long fastestUs = Long.MAX_VALUE;
    try (OrtSession pilot = newSession(bytes, profileDir)) {
      for (int i = 0; i < PROFILE_WARMUP_RUNS + 3; i++) {
        pilot.run(feeds.get(0)).close();
      }
      Path file = Path.of(pilot.endProfiling());
      try {
        List<OrtProfile.Run> runs = OrtProfile.read(file).runs();
        for (OrtProfile.Run r :
            runs.subList(Math.min(PROFILE_WARMUP_RUNS, runs.size()), runs.size())) {
          for (OrtProfile.NodeTime n : r.nodes()) {
            fastestUs = Math.min(fastestUs, n.durUs());
          }
        }
      } finally {
        Processes.deleteQuietly(file);
      }
    }
    long fastestNs = Math.max(1000, fastestUs == Long.MAX_VALUE ? 1000 : fastestUs * 1000);
    double needed = Math.ceil((double) p.minSamplesPerLayer() * feed.periodNs() / fastestNs);
    if (needed > p.maxLayerCycles()) {
      notes.add(
          "the fastest layer ("
              + fastestNs / 1000
              + " µs) needs "
              + (long) needed
              + " cycles for "
              + p.minSamplesPerLayer()
              + " samples; capped at "
              + p.maxLayerCycles());
      return p.maxLayerCycles();
    }
    return (int) Math.max(1, needed);
  }

  // ------------------------------------------------------------------ helpers

  /** Whether ONNX Runtime refused the model itself (bad input), not failed while running it. */
  private static boolean modelAtFault(OrtException e) {
    return switch (e.getCode()) {
      case ORT_INVALID_GRAPH, ORT_NOT_IMPLEMENTED, ORT_INVALID_PROTOBUF, ORT_NO_MODEL -> true;
      default -> false;
    };
  }

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

  private Path profileDir() {
    try {
      if (options.profileDir().isPresent()) {
        Files.createDirectories(options.profileDir().get());
        return Files.createTempDirectory(options.profileDir().get(), "ort-profile");
      }
      return Files.createTempDirectory("inferwatt-ort-profile");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create a folder for ONNX Runtime profiles: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "OrtRecorder[" + modelPath + ", " + Arrays.asList(board(), options) + "]";
  }
}
