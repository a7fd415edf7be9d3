package io.inferwatt.api;

import io.inferwatt.core.PowerSample;
import io.inferwatt.hardware.sensors.SourceStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The meter's one thread: drains every sensor's logger into the rails' running sums ({@link
 * RailHistory}), places each window's two edges once every sensor has read past them, notes what
 * went wrong meanwhile and completes the window with its {@link Edges}. The {@link Measurement} is
 * built from them when someone asks ({@link #measurement}), so a window nobody reads costs this
 * thread only its edges; with JFR on it is built here, to commit the events. Windows reach the
 * thread through a lock-free queue, so opening and closing one never waits for it.
 */
final class MeterLoop {

  /**
   * A window's running sums at its two edges, per rail, and what went wrong meanwhile; complete
   * once every edge is placed.
   */
  static final class Edges {
    final Window w;
    final RailHistory.Point[] from;
    final RailHistory.Point[] to;
    private List<String> notes; // null while there is nothing to say: most windows

    Edges(Window w, int rails) {
      this.w = w;
      this.from = new RailHistory.Point[rails];
      this.to = new RailHistory.Point[rails];
    }

    void note(String n) {
      if (notes == null) {
        notes = new ArrayList<>(2);
      }
      if (!notes.contains(n)) {
        notes.add(n);
      }
    }

    List<String> notes() {
      return notes == null ? List.of() : notes;
    }
  }

  private final Sensors sensors;
  private final RailHistory[] histories;
  private final Consumer<Window> closedByMeter;

  /**
   * Windows opened and not yet finished, at most: beyond it an opener waits for the meter's thread
   * (up to {@link #MAX_WAIT_NS} per window, so that a program holding that many windows open is
   * slowed, never stopped), so that windows opened faster than the thread can finish them hold the
   * opener back instead of filling the heap.
   */
  static final int MAX_IN_FLIGHT = 1 << 16;

  static final long MAX_WAIT_NS = 10_000_000L;

  private final ConcurrentLinkedQueue<Window> incoming = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final List<Edges> pending = new ArrayList<>();
  private final Thread thread;
  private volatile boolean stopped;

  /**
   * @param closedByMeter told of each window the meter's close ended (to be found by name)
   */
  MeterLoop(Sensors sensors, Consumer<Window> closedByMeter) {
    this.sensors = sensors;
    this.closedByMeter = closedByMeter;
    histories = new RailHistory[sensors.railNames.size()];
    for (int i = 0; i < histories.length; i++) {
      histories[i] = new RailHistory(sensors.maxGapNs.get(i));
    }
    thread = new Thread(this::loop, "inferwatt-meter");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Hands a newly opened window to the thread. */
  void add(Window w) {
    if (inFlight.get() >= MAX_IN_FLIGHT) {
      long until = System.nanoTime() + MAX_WAIT_NS;
      while (inFlight.get() >= MAX_IN_FLIGHT
          && !stopped
          && thread.isAlive()
          && System.nanoTime() < until) {
        LockSupport.parkNanos(100_000L);
      }
    }
    inFlight.incrementAndGet();
    incoming.add(w);
  }

  /**
   * Lets the thread drain what the (stopped) loggers left, end every window still open at the last
   * reading and finish all of them; then answers windows that raced with the close.
   */
  void stop(long nowNs) {
    stopped = true;
    LockSupport.unpark(thread);
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Window w; (w = incoming.poll()) != null; ) {
      w.closeAt(nowNs);
      w.result.completeExceptionally(new IllegalStateException("the meter was closed"));
    }
  }

  private void loop() {
    try {
      while (true) {
        boolean last = stopped;
        for (Sensors.Feed f : sensors.feeds) {
          f.logger().drainOrdered(s -> ingest(f, s));
        }
        for (Window w; (w = incoming.poll()) != null; ) {
          pending.add(new Edges(w, histories.length));
        }
        resolve(last);
        if (last) {
          return;
        }
        LockSupport.parkNanos(500_000L);
      }
    } catch (RuntimeException | Error e) {
      for (Edges p : pending) {
        p.w.result.completeExceptionally(e);
      }
      throw e;
    }
  }

  private void ingest(Sensors.Feed f, PowerSample s) {
    for (int r = 0; r < f.width(); r++) {
      histories[f.offset() + r].add(s.tNs(), s.powerMw(r));
    }
  }

  private void resolve(boolean meterStopped) {
    // survivors are compacted in place: removing from the middle one by one would be quadratic
    // when many short windows are pending at once
    int keep = 0;
    for (int idx = 0; idx < pending.size(); idx++) {
      Edges p = pending.get(idx);
      long close = p.w.closeNs;
      if (meterStopped && close == Long.MAX_VALUE) {
        long end = Long.MIN_VALUE;
        for (RailHistory h : histories) {
          end = Math.max(end, h.latestNs());
        }
        if (p.w.closeAt(Math.max(end, p.w.openNs))) {
          p.note("the meter was closed while the window was open; it ends at the last reading");
          closedByMeter.accept(p.w);
        }
        close = p.w.closeNs;
      }
      boolean done = true;
      for (Sensors.Feed f : sensors.feeds) {
        // a sensor whose thread has stopped will read nothing after its newest reading
        boolean dead = meterStopped || !f.logger().running();
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

  private static RailHistory.Point edge(RailHistory h, Edges p, long ns) {
    if (!h.reaches(ns)) {
      p.note("a window edge is older than the " + RailHistory.CAPACITY + " readings kept");
    }
    return h.at(ns);
  }

  /** Notes what went wrong while the window was open, then completes it. */
  private void finish(Edges p) {
    Window w = p.w;
    for (Sensors.Feed f : sensors.feeds) {
      long failedInWindow = 0;
      for (int r = f.offset(); r < f.offset() + f.width(); r++) {
        failedInWindow = Math.max(failedInWindow, p.to[r].failed() - p.from[r].failed());
      }
      if (failedInWindow == 0 && f.logger().running()) {
        continue; // nothing to say (and no statistics object made for each window)
      }
      SourceStats st = f.logger().stats().get(0);
      if (failedInWindow > 0) {
        p.note(
            f.source().kind()
                + " at "
                + f.source().where()
                + ": "
                + failedInWindow
                + " reads failed while the window was open"
                + (st.lastError() == null ? "" : " (last: " + st.lastError() + ")"));
      }
      if (st.failure() != null && st.reads() > 0) {
        boolean lostInside = false;
        for (int r = f.offset(); r < f.offset() + f.width(); r++) {
          lostInside |= histories[r].latestNs() < w.closeNs;
        }
        if (lostInside) {
          p.note("sensor lost while the window was open: " + st.failure());
        }
      }
    }
    if (w.events != null) {
      commit(w.events, w.measurement(measurement(p)));
    }
    inFlight.decrementAndGet();
    w.result.complete(p);
  }

  /** The measurement of a completed window (any thread). */
  Measurement measurement(Edges p) {
    Window w = p.w;
    long duration = Math.max(0, w.closeNs - w.openNs);
    Map<String, RailEstimate> out = new LinkedHashMap<>();
    for (Sensors.Feed f : sensors.feeds) {
      for (int r = f.offset(); r < f.offset() + f.width(); r++) {
        out.put(
            sensors.railNames.get(r),
            Estimates.between(p.from[r], p.to[r], duration, f.resolutionNs(), w.baseline, r));
      }
    }
    return new Measurement(
        w.name(),
        w.openNs,
        w.closeNs,
        out,
        sensors.resolutionNs,
        duration < sensors.resolutionNs,
        p.notes(),
        sensors.simulated);
  }

  /** One JFR event per rail, spanning the window (begun and ended by the window itself). */
  private static void commit(RailEnergyEvent[] events, Measurement m) {
    int i = 0;
    for (Map.Entry<String, RailEstimate> e : m.rails().entrySet()) {
      RailEnergyEvent ev = events[i++];
      RailEstimate r = e.getValue();
      ev.window = m.name();
      ev.rail = e.getKey();
      ev.energyMj = r.energyMj();
      ev.energyUncertaintyMj = r.energyUncertaintyMj();
      ev.meanPowerMw = r.meanPowerMw();
      ev.samples = r.samples();
      ev.coverage = r.coverage();
      ev.belowResolution = m.belowResolution();
      ev.simulated = m.simulated();
      ev.commit();
    }
  }
}
