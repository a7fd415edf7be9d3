package io.inferwatt.engines.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.inferwatt.core.BadInputException;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.LayerEvent;
import io.inferwatt.core.MonotonicClock;
import io.inferwatt.core.Phases;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.engines.feed.ClockAlignment;
import io.inferwatt.engines.feed.SampleFeed;
import io.inferwatt.engines.protocol.ProtocolDriver;
import io.inferwatt.engines.protocol.ProtocolDriver.Recording;
import io.inferwatt.engines.protocol.ProtocolDriver.Span;
import io.inferwatt.engines.runner.Processes;
import io.inferwatt.hardware.Recorder.ProgressListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One recording with ONNX Runtime, as the protocol driver runs it: a plain session for the timed
 * phases, profiled sessions for the layer phase (each holds at most {@link #EVENTS_PER_PROFILE}
 * kernel events), their profiles read and aligned by {@link ClockAlignment#fromBrackets}. {@link
 * #close()} frees the tensors and every session and deletes the profiles, however the recording
 * ends.
 *
 * <p>Over 500 lines on purpose: the timed session, the profiled sessions and their profiles share
 * the tensors and the clock alignment whose lifetime {@link #close()} ends; the kernel-to-layer
 * mapping is already in {@code OrtLayers}.
 */
final class OrtBackend implements ProtocolDriver.Backend {

  /**
   * Profiled runs before the recorded ones in each profiled session (kernels warm, arena sized).
   */
  private static final int PROFILE_WARMUP_RUNS = 2;

  /** Kernel events per profile file, well under ONNX Runtime's cap of 1,000,000 events. */
  private static final int EVENTS_PER_PROFILE = 300_000;

  /** Opens a session on {@code bytes}, profiling into {@code profileDir} when it is not null. */
  interface Sessions {
    OrtSession open(byte[] bytes, Path profileDir) throws OrtException;
  }

  private final OrtEnvironment env;
  private final OrtOptions options;
  private final Sessions sessions;
  private final SampleFeed feed;
  private final byte[] bytes;
  private final long[] shape;
  private final String inputName;
  private final List<float[]> data;
  private final int nodes;
  private final String modelName;
  private final OrtLayers layers;
  private final MonotonicClock clock = MonotonicClock.SYSTEM;
  private final List<OnnxTensor> tensors = new ArrayList<>();
  private final List<ClockAlignment> alignments = new ArrayList<>();
  private Path profileDir;
  private OrtSession session;
  private OrtSession profiled;
  private List<Map<String, OnnxTensor>> feeds;
  private int layerCycles;
  private int nodesPerInference;
  private int unmatchedKernels;
  private int fusedLayers;
  private List<String> notes = List.of();

  OrtBackend(
      OrtEnvironment env,
      OrtOptions options,
      Sessions sessions,
      SampleFeed feed,
      byte[] bytes,
      long[] shape,
      String inputName,
      List<float[]> data,
      int nodes,
      String modelName,
      OrtLayers layers) {
    this.env = env;
    this.options = options;
    this.sessions = sessions;
    this.feed = feed;
    this.bytes = bytes;
    this.shape = shape;
    this.inputName = inputName;
    this.data = data;
    this.nodes = nodes;
    this.modelName = modelName;
    this.layers = layers;
  }

  /** The clock alignment of each profile of the layer phase. */
  List<ClockAlignment> alignments() {
    return alignments;
  }

  int layerCyclesRun() {
    return layerCycles;
  }

  int nodesPerInference() {
    return nodesPerInference;
  }

  @Override
  public void open(Recording r) {
    if (options.provider() != OrtOptions.Provider.CPU) {
      r.notes()
          .add(
              "with the "
                  + options.provider().id()
                  + " provider, ONNX Runtime's node times are host times around"
                  + " each kernel's launch, not GPU execution; a TensorRT subgraph is one node");
    }
    profileDir = profileDir();
    ort(
        () -> {
          session = sessions.open(bytes, null);
          for (float[] d : data) {
            tensors.add(OnnxTensor.createTensor(env, FloatBuffer.wrap(d), shape));
          }
        });
    feeds = tensors.stream().map(t -> Map.of(inputName, t)).toList();
  }

  @Override
  public Optional<Span> timed(String phase, int n, Recording r) {
    long start = clock.nanoTime();
    ort(() -> run(session, n, r.workload().mode(), r, r.listener(), phase));
    return Optional.of(new Span(start, clock.nanoTime()));
  }

  @Override
  public int layerCycles(Recording r) {
    ort(
        () -> {
          layerCycles = layerCycles(r.protocol(), r.notes());
          // the first profiled session is opened before the logger starts: its set-up is no load
          profiled = sessions.open(bytes, profileDir);
        });
    return layerCycles;
  }

  @Override
  public Optional<Span> profiled(int cycles, Recording r) {
    long start = clock.nanoTime();
    int perProfile = Math.max(1, EVENTS_PER_PROFILE / Math.max(1, nodes + 2));
    ort(
        () -> {
          int done = 0;
          while (done < cycles) {
            if (profiled == null) {
              profiled = sessions.open(bytes, profileDir);
            }
            int chunk = Math.min(perProfile, cycles - done);
            layerChunk(profiled, chunk, r);
            profiled.close();
            profiled = null;
            done += chunk;
            r.listener().progress(Phases.LAYERS, done, cycles);
          }
        });
    return Optional.of(new Span(start, clock.nanoTime()));
  }

  @Override
  public void logged(List<io.inferwatt.core.PowerSample> samples, Recording r) {
    if (fusedLayers > 0) {
      r.notes()
          .add(
              fusedLayers
                  + " of "
                  + layers.layers().size()
                  + " layers ran inside another layer's kernel (fused by ONNX Runtime): 0 ms each");
    }
    if (unmatchedKernels > 0) {
      r.notes()
          .add(
              unmatchedKernels
                  + " of "
                  + nodesPerInference
                  + " kernels per inference are named after no layer's node (layout conversions);"
                  + " each is added to its neighbouring layer");
    }
    if (alignments.stream().anyMatch(a -> !a.consistent())) {
      r.notes()
          .add(
              "the profiler's clock and the monotonic clock disagreed during a profile; layer start times are approximate");
    }
    notes = List.copyOf(r.notes());
  }

  /** The recording's notes, once the logger has stopped. */
  List<String> notes() {
    return notes;
  }

  @Override
  public void close() {
    for (AutoCloseable c : new AutoCloseable[] {profiled, session}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          // closing only to free native memory
        }
      }
    }
    profiled = null;
    session = null;
    for (OnnxTensor t : tensors) {
      t.close();
    }
    tensors.clear();
    if (profileDir != null) {
      Processes.deleteQuietly(profileDir);
    }
  }

  /** Whether a profiled session is open; a test sees that a failure leaks none. */
  boolean holdsSessions() {
    return profiled != null || session != null;
  }

  private interface OrtWork {
    void run() throws OrtException;
  }

  private void ort(OrtWork w) {
    try {
      w.run();
    } catch (OrtException e) {
      if (modelAtFault(e)) {
        throw new BadInputException(
            modelName
                + ": ONNX Runtime cannot run this model ("
                + e.getMessage()
                + "); check its operators and opset with inferwatt models inspect",
            e);
      }
      throw new IllegalStateException(
          "ONNX Runtime failed on " + modelName + ": " + e.getMessage(), e);
    }
  }

  /** Whether ONNX Runtime refused the model itself (bad input), not failed while running it. */
  private static boolean modelAtFault(OrtException e) {
    return switch (e.getCode()) {
      case ORT_INVALID_GRAPH, ORT_NOT_IMPLEMENTED, ORT_INVALID_PROTOBUF, ORT_NO_MODEL -> true;
      default -> false;
    };
  }

  /** Runs {@code n} inferences and logs them; returns their [start, end] in monotonic ns. */
  private long[][] run(
      OrtSession s, int n, ExecutionMode mode, Recording r, ProgressListener listener, String phase)
      throws OrtException {
    long first = r.takeSeq(n);
    long[][] t = new long[n][];
    if (mode == ExecutionMode.SYNC || options.asyncInFlight() == 1) {
      for (int i = 0; i < n; i++) {
        Map<String, OnnxTensor> in = feeds.get((int) ((first + i) % feeds.size()));
        long start = clock.nanoTime();
        s.run(in).close();
        t[i] = new long[] {start, clock.nanoTime()};
        if ((i + 1) % 10 == 0 || i + 1 == n) {
          listener.progress(phase, i + 1, n);
        }
      }
    } else {
      runAsync(s, n, first, t, listener, phase);
    }
    for (int i = 0; i < n; i++) {
      r.log().inference(new InferenceEvent(first + i, t[i][0], t[i][1], r.workload().batch()));
    }
    return t;
  }

  /** {@code asyncInFlight} pool threads each take the next inference until {@code n} are done. */
  private void runAsync(
      OrtSession s, int n, long firstSeq, long[][] t, ProgressListener listener, String phase)
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
  private void layerChunk(OrtSession s, int n, Recording r) throws OrtException {
    for (int i = 0; i < PROFILE_WARMUP_RUNS; i++) {
      s.run(feeds.get(0)).close();
    }
    List<String> notes = r.notes();
    long firstSeq = r.takeSeq(0); // the next number, which run takes
    long[][] t = run(s, n, ExecutionMode.SYNC, r, ProgressListener.NONE, Phases.LAYERS);
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
      OrtProfile.Run run = mine.get(i);
      nodesPerInference = Math.max(nodesPerInference, run.nodes().size());
      if (layers != null) {
        logLayers(firstSeq + i, run, a, r);
        continue;
      }
      List<OrtProfile.NodeTime> nodes = run.nodes();
      for (int k = 0; k < nodes.size(); k++) {
        OrtProfile.NodeTime nt = nodes.get(k);
        r.log()
            .layer(
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

  /** One run's kernels as the model's layers ({@link OrtLayers}): one event per layer. */
  private void logLayers(long seq, OrtProfile.Run run, ClockAlignment a, Recording r) {
    List<OrtLayers.Time> times = layers.map(run);
    unmatchedKernels = Math.max(unmatchedKernels, layers.unmatched());
    int zero = 0;
    for (int l = 0; l < times.size(); l++) {
      OrtLayers.Time t = times.get(l);
      io.inferwatt.core.model.LayerSpec spec = layers.layers().get(l);
      zero += t.startUs() < 0 ? 1 : 0;
      r.log()
          .layer(
              new LayerEvent(
                  seq,
                  l,
                  spec.name(),
                  spec.type(),
                  t.durUs() * 1000,
                  t.startUs() < 0
                      ? OptionalLong.empty()
                      : OptionalLong.of(a.toMonotonicNs(t.startUs()))));
    }
    fusedLayers = Math.max(fusedLayers, zero);
  }

  /** Layer-phase cycles: as asked, or as many as the fastest layer needs for its samples. */
  private int layerCycles(Protocol p, List<String> notes) throws OrtException {
    if (p.layerCycles() > 0) {
      return p.layerCycles();
    }
    if (feed == null) {
      return Math.max(1, Math.min(p.maxLayerCycles(), p.minSamplesPerLayer()));
    }
    long fastestUs = Long.MAX_VALUE;
    try (OrtSession pilot = sessions.open(bytes, profileDir)) {
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
}
