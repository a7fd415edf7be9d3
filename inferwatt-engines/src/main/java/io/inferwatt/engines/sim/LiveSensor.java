package io.inferwatt.engines.sim;

import io.inferwatt.core.model.Workload;
import io.inferwatt.hardware.Rail;
import io.inferwatt.hardware.sensors.PowerSource;
import io.inferwatt.hardware.sensors.Reading;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * The virtual Jetson Nano's power sensor as a live source on the monotonic clock: the board runs
 * one workload back to back from the moment the source is opened (its layers' true power with the
 * model's jitter, the tail and the gap, the power logger on), and each read is what the board's
 * INA3221 would show at that instant: the true power averaged over the sensor's conversion window,
 * with the model's reading noise, in steps of the sensor's resolution. It lets the live tools (the
 * measurement API, the JMH profiler, {@code monitor}) run where there is no sensor; every number it
 * gives is simulated. Read by one thread at a time, as every source.
 */
public final class LiveSensor implements PowerSource {

  /**
   * The longest stretch the board catches up by replaying inferences; after a longer pause it
   * restarts.
   */
  private static final long MAX_CATCH_UP_NS = 1_000_000_000L;

  private final List<Rail> rails;
  private final GroundTruth truth;
  private final String workload;
  private final long windowNs;
  private final LongSupplier clock;
  private final SplittableRandom timing;
  private final SplittableRandom noise;
  private PowerTrace trace;
  private volatile boolean closed;

  private LiveSensor(VirtualNano board, Workload w, long seed, LongSupplier clock) {
    this.rails = board.rails();
    this.truth = board.groundTruth(w);
    this.workload = w.network().name() + " batch " + w.batch();
    this.windowNs = SensorConfig.INA3221_DEFAULT_WINDOW_NS;
    this.clock = clock;
    SplittableRandom r = new SplittableRandom(seed);
    this.timing = r.split();
    this.noise = r.split();
    restart(clock.getAsLong());
  }

  /**
   * The sensor of {@code board} at its current settings running {@code workload}, on {@link
   * System#nanoTime()}.
   */
  public static LiveSensor of(VirtualNano board, Workload workload, long seed) {
    return of(board, workload, seed, System::nanoTime);
  }

  /** The same on another clock (tests: a clock they move by hand). */
  static LiveSensor of(VirtualNano board, Workload workload, long seed, LongSupplier clock) {
    if (board == null || workload == null || clock == null) {
      throw new IllegalArgumentException("board, workload and clock are needed");
    }
    return new LiveSensor(board, workload, seed, clock);
  }

  @Override
  public String kind() {
    return "sim:nano";
  }

  @Override
  public String where() {
    return "the virtual Jetson Nano running " + workload + " back to back (simulated)";
  }

  @Override
  public List<Rail> rails() {
    return rails;
  }

  @Override
  public OptionalLong updatePeriodNs() {
    return OptionalLong.of(NanoModel.SENSOR_PERIOD_NS);
  }

  @Override
  public Map<String, String> settings() {
    return Map.of("simulated", "true", "workload", workload, "window_ns", Long.toString(windowNs));
  }

  @Override
  public Reading read() {
    if (closed) {
      throw new IllegalStateException("the virtual Nano's sensor is closed");
    }
    long t = clock.getAsLong();
    if (t - trace.endNs() > MAX_CATCH_UP_NS) {
      restart(t);
    }
    while (trace.endNs() <= t) {
      inference();
    }
    double[] p = new double[rails.size()];
    double[] v = new double[rails.size()];
    double[] c = new double[rails.size()];
    Arrays.fill(v, Double.NaN);
    Arrays.fill(c, Double.NaN);
    for (int r = 0; r < p.length; r++) {
      double x = trace.meanOver(t - windowNs, t, r);
      x += NanoModel.SENSOR_NOISE_MW * noise.nextGaussian();
      x = Math.rint(x / NanoModel.SENSOR_QUANTUM_MW) * NanoModel.SENSOR_QUANTUM_MW;
      p[r] = Math.max(0, x);
    }
    trace.dropBefore(t - windowNs - 1);
    return new Reading(p, v, c, null);
  }

  /** Starts the board afresh, quiet for one sensor window before {@code tNs}, then inferring. */
  private void restart(long tNs) {
    trace = new PowerTrace(tNs - windowNs - 1);
    trace.append(windowNs + 1, truth.gapPower());
  }

  /** Appends one inference (layers, tail) and the gap after it, with the model's jitter. */
  private void inference() {
    double f = clamp(1 + NanoModel.JITTER_SYNC * timing.nextGaussian());
    for (GroundTruth.LayerTruth l : truth.layers()) {
      double g = clamp(1 + NanoModel.JITTER_LAYER * timing.nextGaussian());
      trace.append(Math.max(1, Math.round(l.durationNs() * f * g)), l.power());
    }
    trace.append(Math.max(1, Math.round(truth.tailNs() * f)), truth.tailPower());
    double g = clamp(1 + 0.1 * timing.nextGaussian());
    trace.append(Math.max(1, Math.round(truth.gapNs() * g)), truth.gapPower());
  }

  private static double clamp(double f) {
    return Math.max(0.5, Math.min(1.5, f));
  }

  @Override
  public void close() {
    closed = true;
  }
}
