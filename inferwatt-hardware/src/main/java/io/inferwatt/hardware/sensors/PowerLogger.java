package io.inferwatt.hardware.sensors;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.PowerSample;
import io.inferwatt.hardware.Rail;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The power logger: one named daemon thread per source, each reading on absolute deadlines ({@code
 * next += period}, so one slow read does not shift the rest, and a slow source never holds up a
 * fast one), recording the real start and end of every read in monotonic ns, and handing {@link
 * PowerSample}s to the consumer through one bounded queue that counts what it had no room for.
 *
 * <p>{@link #drainOrdered} merges the sources into time order, which means holding a sample back
 * until every other source has read past its time. When a source stalls (a read that blocks), that
 * wait has no end, so the merge holds at most {@link Options#queueCapacity()} samples: beyond that
 * the oldest go out anyway, and a sample of the stalled source that arrives after the merge has
 * passed its time is dropped and counted in that source's {@link SourceStats#droppedSamples()}.
 *
 * <p>Samples are indexed like {@link #rails()}: the rails of every source, in the order of the
 * sources; a sample from one source is NaN in every other source's rails. A sample's {@code tNs} is
 * the middle of its read, or its end for sources that wait for the sensor's next value ({@code
 * tegrastats}). A failed read is counted and recorded as NaN; when every read of a source fails for
 * {@link Options#failAfter()}, that source's thread stops and {@link #failure()} says why.
 *
 * <p>{@link #start()} and {@link #close()} may be called more than once. The consumer methods
 * ({@link #poll}, {@link #drainOrdered}) are for one consumer thread. The logger does not own the
 * sources: close them after the logger.
 */
public final class PowerLogger implements AutoCloseable {

  /** Default period when the source does not say how often it updates, in ns. */
  static final long UNKNOWN_UPDATE_PERIOD_NS = 5_000_000L;

  /** The fastest default period, in ns (a period asked for explicitly may be shorter). */
  static final long MIN_DEFAULT_PERIOD_NS = 1_000_000L;

  /** The slowest default period, in ns. */
  static final long MAX_DEFAULT_PERIOD_NS = 100_000_000L;

  private static final long PUBLISH_EVERY_NS = 200_000_000L;

  /**
   * How the logger reads.
   *
   * @param period the time between reads of every source; {@link Duration#ZERO} reads back to back;
   *     null reads each source as fast as it updates (its {@link PowerSource#updatePeriodNs()},
   *     between 1 and 100 ms; 5 ms when not known)
   * @param queueCapacity samples the hand-off queue holds before it drops, and samples the ordered
   *     merge holds back while a source lags
   * @param failAfter how long every read of a source may fail before its thread gives up
   */
  public record Options(Duration period, int queueCapacity, Duration failAfter) {

    public Options {
      if (period != null && period.isNegative()) {
        throw new BadInputException("period " + period + " is negative");
      }
      if (queueCapacity < 1) {
        throw new IllegalArgumentException("queue capacity " + queueCapacity + " is below 1");
      }
      if (failAfter == null || failAfter.isNegative()) {
        throw new IllegalArgumentException("failAfter " + failAfter + " must be 0 or more");
      }
    }

    /** Each source at its own update period, a queue of 65536 samples, failing after 5 s. */
    public static Options defaults() {
      return new Options(null, 1 << 16, Duration.ofSeconds(5));
    }

    /** The same with another period (null: per source). */
    public Options withPeriod(Duration p) {
      return new Options(p, queueCapacity, failAfter);
    }

    /** The same with another queue capacity. */
    public Options withQueueCapacity(int capacity) {
      return new Options(period, capacity, failAfter);
    }

    /** The same with another failure limit. */
    public Options withFailAfter(Duration d) {
      return new Options(period, queueCapacity, d);
    }
  }

  private final List<Worker> workers = new ArrayList<>();
  private final List<Rail> rails;
  private final BlockingQueue<Queued> queue;
  private final int capacity;
  private final PriorityQueue<Queued> pending =
      new PriorityQueue<>(Comparator.comparingLong(q -> q.sample().tNs()));
  private long lastEmittedNs = Long.MIN_VALUE;

  /** The newest time the merge let out before a lagging source had passed it. */
  private long forcedUpToNs = Long.MIN_VALUE;

  private boolean started;
  private boolean closed;

  private PowerLogger(List<PowerSource> sources, Options options) {
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("no power source to log");
    }
    capacity = options.queueCapacity();
    queue = new ArrayBlockingQueue<>(capacity);
    int width = sources.stream().mapToInt(s -> s.rails().size()).sum();
    int offset = 0;
    for (PowerSource s : sources) {
      workers.add(
          new Worker(
              s, offset, width, periodNs(s, options.period()), options.failAfter().toNanos()));
      offset += s.rails().size();
    }
    rails = railsOf(sources);
  }

  /**
   * The rails a logger of {@code sources} writes, in order; a name that two sources share gets the
   * second source's kind as prefix.
   */
  public static List<Rail> railsOf(List<PowerSource> sources) {
    List<Rail> all = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (PowerSource s : sources) {
      for (Rail r : s.rails()) {
        String name = r.name();
        if (!names.add(name)) {
          name = s.kind().replace('-', '_') + "_" + r.name();
          names.add(name);
        }
        all.add(new Rail(name, r.label(), r.covers(), r.total()));
      }
    }
    return List.copyOf(all);
  }

  /** A logger of {@code sources}; nothing is read before {@link #start()}. */
  public static PowerLogger create(List<PowerSource> sources, Options options) {
    return new PowerLogger(List.copyOf(sources), options);
  }

  /** The period a source is read at, in ns (0: back to back). */
  static long periodNs(PowerSource s, Duration asked) {
    if (s.readWaitsForValue()) {
      return 0; // the source paces itself; sleeping as well would make values stale
    }
    if (asked != null) {
      return asked.toNanos();
    }
    return defaultPeriodNs(s);
  }

  /**
   * The period a source is read at when nobody asks for one, in ns: as fast as it updates, kept
   * between 1 and 100 ms (5 ms when its update period is unknown).
   */
  public static long defaultPeriodNs(PowerSource s) {
    OptionalLong u = s.updatePeriodNs();
    long p = u.isPresent() ? u.getAsLong() : UNKNOWN_UPDATE_PERIOD_NS;
    return Math.max(MIN_DEFAULT_PERIOD_NS, Math.min(MAX_DEFAULT_PERIOD_NS, p));
  }

  /**
   * The rails of every sample, in order; a name that two sources share gets the second source's
   * kind as prefix.
   */
  public List<Rail> rails() {
    return rails;
  }

  /** Starts one thread per source; a second call does nothing. */
  public synchronized void start() {
    if (started || closed) {
      return;
    }
    started = true;
    for (Worker w : workers) {
      w.thread.start();
    }
  }

  /**
   * The next sample in arrival order (not time order across sources), or null after {@code
   * timeout}.
   */
  public PowerSample poll(long timeout, TimeUnit unit) throws InterruptedException {
    Queued q = queue.poll(timeout, unit);
    return q == null ? null : q.sample();
  }

  /**
   * Hands every sample that can no longer be preceded by another to {@code sink}, in strictly
   * increasing {@code tNs} across all sources: a sample waits until every source's thread has
   * passed its time. Two samples of different sources on the same ns (rare) are separated by moving
   * the later one 1 ns on. At most {@link Options#queueCapacity()} samples are held back: beyond
   * that the oldest go out even though a stalled source has not passed them, and that source's
   * samples that arrive too late are dropped (counted in its statistics). After {@link #close()} it
   * hands over everything left.
   *
   * @return the number of samples handed over
   */
  public int drainOrdered(Consumer<PowerSample> sink) {
    long watermark = Long.MAX_VALUE;
    for (Worker w : workers) {
      watermark = Math.min(watermark, w.watermarkNs);
    }
    // read the watermarks before draining: every sample older than them is already queued
    queue.drainTo(pending);
    int n = 0;
    while (!pending.isEmpty()) {
      Queued q = pending.peek();
      PowerSample s = q.sample();
      boolean ripe = s.tNs() < watermark;
      if (!ripe && pending.size() <= capacity) {
        break;
      }
      pending.poll();
      if (s.tNs() <= forcedUpToNs) {
        q.from().late.incrementAndGet(); // its time went out while its source lagged
        continue;
      }
      if (!ripe) {
        forcedUpToNs = s.tNs();
      }
      if (s.tNs() <= lastEmittedNs) {
        s = new PowerSample(lastEmittedNs + 1, s.readStartNs(), s.readEndNs(), s.powerMw());
      }
      lastEmittedNs = s.tNs();
      sink.accept(s);
      n++;
    }
    return n;
  }

  /** Whether any source's thread is still reading. */
  public boolean running() {
    for (Worker w : workers) {
      if (w.thread.isAlive()) {
        return true;
      }
    }
    return false;
  }

  /** The first source that gave up (every read failed for too long), with its reason. */
  public Optional<String> failure() {
    for (Worker w : workers) {
      String f = w.failure;
      if (f != null) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /**
   * The self-measurement of every source's thread, in the order of the sources (updated about every
   * 0.2 s, exact after close; samples the merge dropped as too late are counted as dropped).
   */
  public List<SourceStats> stats() {
    List<SourceStats> out = new ArrayList<>();
    for (Worker w : workers) {
      SourceStats s = w.published;
      long late = w.late.get();
      out.add(late == 0 ? s : s.plusDropped(late));
    }
    return out;
  }

  /**
   * Stops every thread and waits for it (a read in progress finishes first); safe to call twice.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (Worker w : workers) {
      w.stop = true;
      LockSupport.unpark(w.thread);
    }
    for (Worker w : workers) {
      if (w.thread.isAlive()) {
        try {
          w.thread.join(10_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      w.watermarkNs = Long.MAX_VALUE;
    }
  }

  /** The number of samples the ordered merge holds back now (at most the queue capacity). */
  int heldBack() {
    return pending.size();
  }

  /** A sample with the source that read it. */
  private record Queued(Worker from, PowerSample sample) {}

  /** One source's thread and its own counters (touched only by that thread, then published). */
  private final class Worker implements Runnable {
    final PowerSource source;
    final int offset;
    final int width;
    final long periodNs;
    final long failAfterNs;
    final Thread thread;
    volatile boolean stop;
    volatile long watermarkNs = Long.MIN_VALUE;
    volatile String failure;
    volatile SourceStats published;

    /** Samples {@link #drainOrdered} dropped because they came after their time went out. */
    final AtomicLong late = new AtomicLong();

    private long reads;
    private long failedReads;
    private long dropped;
    private long missed;
    private String lastError;
    private final LogHistogram periods = new LogHistogram();
    private final LogHistogram readTimes = new LogHistogram();
    private final LogHistogram changes = new LogHistogram();

    Worker(PowerSource source, int offset, int width, long periodNs, long failAfterNs) {
      this.source = source;
      this.offset = offset;
      this.width = width;
      this.periodNs = periodNs;
      this.failAfterNs = failAfterNs;
      this.thread = new Thread(this, "inferwatt-power-" + source.kind());
      thread.setDaemon(true);
      thread.setPriority(Thread.MAX_PRIORITY);
      publish();
    }

    @Override
    public void run() {
      int n = source.rails().size();
      double[] previous = new double[n];
      Arrays.fill(previous, Double.NaN);
      long lastChangeNs = Long.MIN_VALUE;
      long lastStartNs = Long.MIN_VALUE;
      long failingSinceNs = Long.MIN_VALUE;
      long failingReads = 0;
      long nextPublishNs = System.nanoTime() + PUBLISH_EVERY_NS;
      long next = System.nanoTime();
      try {
        while (!stop) {
          if (periodNs > 0) {
            long wait;
            while (!stop && (wait = next - System.nanoTime()) > 0) {
              LockSupport.parkNanos(wait);
            }
            if (stop) {
              break;
            }
          }
          long start = System.nanoTime();
          watermarkNs = start;
          Reading r;
          try {
            r = source.readPower();
          } catch (RuntimeException e) {
            r = Reading.empty(n).withError(source.kind() + ": " + e);
          }
          long end = System.nanoTime();
          long t = source.readWaitsForValue() ? end : start + (end - start) / 2;
          double[] p = new double[width];
          Arrays.fill(p, Double.NaN);
          System.arraycopy(r.powerMw(), 0, p, offset, n);
          if (!queue.offer(new Queued(this, new PowerSample(t, start, end, p)))) {
            dropped++;
          }
          reads++;
          readTimes.add(end - start);
          if (lastStartNs != Long.MIN_VALUE) {
            periods.add(start - lastStartNs);
          }
          lastStartNs = start;
          if (changed(previous, r.powerMw())) {
            if (lastChangeNs != Long.MIN_VALUE) {
              changes.add(t - lastChangeNs);
            }
            lastChangeNs = t;
          }
          if (r.error() != null) {
            failedReads++;
            lastError = r.error();
            if (r.allMissing()) {
              if (failingSinceNs == Long.MIN_VALUE) {
                failingSinceNs = start;
              }
              failingReads++;
              if (failingReads >= 3 && end - failingSinceNs >= failAfterNs) {
                failure =
                    source.kind()
                        + ": every read failed for "
                        + Duration.ofNanos(end - failingSinceNs).toMillis()
                        + " ms; last: "
                        + r.error();
                break;
              }
            } else {
              failingSinceNs = Long.MIN_VALUE;
              failingReads = 0;
            }
          } else {
            failingSinceNs = Long.MIN_VALUE;
            failingReads = 0;
          }
          watermarkNs = end;
          if (periodNs > 0) {
            next += periodNs;
            long now = System.nanoTime();
            if (now - next > periodNs) {
              // more than one period late: skip the lost deadlines instead of reading in a burst
              long lost = (now - next) / periodNs;
              missed += lost;
              next += lost * periodNs;
            }
          }
          if (end >= nextPublishNs) {
            publish();
            nextPublishNs = end + PUBLISH_EVERY_NS;
          }
        }
      } finally {
        publish();
        watermarkNs = Long.MAX_VALUE;
      }
    }

    private boolean changed(double[] previous, double[] now) {
      boolean c = false;
      for (int i = 0; i < previous.length; i++) {
        double v = now[i];
        if (!Double.isNaN(v) && Double.compare(v, previous[i]) != 0) {
          if (!Double.isNaN(previous[i])) {
            c = true;
          }
          previous[i] = v;
        }
      }
      return c;
    }

    private void publish() {
      long cpu = -1;
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      if (Thread.currentThread() == thread && mx.isCurrentThreadCpuTimeSupported()) {
        cpu = mx.getCurrentThreadCpuTime();
      }
      published =
          new SourceStats(
              source.kind(),
              reads,
              failedReads,
              dropped,
              missed,
              periodNs,
              periods.mean(),
              periods.quantile(0.99),
              readTimes.mean(),
              readTimes.quantile(0.99),
              changes.quantile(0.5),
              cpu,
              lastError,
              failure);
    }
  }
}
