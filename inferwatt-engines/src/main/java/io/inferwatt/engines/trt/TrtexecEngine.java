package io.inferwatt.engines.trt;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.LayerEvent;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.Phases;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.io.FormatException;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.FeedPhases;
import io.inferwatt.engines.onnx.OnnxGraphs;
import io.inferwatt.engines.onnx.OnnxIo;
import io.inferwatt.engines.onnx.OnnxModel;
import io.inferwatt.engines.ort.ClockAlignment;
import io.inferwatt.engines.ort.SampleFeed;
import io.inferwatt.engines.runner.ProcessLauncher;
import io.inferwatt.engines.runner.Processes;
import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.Rail;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/** The {@link TrtexecRecorder} implementation. One recording at a time. */
final class TrtexecEngine implements TrtexecRecorder {
  private static final int TAIL_LINES = 20;
  private static final int ERROR_LINES = 5;
  private static final long DESTROY_GRACE_MS = 2_000;

  /** Iterations of the pilot profile that sizes an automatic layer phase. */
  private static final int PILOT_ITERATIONS = 10;

  private final Path model;
  private final TrtexecOptions options;
  private final Path trtexec;
  private final ProcessLauncher launcher;
  private final SampleFeed feed;
  private volatile Report last;

  TrtexecEngine(
      Path model, TrtexecOptions options, Path trtexec, ProcessLauncher launcher, SampleFeed feed) {
    this.model = model;
    this.options = options;
    this.trtexec = trtexec;
    this.launcher = launcher;
    this.feed = feed;
    this.last =
        new Report(
            new Trtexec.Version(0, 0, 0),
            Path.of(""),
            false,
            List.of(),
            0,
            0,
            List.of("nothing recorded yet"));
  }

  /**
   * The trtexec program: {@code exe} itself when it names a path, else the first executable of that
   * name on {@code path}.
   */
  static Path resolve(Path exe, String path) {
    String hint =
        "install TensorRT (on Jetson: JetPack puts it at "
            + TrtexecOptions.JETSON_TRTEXEC
            + ") or give its path with --trtexec PATH";
    if (exe.getNameCount() > 1 || exe.isAbsolute()) {
      if (!Files.isExecutable(exe) || Files.isDirectory(exe)) {
        throw new BadInputException(
            "trtexec " + exe + " does not exist or is not executable; " + hint);
      }
      return exe;
    }
    for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, exe.toString());
      if (Files.isExecutable(p) && !Files.isDirectory(p)) {
        return p;
      }
    }
    throw new BadInputException(
        "trtexec not found: no '"
            + exe
            + "' on PATH, and "
            + TrtexecOptions.JETSON_TRTEXEC
            + " does not exist; "
            + hint);
  }

  @Override
  public String board() {
    return "trtexec:" + model.getFileName();
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

  // ------------------------------------------------------------------ recording

  /** A failure inside a pass, turned into {@link TrtexecException} with the partial timeline. */
  private static final class PassFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Path file;
    final long line;
    final String tail;

    PassFailed(String message, Path file, long line, String tail, Throwable cause) {
      super(message, cause);
      this.file = file;
      this.line = line;
      this.tail = tail;
    }
  }

  /** State of one recording. */
  private final class Run {
    final Workload workload;
    final Protocol protocol;
    final ProgressListener listener;
    final Path work;
    final EventLog.Builder log = EventLog.builder();
    final List<PowerSample> samples = new ArrayList<>();
    final List<PassAlignment> alignments = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    long seq;
    Trtexec.Version version = new Trtexec.Version(0, 0, 0);
    Path engine = Path.of("");
    boolean built;
    int layerCycles;
    long profiled;
    String shapes; // --shapes value for a dynamic batch dimension, or null

    Run(Workload workload, Protocol protocol, ProgressListener listener, Path work) {
      this.workload = workload;
      this.protocol = protocol;
      this.listener = listener;
      this.work = work;
    }
  }

  @Override
  public synchronized Timeline record(
      Workload workload, Protocol protocol, ProgressListener listener) {
    if (workload.input() != InputKind.FIXED_RANDOM) {
      throw new BadInputException(
          "trtexec feeds its own random input; input '"
              + workload.input().id()
              + "' is not supported with the trtexec engine (use fixed-random)");
    }
    Path work;
    try {
      work = Files.createTempDirectory("inferwatt-trtexec");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create a folder for trtexec's exports: " + e.getMessage(), e);
    }
    Run run = new Run(workload, protocol, listener, work);
    if (feed == null) {
      run.notes.add(FeedPhases.NO_FEED_NOTE);
    }
    try {
      run.version = version(run);
      engine(run);
      latencyPass(run);
      run.layerCycles = layerCycles(run);
      if (feed != null) {
        powerPass(run);
      }
      layerPass(run);
    } catch (PassFailed f) {
      last = report(run);
      String tail = f.tail == null ? "" : f.tail;
      throw new TrtexecException(f.getMessage(), timeline(run), f.file, f.line, tail, f.getCause());
    }
    last = report(run);
    Processes.deleteQuietly(work);
    return timeline(run);
  }

  private Report report(Run r) {
    return new Report(
        r.version, r.engine, r.built, r.alignments, r.layerCycles, r.profiled, r.notes);
  }

  private Timeline timeline(Run r) {
    return FeedPhases.timeline(feed, r.samples, r.log.build());
  }

  /** Runs {@code trtexec --help} and reads the version from its banner. */
  private Trtexec.Version version(Run r) {
    Finished f = launch(r, "version", List.of(trtexec.toString(), "--help"), false);
    String text = String.join("\n", f.out) + "\n" + String.join("\n", f.err);
    return Trtexec.parseVersion(text)
        .orElseThrow(
            () ->
                new PassFailed(
                    "cannot tell the TensorRT version from the output of "
                        + trtexec
                        + " --help (no '[TensorRT vNNNN]' banner)",
                    null,
                    0,
                    lastLines(f),
                    null));
  }

  /** Finds the engine in the cache or builds it there. */
  private void engine(Run r) {
    OnnxModel onnx = OnnxIo.read(model);
    java.util.Set<String> init = new java.util.HashSet<>();
    onnx.initializers().forEach(t -> init.add(t.name()));
    List<OnnxModel.ValueInfo> inputs =
        onnx.inputs().stream().filter(v -> !init.contains(v.name())).toList();
    int batch = r.workload.batch();
    Path source = model;
    if (inputs.size() == 1 && !inputs.get(0).dims().isEmpty()) {
      List<Long> dims = inputs.get(0).dims();
      if (dims.get(0) < 1) { // a dynamic batch: trtexec takes the shape at build and at run
        StringBuilder s = new StringBuilder(inputs.get(0).name()).append(':').append(batch);
        dims.subList(1, dims.size()).forEach(d -> s.append('x').append(d));
        r.shapes = s.toString();
      } else if (dims.get(0) != batch) {
        source = r.work.resolve("model-b" + batch + ".onnx");
        OnnxIo.write(OnnxGraphs.withBatch(onnx, batch), source);
      }
    } else if (batch != 1) {
      throw new BadInputException(model + ": batch " + batch + " needs a model with one input");
    }
    String stem = model.getFileName().toString().replaceFirst("\\.onnx$", "");
    String key =
        stem
            + "-"
            + sha256(model).substring(0, 16)
            + "-trt"
            + r.version
            + "-b"
            + batch
            + "-"
            + options.precision();
    r.engine = options.engineCache().resolve(key + ".engine");
    if (Files.isRegularFile(r.engine)) {
      r.notes.add(
          "engine " + r.engine.getFileName() + " taken from the cache " + options.engineCache());
      return;
    }
    try {
      Files.createDirectories(options.engineCache());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create the engine cache " + options.engineCache() + ": " + e.getMessage(), e);
    }
    Path partial = options.engineCache().resolve(key + ".engine.partial");
    List<String> argv =
        new ArrayList<>(List.of(trtexec.toString(), "--onnx=" + source, "--saveEngine=" + partial));
    if (!options.precision().equals("fp32")) {
      argv.add("--" + options.precision());
    }
    if (r.shapes != null) {
      argv.add("--shapes=" + r.shapes);
    }
    // --skipInference since 8.5 (it replaced --buildOnly, which later releases dropped)
    argv.add(r.version.atLeast(8, 5) ? "--skipInference" : "--buildOnly");
    r.listener.progress("build", 0, 1);
    launch(r, "build", argv, true);
    try {
      if (!Files.isRegularFile(partial)) {
        throw new PassFailed(
            "trtexec built no engine: " + partial + " is missing after the build",
            partial,
            0,
            "",
            null);
      }
      // a half-written engine never carries the final name, so a crash mid-build is rebuilt next
      // time
      Files.move(
          partial, r.engine, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot store the engine " + r.engine + ": " + e.getMessage(), e);
    }
    r.built = true;
    r.listener.progress("build", 1, 1);
    r.notes.add("engine built with TensorRT " + r.version + " and cached as " + r.engine);
  }

  private List<String> runArgs(Run r, int iterations) {
    List<String> argv =
        new ArrayList<>(
            List.of(
                trtexec.toString(),
                "--loadEngine=" + r.engine,
                "--iterations=" + iterations,
                "--duration=0",
                "--warmUp=" + options.warmupMs()));
    if (r.shapes != null) {
      argv.add("--shapes=" + r.shapes);
    }
    if (r.workload.mode() == ExecutionMode.ASYNC) {
      argv.add((r.version.atLeast(8, 6) ? "--infStreams=" : "--streams=") + 2); // renamed in 8.6
    }
    return argv;
  }

  private void latencyPass(Run r) {
    Path times = r.work.resolve("latency.times.json");
    List<String> argv = runArgs(r, Math.max(1, r.protocol.latencyCycles()));
    argv.add("--exportTimes=" + times);
    r.listener.progress(Phases.LATENCY, 0, r.protocol.latencyCycles());
    Finished f = launch(r, Phases.LATENCY, argv, true);
    List<Trtexec.Iteration> it = readTimes(r, times, f);
    PassAlignment a = place(Phases.LATENCY, it, f.launchNs, f.exitNs, List.of(), -1);
    r.alignments.add(a);
    long offset = a.applied().offsetNs();
    if (!it.isEmpty()) {
      long firstNs = offset + ms(it.get(0).startH2dMs());
      if (firstNs > offset) {
        r.log.phase(new PhaseEvent(Phases.WARMUP, offset, firstNs));
      }
    }
    logInferences(r, Phases.LATENCY, it, offset);
    r.listener.progress(Phases.LATENCY, it.size(), it.size());
  }

  private void powerPass(Run r) {
    Path times = r.work.resolve("power.times.json");
    List<String> argv = runArgs(r, Math.max(1, r.protocol.powerCycles()));
    argv.add("--exportTimes=" + times);
    r.listener.progress(Phases.POWER, 0, r.protocol.powerCycles());
    List<PowerSample> s = new ArrayList<>();
    Finished f;
    feed.start();
    try {
      f = launch(r, Phases.POWER, argv, true);
    } finally {
      s.addAll(feed.stop());
      r.samples.addAll(s);
    }
    List<Trtexec.Iteration> it = readTimes(r, times, f);
    PassAlignment a = place(Phases.POWER, it, f.launchNs, f.exitNs, s, gpuRail());
    r.alignments.add(a);
    logInferences(r, Phases.POWER, it, a.applied().offsetNs());
    r.listener.progress(Phases.POWER, it.size(), it.size());
  }

  private void layerPass(Run r) {
    Path times = r.work.resolve("layers.times.json");
    Path profile = r.work.resolve("layers.profile.json");
    List<String> argv = runArgs(r, r.layerCycles);
    argv.add("--exportTimes=" + times);
    argv.add("--exportProfile=" + profile);
    if (r.version.major()
        < 11) { // 11.0+ always profiles in a separate run (the flag is a no-op there)
      argv.add("--separateProfileRun");
    }
    r.listener.progress(Phases.LAYERS, 0, r.layerCycles);
    List<PowerSample> s = new ArrayList<>();
    Finished f;
    if (feed != null) {
      feed.start();
    }
    Optional<PhaseEvent> idle;
    try {
      f = launch(r, Phases.LAYERS, argv, true);
      idle = FeedPhases.idle(feed, r.protocol.idleNs());
    } finally {
      if (feed != null) {
        s.addAll(feed.stop());
        r.samples.addAll(s);
      }
    }
    List<Trtexec.Iteration> it = readTimes(r, times, f);
    Trtexec.Profile p = readProfile(r, profile, f);
    r.profiled = p.count();
    PassAlignment a =
        place(Phases.LAYERS, it, f.launchNs, f.exitNs, s, feed == null ? -1 : gpuRail());
    r.alignments.add(a);
    long offset = a.applied().offsetNs();
    long firstSeq = r.seq;
    logInferences(r, Phases.LAYERS, it, offset);
    double sumMs = 0;
    for (Trtexec.LayerTime l : p.layers()) {
      sumMs += l.averageMs();
    }
    double computeMs =
        it.stream().mapToDouble(Trtexec.Iteration::computeMs).average().orElse(Double.NaN);
    r.notes.add(
        String.format(
            Locale.ROOT,
            "per-layer times are the means of %d profiled iterations (%d layers, "
                + "%.4f ms in all against a mean compute time of %.4f ms), laid into each of the %d timed iterations from its "
                + "compute start",
            p.count(),
            p.layers().size(),
            sumMs,
            computeMs,
            it.size()));
    for (int i = 0; i < it.size(); i++) {
      long t = offset + ms(it.get(i).startComputeMs());
      for (int k = 0; k < p.layers().size(); k++) {
        Trtexec.LayerTime l = p.layers().get(k);
        long d = Math.max(0, Math.round(l.averageMs() * 1e6));
        r.log.layer(
            new LayerEvent(firstSeq + i, k, l.name(), layerType(l.name()), d, OptionalLong.of(t)));
        t += d;
      }
    }
    idle.ifPresent(r.log::phase);
    r.listener.progress(Phases.LAYERS, it.size(), it.size());
  }

  /**
   * Layer-phase iterations: as asked, or as many as the fastest layer needs (from a short pilot
   * profile).
   */
  private int layerCycles(Run r) {
    Protocol p = r.protocol;
    if (p.layerCycles() > 0) {
      return p.layerCycles();
    }
    if (feed == null) {
      return Math.max(1, Math.min(p.maxLayerCycles(), p.minSamplesPerLayer()));
    }
    Path profile = r.work.resolve("pilot.profile.json");
    List<String> argv = runArgs(r, PILOT_ITERATIONS);
    argv.add("--exportProfile=" + profile);
    Finished f = launch(r, "pilot", argv, true);
    double fastestMs =
        readProfile(r, profile, f).layers().stream()
            .mapToDouble(Trtexec.LayerTime::averageMs)
            .filter(x -> x > 0)
            .min()
            .orElse(1e-3);
    double needed =
        Math.ceil(p.minSamplesPerLayer() * (feed.periodNs() / 1e6) / Math.max(1e-3, fastestMs));
    if (needed > p.maxLayerCycles()) {
      r.notes.add(
          String.format(
              Locale.ROOT,
              "the fastest layer (%.4f ms) needs %d cycles for %d samples; capped at %d",
              fastestMs,
              (long) needed,
              p.minSamplesPerLayer(),
              p.maxLayerCycles()));
      return Math.max(1, p.maxLayerCycles());
    }
    return (int) Math.max(1, needed);
  }

  private void logInferences(Run r, String phase, List<Trtexec.Iteration> it, long offset) {
    if (it.isEmpty()) {
      return;
    }
    long first = Long.MAX_VALUE;
    long lastNs = Long.MIN_VALUE;
    for (Trtexec.Iteration i : it) {
      long s = offset + ms(i.startH2dMs());
      long e = Math.max(s, offset + ms(i.endD2hMs()));
      r.log.inference(new InferenceEvent(r.seq++, s, e, r.workload.batch()));
      first = Math.min(first, s);
      lastNs = Math.max(lastNs, e);
    }
    r.log.phase(new PhaseEvent(phase, first, lastNs));
  }

  // ------------------------------------------------------------------ placement

  /**
   * Places one pass on the monotonic base: the launch bracket always, the power trace where there
   * is one with samples inside the pass; the tighter of the two consistent placements wins.
   *
   * @param rail the rail to correlate with, or -1 for none
   */
  static PassAlignment place(
      String phase,
      List<Trtexec.Iteration> it,
      long launchNs,
      long exitNs,
      List<PowerSample> samples,
      int rail) {
    double lastMs = 0;
    for (Trtexec.Iteration i : it) {
      lastMs = Math.max(lastMs, Math.max(i.endD2hMs(), Math.max(i.endEnqMs(), i.endComputeMs())));
    }
    // The run started after the launch and its last iteration ended before the exit was seen.
    ClockAlignment bracket =
        ClockAlignment.fromBrackets(
            new long[] {launchNs},
            new long[] {exitNs},
            new long[] {0},
            new long[] {(long) Math.ceil(lastMs * 1000)});
    if (rail < 0 || it.isEmpty()) {
      return new PassAlignment(phase, bracket, "launch bracket", bracket, Optional.empty());
    }
    List<PowerSample> inside =
        samples.stream().filter(s -> s.tNs() >= launchNs && s.tNs() <= exitNs).toList();
    if (inside.size() < 2) {
      return new PassAlignment(phase, bracket, "launch bracket", bracket, Optional.empty());
    }
    List<double[]> windows = new ArrayList<>(it.size());
    for (Trtexec.Iteration i : it) {
      windows.add(new double[] {i.startComputeMs(), i.endComputeMs()});
    }
    long lo = launchNs;
    long hi = Math.max(lo, exitNs - Math.round(lastMs * 1e6));
    ClockAlignment trace = TraceAlignment.align(windows, inside, rail, lo, hi);
    boolean useTrace =
        trace.consistent()
            && (!bracket.consistent() || trace.uncertaintyNs() < bracket.uncertaintyNs());
    return new PassAlignment(
        phase,
        useTrace ? trace : bracket,
        useTrace ? "power trace" : "launch bracket",
        bracket,
        Optional.of(trace));
  }

  /** The rail the GPU's work shows on best: {@code gpu}, a rail naming the GPU, else the first. */
  private int gpuRail() {
    List<String> rails = feed.rails();
    for (int i = 0; i < rails.size(); i++) {
      if (rails.get(i).equals("gpu")) {
        return i;
      }
    }
    for (int i = 0; i < rails.size(); i++) {
      if (rails.get(i).contains("gpu")) {
        return i;
      }
    }
    return 0;
  }

  // ------------------------------------------------------------------ exports

  private List<Trtexec.Iteration> readTimes(Run r, Path file, Finished f) {
    List<Trtexec.Iteration> it;
    try (InputStream in = Files.newInputStream(file)) {
      it = Trtexec.parseTimes(in, file.toString());
    } catch (NoSuchFileException e) {
      throw new PassFailed(
          "trtexec wrote no " + file + " (--exportTimes)", file, 0, lastLines(f), e);
    } catch (FormatException e) {
      throw new PassFailed(e.getMessage(), file, e.line(), lastLines(f), e);
    } catch (IOException e) {
      throw new PassFailed("cannot read " + file + ": " + e.getMessage(), file, 0, lastLines(f), e);
    }
    if (!r.version.atLeast(8, 5)) { // up to 8.4 the export holds the warm-up iterations too
      double w = options.warmupMs();
      it = it.stream().filter(i -> i.startComputeMs() >= w).toList();
    }
    if (it.isEmpty()) {
      throw new PassFailed(file + " holds no timed iteration", file, 0, lastLines(f), null);
    }
    return it;
  }

  private Trtexec.Profile readProfile(Run r, Path file, Finished f) {
    try (InputStream in = Files.newInputStream(file)) {
      return Trtexec.parseProfile(in, file.toString());
    } catch (NoSuchFileException e) {
      throw new PassFailed(
          "trtexec wrote no " + file + " (--exportProfile)", file, 0, lastLines(f), e);
    } catch (FormatException e) {
      throw new PassFailed(e.getMessage(), file, e.line(), lastLines(f), e);
    } catch (IOException e) {
      throw new PassFailed("cannot read " + file + ": " + e.getMessage(), file, 0, lastLines(f), e);
    }
  }

  /**
   * A layer's type from TensorRT's name for it: {@code Reformat} for reformatting nodes, else the
   * operator of the first fused ONNX node ({@code /conv1/Conv + /relu/Relu} → {@code Conv}, {@code
   * Conv_0 + Relu_1} → {@code Conv}); empty when the name says nothing.
   */
  static String layerType(String name) {
    if (name.startsWith("Reformatting") || name.contains("CopyNode")) {
      return "Reformat";
    }
    String first = name.split(" \\+ ", 2)[0].strip();
    first = first.substring(first.lastIndexOf('/') + 1).replaceFirst("_\\d+$", "");
    return first.matches("[A-Za-z][A-Za-z0-9]*") ? first : "";
  }

  // ------------------------------------------------------------------ processes

  /** A finished trtexec process. */
  private record Finished(long launchNs, long exitNs, List<String> out, List<String> err) {}

  /**
   * Starts trtexec, keeps the last lines of its output and waits for it.
   *
   * @param mustSucceed whether a non-zero exit is an error
   */
  private Finished launch(Run r, String pass, List<String> argv, boolean mustSucceed) {
    long launchNs = System.nanoTime();
    Process p;
    try {
      p = launcher.launch(argv, Map.of(), r.work);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start trtexec " + argv.get(0) + ": " + e.getMessage(), e);
    }
    LineTail out = new LineTail(p.getInputStream(), "inferwatt-trtexec-stdout");
    LineTail err = new LineTail(p.getErrorStream(), "inferwatt-trtexec-stderr");
    out.start();
    err.start();
    boolean done;
    try {
      done = p.waitFor(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Processes.destroyTree(p);
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while trtexec ran (" + pass + " pass); it was stopped", e);
    }
    long exitNs = System.nanoTime();
    if (!done) {
      Processes.destroyTree(p);
    }
    out.finish();
    err.finish();
    Finished f = new Finished(launchNs, exitNs, out.lines(), err.lines());
    if (!done) {
      throw new PassFailed(
          "trtexec ("
              + pass
              + " pass) did not finish within "
              + options.timeout().toSeconds()
              + " s and was stopped",
          null,
          0,
          lastLines(f),
          null);
    }
    if (mustSucceed && p.exitValue() != 0) {
      throw new PassFailed(
          "trtexec ("
              + pass
              + " pass) exited with status "
              + p.exitValue()
              + "; last output: "
              + String.join(" | ", lastLines(f).lines().toList()),
          null,
          0,
          lastLines(f),
          null);
    }
    return f;
  }

  /** The last lines of standard error, or of standard output when trtexec wrote no error. */
  private static String lastLines(Finished f) {
    List<String> src = f.err.isEmpty() ? f.out : f.err;
    return String.join("\n", src.subList(Math.max(0, src.size() - ERROR_LINES), src.size()));
  }

  /** Keeps the last {@link #TAIL_LINES} lines of a stream. */
  private static final class LineTail extends Thread {
    private final InputStream in;
    private final ArrayDeque<String> lines = new ArrayDeque<>();

    LineTail(InputStream in, String name) {
      super(name);
      setDaemon(true);
      this.in = in;
    }

    @Override
    public void run() {
      try (BufferedReader b =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = b.readLine()) != null) {
          synchronized (lines) {
            lines.addLast(line);
            if (lines.size() > TAIL_LINES) {
              lines.removeFirst();
            }
          }
        }
      } catch (IOException e) {
        // the process went away; what was read is kept
      }
    }

    void finish() {
      try {
        join(DESTROY_GRACE_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    List<String> lines() {
      synchronized (lines) {
        return List.copyOf(lines);
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  private static long ms(double ms) {
    return Math.round(ms * 1e6);
  }

  static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "TrtexecRecorder[" + model + ", " + trtexec + ", " + options.precision() + "]";
  }
}
