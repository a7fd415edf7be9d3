package io.inferwatt.api;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One named span of time on a {@link PowerMeter}. Closing it only takes a time stamp (a few hundred
 * ns); the meter's thread works out the {@link Measurement} once the sensors have read past the
 * close. Windows may nest and overlap, and may be opened and closed on any thread.
 */
public final class Window implements AutoCloseable {

  /** Sets {@link #closed} once (a field and a handle: no extra object per window). */
  private static final VarHandle CLOSED;

  static {
    try {
      CLOSED = MethodHandles.lookup().findVarHandle(Window.class, "closed", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final PowerMeter meter;
  private final String name;
  final long openNs;
  volatile long closeNs = Long.MAX_VALUE;
  final RailEnergyEvent[] events;

  /** The idle baseline when the window opened, or null. */
  final Baseline baseline;

  /** Completed by the meter's thread once both edges are placed. */
  final CompletableFuture<MeterLoop.Edges> result = new CompletableFuture<>();

  private volatile boolean closed;
  private volatile Measurement measurement;

  Window(PowerMeter meter, String name, long openNs, RailEnergyEvent[] events, Baseline baseline) {
    this.meter = meter;
    this.name = name;
    this.openNs = openNs;
    this.events = events;
    this.baseline = baseline;
  }

  private boolean markClosed() {
    return CLOSED.compareAndSet(this, false, true);
  }

  /** The window's name. */
  public String name() {
    return name;
  }

  /** Whether it has been closed. */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Ends the window: calls the meter's sync hook, then takes the time stamp.
   *
   * @throws IllegalStateException when the window is already closed
   */
  @Override
  public void close() {
    if (!markClosed()) {
      throw new IllegalStateException(
          "window '" + name + "' is already closed: close each window once");
    }
    meter.sync();
    long now = System.nanoTime();
    if (events != null) {
      for (RailEnergyEvent e : events) {
        e.end();
      }
    }
    closeNs = now;
    meter.closed(this);
  }

  /** Ends the window at {@code ns} without the sync hook (the meter closing under it). */
  boolean closeAt(long ns) {
    if (!markClosed()) {
      return false;
    }
    closeNs = ns;
    return true;
  }

  /** Keeps the first measurement built (a racing second one is equal), returns the kept one. */
  Measurement measurement(Measurement m) {
    synchronized (result) {
      if (measurement == null) {
        measurement = m;
      }
      return measurement;
    }
  }

  /**
   * The measurement, waiting for the sensors to read past the close (at most a few sensor periods).
   *
   * @throws IllegalStateException when the window is still open
   */
  public Measurement measurement() {
    if (!closed) {
      throw new IllegalStateException(
          "window '" + name + "' is still open: close it before asking for its measurement");
    }
    Measurement m = measurement;
    if (m != null) {
      return m;
    }
    try {
      return measurement(meter.measurement(result.get()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for window '" + name + "'", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "window '" + name + "' could not be measured: " + e.getCause().getMessage(),
          e.getCause());
    }
  }
}
