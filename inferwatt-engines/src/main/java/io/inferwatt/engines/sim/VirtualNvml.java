package io.inferwatt.engines.sim;

import io.inferwatt.hardware.sensors.NvmlBinding;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * NVML of the virtual GPU, behaving as measured on an H200: the power field (field 186, the mean of
 * the last 25 ms) and the energy counter change only every 100 ms; the 1 s average (field 185, and
 * {@code nvmlDeviceGetPowerUsage}) changes on the same grid; the driver's power sample buffer gets
 * a sample every 20 ms, each the mean of the 25 ms before it. Values are whole mW and mJ,
 * timestamps epoch µs, as from the real library. The board moves its clock ({@link #advanceTo})
 * before every call; what a call costs is the board's business (its logger schedules the calls).
 */
final class VirtualNvml implements NvmlBinding {

  private final PowerTrace trace;
  private final long epochOffsetNs;
  private final ArrayDeque<TimedValue> buffer = new ArrayDeque<>();
  private long nowNs;
  private long nextUpdateNs;
  private long nextSampleNs;
  private long counterMj;
  private long instantMw;
  private long averageMw;

  /**
   * @param trace the board's true power (rail 0 is the GPU)
   * @param firstUpdateNs the first update of the power field and the counter (the grid's phase)
   * @param epochOffsetNs epoch ns minus the board's virtual monotonic ns
   */
  VirtualNvml(PowerTrace trace, long firstUpdateNs, long epochOffsetNs) {
    this.trace = trace;
    this.epochOffsetNs = epochOffsetNs;
    this.nextUpdateNs = firstUpdateNs;
    this.nextSampleNs = firstUpdateNs + GpuModel.NVML_BUFFER_PERIOD_NS / 2;
    this.nowNs = trace.endNs();
    this.instantMw = Math.round(trace.powerAt(nowNs, 0));
    this.averageMw = instantMw;
    this.counterMj = (long) Math.floor(trace.energyMjTo(nowNs, 0));
  }

  /**
   * Moves the driver's clock to {@code tNs} (never back): every update and buffered sample due by
   * then is taken from the true power. The trace must reach {@code tNs}.
   */
  void advanceTo(long tNs) {
    if (tNs <= nowNs) {
      return;
    }
    if (tNs > trace.endNs()) {
      throw new IllegalStateException("NVML asked at " + tNs + " ns, past the simulated power");
    }
    nowNs = tNs;
    while (nextUpdateNs <= tNs) {
      long u = nextUpdateNs;
      counterMj = (long) Math.floor(trace.energyMjTo(u, 0));
      instantMw = Math.round(trace.meanOver(u - GpuModel.NVML_INSTANT_WINDOW_NS, u, 0));
      averageMw = Math.round(trace.meanOver(u - GpuModel.NVML_AVERAGE_WINDOW_NS, u, 0));
      nextUpdateNs += GpuModel.NVML_UPDATE_NS;
    }
    while (nextSampleNs <= tNs) {
      long s = nextSampleNs;
      double mean = trace.meanOver(s - GpuModel.NVML_BUFFER_WINDOW_NS, s, 0);
      buffer.addLast(new TimedValue(epochUs(s), Math.round(mean)));
      if (buffer.size() > GpuModel.NVML_BUFFER_CAPACITY) {
        buffer.removeFirst();
      }
      nextSampleNs += GpuModel.NVML_BUFFER_PERIOD_NS;
    }
  }

  /** How far back the driver still needs the true power, ns before its clock. */
  static long lookBackNs() {
    return GpuModel.NVML_AVERAGE_WINDOW_NS + GpuModel.NVML_UPDATE_NS;
  }

  private long epochUs(long monotonicNs) {
    return (monotonicNs + epochOffsetNs) / 1_000L;
  }

  @Override
  public int deviceCount() {
    return 1;
  }

  @Override
  public String name(int gpu) {
    check(gpu);
    return "NVIDIA H200 (simulated)";
  }

  @Override
  public long powerUsageMw(int gpu) {
    check(gpu);
    return averageMw; // Hopper: the 1 s average
  }

  @Override
  public long totalEnergyMj(int gpu) {
    check(gpu);
    return counterMj;
  }

  @Override
  public FieldValue[] fieldValues(int gpu, int... fieldIds) {
    check(gpu);
    FieldValue[] out = new FieldValue[fieldIds.length];
    for (int i = 0; i < fieldIds.length; i++) {
      int id = fieldIds[i];
      long ts = epochUs(nowNs);
      out[i] =
          switch (id) {
            case FI_POWER_INSTANT -> new FieldValue(id, SUCCESS, ts, instantMw);
            case FI_POWER_AVERAGE -> new FieldValue(id, SUCCESS, ts, averageMw);
            default -> new FieldValue(id, ERROR_NOT_SUPPORTED, ts, Double.NaN);
          };
    }
    return out;
  }

  @Override
  public List<TimedValue> powerSamples(int gpu, long lastSeenUs) {
    check(gpu);
    List<TimedValue> out = new ArrayList<>();
    for (TimedValue v : buffer) {
      if (v.timestampUs() > lastSeenUs) {
        out.add(v);
      }
    }
    return out; // the real binding, too, turns NOT_FOUND (nothing newer) into an empty list
  }

  private static void check(int gpu) {
    if (gpu != 0) {
      throw new NvmlException("nvmlDeviceGetHandleByIndex_v2", 2, "Invalid Argument");
    }
  }

  @Override
  public void close() {
    // nothing outside the Java heap
  }
}
