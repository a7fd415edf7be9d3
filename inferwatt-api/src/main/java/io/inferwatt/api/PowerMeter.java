package io.inferwatt.api;

import io.inferwatt.core.PowerSample;
import io.inferwatt.hardware.Rail;
import io.inferwatt.hardware.sensors.AbsentSource;
import io.inferwatt.hardware.sensors.PowerLogger;
import io.inferwatt.hardware.sensors.PowerSource;
import io.inferwatt.hardware.sensors.PowerSources;
import io.inferwatt.hardware.sensors.SourceStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import jdk.jfr.EventType;

/**
 * Measures the energy of blocks of code on this machine's power sensors (or a copied or fake sysfs
 * tree), Zeus-style: open a named {@link Window}, run the code, close it, read its {@link
 * Measurement}.
 *
 * <pre>{@code
 * try (PowerMeter meter = PowerMeter.open()) {
 *   try (Window w = meter.window("batch")) {
 *     model.run(batch);
 *   }
 *   double mj = meter.last("batch").energyMj("in");
 * }
 * }</pre>
 *
 * <p>Each sensor is read by its own power-logger thread (the same logger as {@code inferwatt log});
 * one meter thread turns the readings into running sums per rail (energy by the trapezoid rule,
 * covered time, count, sum and sum of squares), and a window is the difference of those sums
 * interpolated at its two time stamps. So opening and closing a window costs two time stamps and a
 * queue insertion, whatever the number of windows open; windows nest and overlap freely and are
 * thread-safe. A window's measurement is ready once every sensor has read past its close.
 *
 * <p>Time stamps are {@link System#nanoTime()}, the logger's time base. The optional sync hook
 * ({@link MeterOptions#sync()}) runs before each time stamp, so that work queued on a device is
 * inside the window it belongs to.
 */
public final class PowerMeter implements AutoCloseable {

  private static final EventType JFR_TYPE = EventType.getEventType(RailEnergyEvent.class);

  /** Idle power per rail subtracted from every window opened after it was set. */
  record Baseline(double[] mw, double[] sigmaMw) {}

  /** One sensor with its logger and where its rails sit in the meter's rail list. */
  private record Feed(
      PowerSource source, PowerLogger logger, int offset, int width, long resolutionNs) {}

  /** A window the meter thread is still working on. */
  private static final class Pending {
    final Window w;
    final RailHistory.Point[] from;
    final RailHistory.Point[] to;
    final List<String> notes = new ArrayList<>();

    Pending(Window w, int rails) {
      this.w = w;
      this.from = new RailHistory.Point[rails];
      this.to = new RailHistory.Point[rails];
    }
  }

  private final PowerSources.Discovery discovery;
  private final MeterOptions options;
  private final List<Feed> feeds = new ArrayList<>();
  private final List<String> railNames = new ArrayList<>();
  private final RailHistory[] histories;
  private final long resolutionNs;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Window> incoming = new ConcurrentLinkedQueue<>();
  private final List<Pending> pending = new ArrayList<>();
  private final Map<String, Window> lastClosed = new ConcurrentHashMap<>();
  private final Runnable syncHook;
  private volatile Baseline baseline;
  private volatile boolean closed;
  private volatile boolean stopped;
  private volatile String threadFailure;

  private PowerMeter(PowerSources.Discovery discovery, MeterOptions options) {
    this.discovery = discovery;
    this.options = options;
    this.syncHook = options.sync();
    int offset = 0;
    long res = 0;
    List<Long> gaps = new ArrayList<>();
    List<Rail> rails = PowerLogger.railsOf(discovery.present());
    for (PowerSource s : discovery.present()) {
      long period =
          options.period() != null ? options.period().toNanos() : PowerLogger.defaultPeriodNs(s);
      long u = Math.max(period, s.updatePeriodNs().orElse(0));
      PowerLogger logger =
          PowerLogger.create(
              List.of(s),
              PowerLogger.Options.defaults()
                  .withPeriod(options.period())
                  .withFailAfter(Duration.ofMillis(500)));
      feeds.add(new Feed(s, logger, offset, s.rails().size(), u));
      for (int i = 0; i < s.rails().size(); i++) {
        railNames.add(rails.get(offset + i).name());
        gaps.add(Math.max(10 * u, 100_000_000L));
      }
      offset += s.rails().size();
      res = Math.max(res, u);
    }
    resolutionNs = res;
    histories = new RailHistory[railNames.size()];
    for (int i = 0; i < histories.length; i++) {
      histories[i] = new RailHistory(gaps.get(i));
    }
    thread = new Thread(this::loop, "inferwatt-meter");
    thread.setDaemon(true);
    for (Feed f : feeds) {
      f.logger().start();
    }
    thread.start();
  }

  /**
   * A meter on this machine's sensors, or on the tree named by {@code INFERWATT_SYSFS_ROOT}.
   *
   * @throws IllegalStateException when no power sensor is found (the message says why each was not)
   */
  public static PowerMeter open() {
    return open(MeterOptions.defaults());
  }

  /** A meter with these options; see {@link #open()}. */
  public static PowerMeter open(MeterOptions options) {
    if (!java.nio.file.Files.isDirectory(options.root())) {
      throw new IllegalArgumentException(
          "sysfs root "
              + options.root()
              + " is not a folder: set "
              + MeterOptions.ROOT_ENV
              + " to a copied or fake /sys tree, or leave it unset for /");
    }
    PowerSources.Discovery d = PowerSources.discover(options.root());
    if (d.present().isEmpty()) {
      d.close();
      StringBuilder why = new StringBuilder();
      for (AbsentSource a : d.absent()) {
        why.append("; ").append(a.kind()).append(": ").append(a.reason());
      }
      throw new IllegalStateException(
          "no power sensor found under " + options.root() + why + " (inferwatt sensors says more)");
    }
    return new PowerMeter(d, options);
  }

  /** The rails every measurement has, in order. */
  public List<String> rails() {
    return List.copyOf(railNames);
  }

  /** The shortest window the sensors resolve, ns (see {@link Measurement#belowResolution()}). */
  public long resolutionNs() {
    return resolutionNs;
  }

  /** The power logger's self-measurement, one entry per sensor. */
  public List<SourceStats> loggerStats() {
    List<SourceStats> out = new ArrayList<>();
    for (Feed f : feeds) {
      out.addAll(f.logger().stats());
    }
    return out;
  }

  /**
   * Opens a window now (after the sync hook).
   *
   * @throws IllegalStateException when the meter is closed
   */
  public Window window(String name) {
    checkOpen();
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a window needs a non-empty name");
    }
    RailEnergyEvent[] events = null;
    if (options.jfr() && JFR_TYPE.isEnabled()) {
      events = new RailEnergyEvent[railNames.size()];
      for (int i = 0; i < events.length; i++) {
        events[i] = new RailEnergyEvent();
      }
    }
    sync();
    if (events != null) {
      for (RailEnergyEvent e : events) {
        e.begin();
      }
    }
    Window w = new Window(this, name, System.nanoTime(), events);
    w.baseline = baseline;
    incoming.add(w);
    return w;
  }

  /** Runs {@code work} in a window named {@code name} and returns its result. */
  public <T> T measure(String name, Supplier<T> work) {
    try (Window w = window(name)) {
      return work.get();
    }
  }

  /** Runs {@code work} in a window named {@code name} and returns the window's measurement. */
  public Measurement run(String name, Runnable work) {
    Window w = window(name);
    try {
      work.run();
    } finally {
      w.close();
    }
    return w.measurement();
  }

  /**
   * The measurement of the window named {@code name} closed last, waiting for it if needed.
   *
   * @throws NoSuchElementException when no window of that name was closed on this meter
   */
  public Measurement last(String name) {
    Window w = lastClosed.get(name);
    if (w == null) {
      throw new NoSuchElementException(
          "no closed window named '"
              + name
              + "' on this meter"
              + (lastClosed.isEmpty() ? "" : "; closed windows: " + lastClosed.keySet()));
    }
    return w.measurement();
  }

  /**
   * Measures the idle power for {@code d} (keep the machine quiet meanwhile) and subtracts it from
   * every window opened from now on; returns the idle measurement.
   */
  public Measurement measureIdle(Duration d) {
    Window w = window("idle-baseline");
    LockSupport.parkNanos(d.toNanos());
    w.close();
    Measurement m = w.measurement();
    double[] mw = new double[railNames.size()];
    double[] sigma = new double[railNames.size()];
    for (int i = 0; i < mw.length; i++) {
      RailEstimate r = m.rail(railNames.get(i));
      mw[i] = Double.isNaN(r.meanPowerMw()) ? 0 : r.meanPowerMw();
      sigma[i] = Double.isNaN(r.meanPowerUncertaintyMw()) ? 0 : r.meanPowerUncertaintyMw();
    }
    baseline = new Baseline(mw, sigma);
    return m;
  }

  /** Stops subtracting an idle baseline from windows opened from now on. */
  public void clearBaseline() {
    baseline = null;
  }

  void sync() {
    if (syncHook != null) {
      syncHook.run();
    }
  }

  void closed(Window w) {
    lastClosed.put(w.name(), w);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this PowerMeter is closed: open a new one to measure");
    }
  }

  /**
   * Stops the sensors, finishes every window (one still open ends now and says so) and releases the
   * sensors; safe to call twice.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    long now = System.nanoTime();
    for (Feed f : feeds) {
      f.logger().close();
    }
    stopped = true; // the loop drains what is left, then ends every window
    LockSupport.unpark(thread);
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    discovery.close();
    // windows opened after the loop ended (a race with close) still get an answer
    for (Window w; (w = incoming.poll()) != null; ) {
      w.closeAt(now);
      w.result.completeExceptionally(new IllegalStateException("the meter was closed"));
    }
  }

  private void loop() {
    try {
      while (true) {
        boolean last = stopped;
        for (int i = 0; i < feeds.size(); i++) {
          Feed f = feeds.get(i);
          f.logger().drainOrdered(s -> ingest(f, s));
        }
        for (Window w; (w = incoming.poll()) != null; ) {
          pending.add(new Pending(w, histories.length));
        }
        resolve(last);
        if (last) {
          return;
        }
        LockSupport.parkNanos(500_000L);
      }
    } catch (RuntimeException | Error e) {
      threadFailure = e.toString();
      for (Pending p : pending) {
        p.w.result.completeExceptionally(e);
      }
      throw e;
    }
  }

  private void ingest(Feed f, PowerSample s) {
    for (int r = 0; r < f.width(); r++) {
      histories[f.offset() + r].add(s.tNs(), s.powerMw(r));
    }
  }

  /** Whether a sensor's thread has stopped, so no reading will come after the newest. */
  private boolean dead(Feed f, boolean meterStopped) {
    return meterStopped || !f.logger().running();
  }

  private void resolve(boolean meterStopped) {
    // survivors are compacted in place: removing from the middle one by one would be quadratic
    // when many short windows are pending at once
    int keep = 0;
    for (int idx = 0; idx < pending.size(); idx++) {
      Pending p = pending.get(idx);
      long close = p.w.closeNs;
      if (meterStopped && close == Long.MAX_VALUE) {
        long end = Long.MIN_VALUE;
        for (RailHistory h : histories) {
          end = Math.max(end, h.latestNs());
        }
        if (p.w.closeAt(Math.max(end, p.w.openNs))) {
          p.notes.add(
              "the meter was closed while the window was open; it ends at the last reading");
          closed(p.w);
        }
        close = p.w.closeNs;
      }
      boolean done = true;
      for (Feed f : feeds) {
        boolean dead = dead(f, meterStopped);
        for (int r = f.offset(); r < f.offset() + f.width(); r++) {
          RailHistory h = histories[r];
          if (p.from[r] == null && (h.latestNs() > p.w.openNs || dead)) {
            p.from[r] = edge(h, p, p.w.openNs);
          }
          if (p.to[r] == null && close != Long.MAX_VALUE && (h.latestNs() > close || dead)) {
            p.to[r] = edge(h, p, close);
          }
          done &= p.from[r] != null && p.to[r] != null;
        }
      }
      if (done) {
        finish(p);
      } else {
        pending.set(keep++, p);
      }
    }
    pending.subList(keep, pending.size()).clear();
  }

  private RailHistory.Point edge(RailHistory h, Pending p, long ns) {
    if (!h.reaches(ns)) {
      String n = "a window edge is older than the " + RailHistory.CAPACITY + " readings kept";
      if (!p.notes.contains(n)) {
        p.notes.add(n);
      }
    }
    return h.at(ns);
  }

  private void finish(Pending p) {
    Window w = p.w;
    long duration = Math.max(0, w.closeNs - w.openNs);
    Baseline b = w.baseline;
    Map<String, RailEstimate> out = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>(p.notes);
    for (Feed f : feeds) {
      SourceStats st = f.logger().stats().get(0);
      long failedInWindow = 0;
      for (int r = f.offset(); r < f.offset() + f.width(); r++) {
        RailHistory.Point a = p.from[r];
        RailHistory.Point z = p.to[r];
        failedInWindow = Math.max(failedInWindow, z.failed() - a.failed());
        out.put(
            railNames.get(r),
            estimate(a, z, duration, f.resolutionNs(), b == null ? 0 : b.mw()[r], b, r));
      }
      if (failedInWindow > 0) {
        notes.add(
            f.source().kind()
                + " at "
                + f.source().where()
                + ": "
                + failedInWindow
                + " reads failed while the window was open"
                + (st.lastError() == null ? "" : " (last: " + st.lastError() + ")"));
      }
      if (st.failure() != null && f.logger().stats().get(0).reads() > 0) {
        boolean lostInside = false;
        for (int r = f.offset(); r < f.offset() + f.width(); r++) {
          lostInside |= histories[r].latestNs() < w.closeNs;
        }
        if (lostInside) {
          notes.add("sensor lost while the window was open: " + st.failure());
        }
      }
    }
    Measurement m =
        new Measurement(
            w.name(), w.openNs, w.closeNs, out, resolutionNs, duration < resolutionNs, notes);
    if (w.events != null) {
      int i = 0;
      for (Map.Entry<String, RailEstimate> e : out.entrySet()) {
        RailEnergyEvent ev = w.events[i++];
        ev.window = w.name();
        ev.rail = e.getKey();
        ev.energyMj = e.getValue().energyMj();
        ev.energyUncertaintyMj = e.getValue().energyUncertaintyMj();
        ev.meanPowerMw = e.getValue().meanPowerMw();
        ev.samples = e.getValue().samples();
        ev.coverage = e.getValue().coverage();
        ev.belowResolution = m.belowResolution();
        ev.commit();
      }
    }
    w.result.complete(m);
  }

  /** One rail's estimate between two points of its running sums (see {@link RailEstimate}). */
  static RailEstimate estimate(
      RailHistory.Point a,
      RailHistory.Point z,
      long durationNs,
      long updateNs,
      double baselineMw,
      Baseline b,
      int r) {
    double mwNs = z.energyMwNs() - a.energyMwNs();
    long coveredNs = z.coveredNs() - a.coveredNs();
    long n = z.n() - a.n();
    double mean = coveredNs > 0 ? mwNs / coveredNs : Double.NaN;
    double sd = 0;
    if (n >= 2) {
      double s1 = z.sum() - a.sum();
      double s2 = z.sumSq() - a.sumSq();
      double m = s1 / n;
      sd = Math.sqrt(Math.max(0, (s2 - n * m * m) / (n - 1)));
    }
    double covS = coveredNs / 1e9;
    double statMw = n >= 2 ? sd / Math.sqrt(n) : 0;
    double quantMw = 1.0 / Math.sqrt(12.0 * Math.max(n, 1));
    double edgeMj = Double.isNaN(mean) ? 0 : Math.abs(mean) * (updateNs / 1e9) / Math.sqrt(12);
    double baseMw = b == null ? 0 : b.sigmaMw()[r];
    double varMj =
        Math.pow(covS * statMw, 2)
            + Math.pow(covS * quantMw, 2)
            + 2 * edgeMj * edgeMj
            + Math.pow(covS * baseMw, 2);
    double energyMj = mwNs / 1e9 - baselineMw * covS;
    double sigmaMj = Math.sqrt(varMj);
    return new RailEstimate(
        energyMj,
        sigmaMj,
        Double.isNaN(mean) ? Double.NaN : mean - baselineMw,
        coveredNs > 0 ? sigmaMj / covS : Double.NaN,
        n,
        durationNs == 0 ? (coveredNs > 0 ? 1 : 0) : Math.min(1.0, (double) coveredNs / durationNs),
        baselineMw);
  }
}
