package io.inferwatt.engines.sim;

import io.inferwatt.core.model.Workload;
import io.inferwatt.hardware.Rail;
import io.inferwatt.hardware.sensors.EpochToMonotonic;
import io.inferwatt.hardware.sensors.NvmlSource;
import io.inferwatt.hardware.sensors.PowerSource;
import io.inferwatt.hardware.sensors.Reading;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * The virtual GPU as a live source on the monotonic clock: the board runs one workload back to back
 * from the moment the source is opened, and each read is what the real {@link NvmlSource} reads
 * from the simulated NVML at that instant (the power field, updated every 100 ms). It lets {@code
 * monitor} and the measurement API run on {@code sim:gpu} where there is no GPU; every number it
 * gives is simulated. After a pause of more than {@value #MAX_CATCH_UP_S} s without reads the board
 * is taken as having run at its mean power meanwhile, and replays inferences only for the last NVML
 * look-back. Read by one thread at a time, as every source.
 */
public final class LiveGpu implements PowerSource {

  private static final long MAX_CATCH_UP_S = 5;

  /** The power history kept: NVML's own look-back and 10 ms more. */
  private static final long LOOK_BACK_NS = VirtualNvml.lookBackNs() + 10_000_000L;

  private static final long EPOCH_OFFSET_NS = 1_790_000_000_000_000_000L;

  private final GpuModel.Plan plan;
  private final String workload;
  private final LongSupplier clock;
  private final SplittableRandom rng;
  private final double meanMw;
  private final PowerTrace trace;
  private final VirtualNvml nvml;
  private final NvmlSource source;
  private volatile boolean closed;

  private LiveGpu(Workload w, long seed, LongSupplier clock) {
    this.plan = GpuModel.plan(w, GpuModel.MAX_CLOCK_MHZ);
    this.workload = w.network().name() + " batch " + w.batch();
    this.clock = clock;
    this.rng = new SplittableRandom(seed);
    double mwNs = plan.tailMw() * plan.tailNs() + plan.gapMw() * plan.gapNs();
    double ns = plan.tailNs() + plan.gapNs();
    for (double[] l : plan.layers()) {
      mwNs += l[1] * l[0];
      ns += l[0];
    }
    this.meanMw = mwNs / ns;
    long now = clock.getAsLong();
    this.trace = new PowerTrace(now - LOOK_BACK_NS, 1);
    trace.append(LOOK_BACK_NS, new double[] {GpuModel.IDLE_MW});
    long firstUpdate = now - (long) (rng.nextDouble() * GpuModel.NVML_UPDATE_NS);
    this.nvml = new VirtualNvml(trace, firstUpdate, EPOCH_OFFSET_NS);
    this.source = NvmlSource.over(nvml, new EpochToMonotonic(EPOCH_OFFSET_NS, 0));
  }

  /** The virtual GPU at its top clock running {@code workload}, on {@link System#nanoTime()}. */
  public static LiveGpu of(Workload workload, long seed) {
    return of(workload, seed, System::nanoTime);
  }

  /** The same on another clock (tests: a clock they move by hand). */
  static LiveGpu of(Workload workload, long seed, LongSupplier clock) {
    if (workload == null || clock == null) {
      throw new IllegalArgumentException("workload and clock are needed");
    }
    return new LiveGpu(workload, seed, clock);
  }

  @Override
  public String kind() {
    return VirtualGpu.NAME;
  }

  @Override
  public String where() {
    return "the virtual GPU running " + workload + " back to back, read through NVML (simulated)";
  }

  @Override
  public List<Rail> rails() {
    return source.rails();
  }

  @Override
  public OptionalLong updatePeriodNs() {
    return OptionalLong.of(GpuModel.NVML_UPDATE_NS);
  }

  @Override
  public Map<String, String> settings() {
    Map<String, String> s = new java.util.LinkedHashMap<>(source.settings());
    s.put("simulated", "true");
    s.put("workload", workload);
    return s;
  }

  @Override
  public Reading read() {
    if (closed) {
      throw new IllegalStateException("the virtual GPU's NVML is closed");
    }
    long t = clock.getAsLong();
    if (t - trace.endNs() > MAX_CATCH_UP_S * 1_000_000_000L) {
      trace.append(t - LOOK_BACK_NS - trace.endNs(), new double[] {meanMw});
    }
    while (trace.endNs() <= t) {
      inference();
    }
    nvml.advanceTo(t);
    trace.dropBefore(t - LOOK_BACK_NS);
    return source.read();
  }

  /** Appends one inference (layers, tail) and the gap after it, with the model's jitter. */
  private void inference() {
    double wander = GpuModel.wanderMw(trace.endNs(), 0);
    double f = clamp(1 + GpuModel.JITTER_SYNC * rng.nextGaussian());
    double[] p = new double[1];
    for (double[] l : plan.layers()) {
      double g = clamp(1 + GpuModel.JITTER_LAYER * rng.nextGaussian());
      p[0] = l[1] + wander;
      trace.append(Math.max(1, Math.round(l[0] * f * g)), p);
    }
    p[0] = plan.tailMw() + wander;
    trace.append(Math.max(1, Math.round(plan.tailNs() * f)), p);
    p[0] = plan.gapMw() + wander;
    trace.append(Math.max(1, Math.round(plan.gapNs() * clamp(1 + 0.1 * rng.nextGaussian()))), p);
  }

  private static double clamp(double f) {
    return Math.max(0.5, Math.min(1.5, f));
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      source.close();
    }
  }
}
