package io.inferwatt.engines.trt;

import static io.inferwatt.engines.trt.TrtexecProcess.lastLines;

import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.LayerEvent;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.Phases;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.io.FormatException;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.engines.feed.SampleFeed;
import io.inferwatt.engines.protocol.ProtocolDriver;
import io.inferwatt.engines.protocol.ProtocolDriver.Recording;
import io.inferwatt.engines.protocol.ProtocolDriver.Span;
import io.inferwatt.engines.runner.ProcessLauncher;
import io.inferwatt.engines.runner.Processes;
import io.inferwatt.engines.trt.TrtexecProcess.Finished;
import io.inferwatt.engines.trt.TrtexecProcess.PassFailed;
import io.inferwatt.engines.trt.TrtexecRecorder.PassAlignment;
import io.inferwatt.engines.trt.TrtexecRecorder.Report;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One trtexec recording, as the protocol driver runs it: the engine built or taken from the cache,
 * then one trtexec process per pass (latency with the pass's own warm-up, a pilot profile that
 * sizes the layer pass, power, layers). The power and layer passes are placed on the monotonic base
 * once the logger has stopped, on the power trace ({@link TraceAlignment#place}). {@link #close()}
 * deletes the folder of exports, keeping only an export a failure names.
 */
final class TrtexecBackend implements ProtocolDriver.Backend {

  /** Iterations of the pilot profile that sizes an automatic layer phase. */
  private static final int PILOT_ITERATIONS = 10;

  private final Path model;
  private final TrtexecOptions options;
  private final Path trtexec;
  private final ProcessLauncher launcher;
  private final SampleFeed feed;
  private TrtexecRun run;
  private Path keep; // an export a failure names: left on disk for a person to read

  TrtexecBackend(
      Path model, TrtexecOptions options, Path trtexec, ProcessLauncher launcher, SampleFeed feed) {
    this.model = model;
    this.options = options;
    this.trtexec = trtexec;
    this.launcher = launcher;
    this.feed = feed;
  }

  /** What this recording noted, so far. */
  Report report() {
    TrtexecRun r = run;
    if (r == null) {
      return new Report(
          new Trtexec.Version(0, 0, 0), Path.of(""), false, List.of(), 0, 0, List.of());
    }
    return new Report(
        r.version, r.engine, r.built, r.alignments, r.layerCycles, r.profiled, r.notes);
  }

  @Override
  public void open(Recording rec) {
    Path work;
    try {
      work = Files.createTempDirectory("inferwatt-trtexec");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create a folder for trtexec's exports: " + e.getMessage(), e);
    }
    run = new TrtexecRun(rec, work);
    run.version = TrtexecBuild.version(run, trtexec, this::launch);
    TrtexecBuild.engine(run, model, options, trtexec, this::launch);
  }

  @Override
  public Optional<Span> timed(String phase, int n, Recording rec) {
    switch (phase) {
      case Phases.LATENCY -> latencyPass(run);
      case Phases.POWER -> powerPass(run);
      default -> {
        // the warm-up is the latency pass's own (--warmUp ms), logged with it
      }
    }
    return Optional.empty(); // each pass logs its phase from its own iterations
  }

  @Override
  public int layerCycles(Recording rec) {
    run.layerCycles = layerCycles(run);
    return run.layerCycles;
  }

  @Override
  public Optional<Span> profiled(int n, Recording rec) {
    layerPass(run);
    return Optional.empty();
  }

  @Override
  public void logged(List<PowerSample> samples, Recording rec) {
    if (run == null) {
      return;
    }
    if (run.power != null) {
      logPowerPass(run, samples);
    }
    if (run.layers != null) {
      logLayerPass(run, samples);
    }
  }

  @Override
  public RuntimeException failed(RuntimeException e, Timeline partial, Recording rec) {
    if (!(e instanceof PassFailed f)) {
      return e;
    }
    if (f.file != null && run != null && f.file.startsWith(run.work)) {
      keep = f.file;
    }
    String tail = f.tail == null ? "" : f.tail;
    TrtexecException t =
        new TrtexecException(f.getMessage(), partial, f.file, f.line, tail, f.getCause());
    for (Throwable s : e.getSuppressed()) {
      t.addSuppressed(s);
    }
    return t;
  }

  @Override
  public void close() {
    if (run == null) {
      return;
    }
    if (keep == null) {
      Processes.deleteQuietly(run.work);
      return;
    }
    try (var files = Files.list(run.work)) {
      for (Path f : files.toList()) {
        if (!f.equals(keep)) {
          Processes.deleteQuietly(f);
        }
      }
    } catch (IOException e) {
      // a leftover temporary file is not worth hiding the failure for
    }
  }

  private Finished launch(TrtexecRun r, String pass, List<String> argv, boolean mustSucceed) {
    return TrtexecProcess.launch(launcher, options.timeout(), r.work, pass, argv, mustSucceed);
  }

  private List<String> runArgs(TrtexecRun r, int iterations) {
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

  private void latencyPass(TrtexecRun r) {
    Path times = r.work.resolve("latency.times.json");
    List<String> argv = runArgs(r, Math.max(1, r.protocol.latencyCycles()));
    argv.add("--exportTimes=" + times);
    r.listener.progress(Phases.LATENCY, 0, r.protocol.latencyCycles());
    Finished f = launch(r, Phases.LATENCY, argv, true);
    List<Trtexec.Iteration> it = readTimes(r, times, f);
    PassAlignment a =
        TraceAlignment.place(Phases.LATENCY, it, f.launchNs(), f.exitNs(), List.of(), -1);
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

  /** The power pass: run now, placed once the logger's samples are in ({@link #logged}). */
  private void powerPass(TrtexecRun r) {
    Path times = r.work.resolve("power.times.json");
    List<String> argv = runArgs(r, Math.max(1, r.protocol.powerCycles()));
    argv.add("--exportTimes=" + times);
    r.listener.progress(Phases.POWER, 0, r.protocol.powerCycles());
    Finished f = launch(r, Phases.POWER, argv, true);
    List<Trtexec.Iteration> it = readTimes(r, times, f);
    r.power = new TrtexecRun.Pass(f, it, null);
    r.listener.progress(Phases.POWER, it.size(), it.size());
  }

  /** The layer pass: run now, placed once the logger's samples are in ({@link #logged}). */
  private void layerPass(TrtexecRun r) {
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
    Finished f = launch(r, Phases.LAYERS, argv, true);
    List<Trtexec.Iteration> it = readTimes(r, times, f);
    Trtexec.Profile p = readProfile(r, profile, f);
    r.profiled = p.count();
    r.layers = new TrtexecRun.Pass(f, it, p);
    r.listener.progress(Phases.LAYERS, it.size(), it.size());
  }

  /** Places the power pass on its samples and logs it. */
  private void logPowerPass(TrtexecRun r, List<PowerSample> s) {
    TrtexecRun.Pass pass = r.power;
    PassAlignment a =
        TraceAlignment.place(
            Phases.POWER, pass.it(), pass.f().launchNs(), pass.f().exitNs(), s, gpuRail());
    r.alignments.add(a);
    logInferences(r, Phases.POWER, pass.it(), a.applied().offsetNs());
  }

  /** Places the layer pass (on its samples, where power was logged) and logs its layers. */
  private void logLayerPass(TrtexecRun r, List<PowerSample> s) {
    List<Trtexec.Iteration> it = r.layers.it();
    Trtexec.Profile p = r.layers.profile();
    Finished f = r.layers.f();
    PassAlignment a =
        TraceAlignment.place(
            Phases.LAYERS, it, f.launchNs(), f.exitNs(), s, feed == null ? -1 : gpuRail());
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
            new LayerEvent(
                firstSeq + i,
                k,
                l.name(),
                TrtexecEngine.layerType(l.name()),
                d,
                OptionalLong.of(t)));
        t += d;
      }
    }
  }

  /**
   * Layer-phase iterations: as asked, or as many as the fastest layer needs (from a short pilot
   * profile).
   */
  private int layerCycles(TrtexecRun r) {
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

  private void logInferences(TrtexecRun r, String phase, List<Trtexec.Iteration> it, long offset) {
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

  private List<Trtexec.Iteration> readTimes(TrtexecRun r, Path file, Finished f) {
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

  private Trtexec.Profile readProfile(TrtexecRun r, Path file, Finished f) {
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

  private static long ms(double ms) {
    return Math.round(ms * 1e6);
  }
}
