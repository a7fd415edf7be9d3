package io.inferwatt.api;

import io.inferwatt.hardware.sensors.SourceStats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
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
 *
 * <p>The readings come from this machine's sensors, a copied or fake sysfs tree, or a board of
 * inferwatt's registry ({@link MeterOptions#board()}: {@code sim:nano}, the virtual Jetson Nano);
 * on a virtual board every {@link Measurement} says {@link Measurement#simulated()}.
 *
 * <p>The work is split along its jobs: {@code Sensors} opens the sources and their loggers, {@code
 * MeterLoop} is the meter's thread (running sums, window edges, measurements, JFR), {@code
 * Estimates} turns two points of the running sums into a {@link RailEstimate}.
 */
public final class PowerMeter implements AutoCloseable {

  private static final EventType JFR_TYPE = EventType.getEventType(RailEnergyEvent.class);

  private final MeterOptions options;
  private final Sensors sensors;
  private final MeterLoop loop;
  private final Map<String, Window> lastClosed = new ConcurrentHashMap<>();
  private final Runnable syncHook;
  private final int railCount;
  private volatile Baseline baseline;
  private volatile boolean closed;

  private PowerMeter(Sensors sensors, MeterOptions options) {
    this.sensors = sensors;
    this.options = options;
    this.syncHook = options.sync();
    this.railCount = sensors.railNames.size();
    this.loop = new MeterLoop(sensors, this::closed);
    sensors.start();
    loop.start();
  }

  /**
   * A meter on this machine's sensors, or on the tree named by {@code INFERWATT_SYSFS_ROOT}, or on
   * the board named by {@code INFERWATT_BOARD}.
   *
   * @throws IllegalStateException when no power sensor is found (the message says why each was not)
   */
  public static PowerMeter open() {
    return open(MeterOptions.defaults());
  }

  /**
   * A meter with these options; see {@link #open()}.
   *
   * @throws IllegalArgumentException for a root that is not a folder or a board that is not known
   *     (the message names the known ones)
   * @throws IllegalStateException when no power sensor is found
   */
  public static PowerMeter open(MeterOptions options) {
    return new PowerMeter(Sensors.open(options), options);
  }

  /** The rails every measurement has, in order. */
  public List<String> rails() {
    return List.copyOf(sensors.railNames);
  }

  /** The board read: {@code local} for this machine's sensors, else the board's name. */
  public String board() {
    return sensors.board;
  }

  /** Whether the readings come from a virtual board, so that every number is simulated. */
  public boolean simulated() {
    return sensors.simulated;
  }

  /** The shortest window the sensors resolve, ns (see {@link Measurement#belowResolution()}). */
  public long resolutionNs() {
    return sensors.resolutionNs;
  }

  /** The power logger's self-measurement, one entry per sensor. */
  public List<SourceStats> loggerStats() {
    return sensors.stats();
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
      events = new RailEnergyEvent[railCount];
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
    Window w = new Window(this, name, System.nanoTime(), events, baseline);
    loop.add(w);
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
    double[] mw = new double[railCount];
    double[] sigma = new double[railCount];
    for (int i = 0; i < mw.length; i++) {
      RailEstimate r = m.rail(sensors.railNames.get(i));
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

  /** The measurement of a window whose edges are placed. */
  Measurement measurement(MeterLoop.Edges e) {
    return loop.measurement(e);
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
   * Stops the sensors, finishes every window (one still open ends at the last reading and says so)
   * and releases the sensors; safe to call twice.
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
    sensors.stop();
    loop.stop(now);
    sensors.close();
  }
}
