package io.inferwatt.engines.protocol;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.Phases;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.feed.FeedPhases;
import io.inferwatt.engines.feed.SampleFeed;
import io.inferwatt.hardware.Recorder.ProgressListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The measurement protocol, sequenced once for every engine that runs its inferences itself (ONNX
 * Runtime, trtexec, the virtual Nano): warm-up and latency with the power logger off, the layer
 * phase sized, then power, layers and idle with the logger on. The driver owns that order, the
 * logger's start and stop, the idle phase, the notes and the clean-up ({@link Backend#close()} runs
 * however the recording ends); an engine supplies a {@link Backend}.
 *
 * <p>The external runner is not driven here: its child process sequences the phases itself ({@code
 * docs/runners.md}), inferwatt only logs power around it and adds the idle phase.
 */
public final class ProtocolDriver {

  private ProtocolDriver() {}

  /**
   * What an engine does for the driver. One backend serves one recording; its methods are called in
   * protocol order, each at most once, and {@link #close()} always last.
   */
  public interface Backend extends AutoCloseable {

    /** Now on the recording's time base: the monotonic clock, or a virtual board's own. */
    default long nowNs() {
      return System.nanoTime();
    }

    /** Prepares the first phase (reads the model, builds the engine); may add notes. */
    default void open(Recording r) {}

    /**
     * Runs {@code n} timed inferences of {@code phase} ({@link Phases#WARMUP}, {@link
     * Phases#LATENCY} or {@link Phases#POWER}) and logs them. Returns the phase's span, or empty
     * when the backend logged the phase itself (or has none to log).
     */
    Optional<Span> timed(String phase, int n, Recording r);

    /** How many inferences the layer phase runs (as asked, or sized by a short pilot). */
    int layerCycles(Recording r);

    /**
     * Runs {@code n} profiled inferences and logs them with their layer events; as {@link #timed}.
     */
    Optional<Span> profiled(int n, Recording r);

    /**
     * Sleeps through (or simulates) {@code ns} of the idle phase with the logger on; empty when
     * there is no idle phase to record.
     */
    default Optional<Span> idle(long ns) {
      if (ns <= 0) {
        return Optional.empty();
      }
      long start = nowNs();
      FeedPhases.sleepNs(ns);
      return Optional.of(new Span(start, nowNs()));
    }

    /**
     * The logger has stopped: {@code samples} is all it logged (empty without a logger). Called
     * once, also after a failure, so that passes placed by the power trace can be logged.
     */
    default void logged(List<PowerSample> samples, Recording r) {}

    /** The exception to throw for {@code e}, given what was recorded before it. */
    default RuntimeException failed(RuntimeException e, Timeline partial, Recording r) {
      return e;
    }

    /** Frees what the recording used (sessions, temporary files); never throws. */
    @Override
    void close();
  }

  /** A phase's start and end, ns on the recording's time base. */
  public record Span(long startNs, long endNs) {}

  /** The state one recording shares with its backend. */
  public static final class Recording {
    private final Workload workload;
    private final Protocol protocol;
    private final ProgressListener listener;
    private final EventLog.Builder log = EventLog.builder();
    private final List<String> notes = new ArrayList<>();
    private final boolean logger;
    private long seq;

    Recording(Workload workload, Protocol protocol, ProgressListener listener, boolean logger) {
      this.workload = workload;
      this.protocol = protocol;
      this.listener = listener == null ? ProgressListener.NONE : listener;
      this.logger = logger;
    }

    public Workload workload() {
      return workload;
    }

    public Protocol protocol() {
      return protocol;
    }

    public ProgressListener listener() {
      return listener;
    }

    /** The events recorded so far. */
    public EventLog.Builder log() {
      return log;
    }

    /** Notes for a person, in the order they arose. */
    public List<String> notes() {
      return notes;
    }

    /** Whether a power logger records this recording. */
    public boolean hasLogger() {
      return logger;
    }

    /** The next inference's sequence number; {@code n} numbers are taken. */
    public long takeSeq(int n) {
      long s = seq;
      seq += n;
      return s;
    }
  }

  /**
   * Records {@code workload} under {@code protocol}.
   *
   * @param feed the power logger, or {@code null} (then the power and idle phases are skipped and a
   *     note says so)
   */
  public static Timeline record(
      Backend backend,
      SampleFeed feed,
      Workload workload,
      Protocol protocol,
      ProgressListener listener) {
    Recording r = new Recording(workload, protocol, listener, feed != null);
    if (feed == null) {
      r.notes.add(FeedPhases.NO_FEED_NOTE);
    }
    List<PowerSample> samples = List.of();
    boolean handedOver = false;
    try (backend) {
      try {
        backend.open(r);
        phase(r, Phases.WARMUP, backend.timed(Phases.WARMUP, protocol.warmupCycles(), r));
        phase(r, Phases.LATENCY, backend.timed(Phases.LATENCY, protocol.latencyCycles(), r));
        int layerCycles = backend.layerCycles(r);
        Optional<Span> idle = Optional.empty();
        if (feed != null) {
          feed.start();
          try {
            phase(r, Phases.POWER, backend.timed(Phases.POWER, protocol.powerCycles(), r));
            phase(r, Phases.LAYERS, backend.profiled(layerCycles, r));
            idle = backend.idle(protocol.idleNs());
          } finally {
            samples = feed.stop();
          }
        } else {
          phase(r, Phases.LAYERS, backend.profiled(layerCycles, r));
        }
        handedOver = true;
        backend.logged(samples, r);
        if (idle.isPresent()) {
          phase(r, Phases.IDLE, idle);
          r.listener.progress(Phases.IDLE, protocol.idleNs(), protocol.idleNs());
        }
        return FeedPhases.timeline(feed, samples, r.log.build());
      } catch (RuntimeException e) {
        if (!handedOver) {
          try {
            backend.logged(samples, r);
          } catch (RuntimeException again) {
            e.addSuppressed(again);
          }
        }
        throw backend.failed(e, FeedPhases.timeline(feed, samples, r.log.build()), r);
      }
    }
  }

  private static void phase(Recording r, String name, Optional<Span> span) {
    span.ifPresent(s -> r.log.phase(new PhaseEvent(name, s.startNs(), s.endNs())));
  }
}
