package io.inferwatt.engines.sim;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.LayerEvent;
import io.inferwatt.core.Phases;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.CounterEnergy;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.feed.SampleFeed;
import io.inferwatt.engines.protocol.ProtocolDriver;
import io.inferwatt.hardware.EnergyCounter;
import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.Rail;
import io.inferwatt.hardware.Recorder;
import io.inferwatt.hardware.sensors.EpochToMonotonic;
import io.inferwatt.hardware.sensors.NvmlSource;
import io.inferwatt.hardware.sensors.Reading;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * A simulated datacenter GPU (H100/H200-like) with its engine, read through NVML as a real NVIDIA
 * GPU is: a {@link VirtualNvml} behind the same {@link NvmlSource} that reads {@code
 * libnvidia-ml.so.1}. It runs any network's layer list ({@link NetworkSpec}, derived from the ONNX
 * graph) in virtual time with the cost model of {@link GpuModel} (see {@code docs/virtual-gpu.md});
 * every number it gives is simulated, and {@link #lastTruth()} says what it really did.
 *
 * <p>One rail, {@code gpu0} (the whole board, as NVML reports it). Two knobs, {@code gpu.clock_mhz}
 * (a locked graphics clock) and {@code gpu.app_clock_mhz} (the application clock); the board runs
 * at the lower of the two; {@code gpu.power_limit_mw} (200–700 W) caps each layer's power by
 * lowering its clock as the driver's power capping does. Its power logger polls the power field
 * (field 186) and the energy counter in turn, each call costing ≈2 ms as from Java on a real H200
 * (≈250 pairs per second); the samples of the recording are the power field's values, which change
 * only every 100 ms. The energy counter's reads of the power phase are kept for {@link
 * #lastPowerPhase()}, and {@link #window} runs one workload back to back with only the counter read
 * (≈500 reads per second).
 *
 * <p>The board keeps one power trace for its whole life, so the counter only grows. Not
 * thread-safe: one recording at a time.
 *
 * <p>Over 500 lines on purpose: the recording, the energy counter's window, the prefix runs and the
 * truth all advance the one virtual clock and power trace this class owns; the phase loop shared
 * with the virtual Nano is already in {@code TraceRecording}.
 */
public final class VirtualGpu implements Recorder, Truth.Source, EnergyCounter {

  /** The board's name. */
  public static final String NAME = "sim:gpu";

  private static final long BOOT_NS = 1_000_000_000L;

  /** How often the logger drains the driver's sample buffer (it holds 2 s), ns. */
  private static final long BUFFER_DRAIN_NS = 1_000_000_000L;

  private static final long EPOCH_OFFSET_NS = 1_790_000_000_000_000_000L; // epoch ns at boot ≈2026
  private static final List<Rail> RAILS =
      List.of(new Rail("gpu0", "NVIDIA H200 (simulated)", "whole GPU board 0, NVML", true));

  private final SplittableRandom rng;
  private final double wanderPhase;
  private final PowerTrace trace;
  private final VirtualNvml nvml;
  private final NvmlSource source;
  private final List<Knob> knobs;
  private int clockMhz = GpuModel.MAX_CLOCK_MHZ;
  private int appClockMhz = GpuModel.MAX_CLOCK_MHZ;
  private long powerLimitMw = (long) GpuModel.POWER_LIMIT_MW;
  private long lastDropNs;
  private Truth lastTruth;
  private CounterEnergy.Window lastPowerPhase;

  // the logger: which calls it makes, when the next one starts, what it got
  private enum Polling {
    OFF,
    PAIRS,
    COUNTER
  }

  private Polling polling = Polling.OFF;
  private boolean nextIsPower = true;
  private long nextCallNs;
  private final List<PowerSample> samples = new ArrayList<>();
  private final List<CounterEnergy.Read> counterReads = new ArrayList<>();
  // the driver's sample buffer, drained while the logger runs (at most every second: it holds 2 s)
  private final List<PowerSample> bufferSamples = new ArrayList<>();
  private long lastBufferDrainNs;
  private long lastBufferSampleNs = Long.MIN_VALUE;

  private VirtualGpu(long seed) {
    this.rng = new SplittableRandom(seed);
    this.wanderPhase = rng.nextDouble() * 2 * Math.PI;
    this.trace = new PowerTrace(BOOT_NS, 1);
    // an idle board for longer than NVML looks back
    trace.append(VirtualNvml.lookBackNs() + 10_000_000L, new double[] {GpuModel.IDLE_MW});
    long firstUpdate = trace.endNs() - (long) (rng.nextDouble() * GpuModel.NVML_UPDATE_NS);
    this.nvml = new VirtualNvml(trace, firstUpdate, EPOCH_OFFSET_NS);
    this.source = NvmlSource.over(nvml, new EpochToMonotonic(EPOCH_OFFSET_NS, 0));
    this.lastDropNs = trace.endNs();
    this.knobs =
        List.of(
            new NanoKnob(
                "gpu.clock_mhz",
                "MHz",
                GpuModel.CLOCKS_MHZ.stream().map(String::valueOf).toList(),
                () -> Integer.toString(clockMhz),
                v -> clockMhz = Integer.parseInt(v)),
            new NanoKnob(
                "gpu.app_clock_mhz",
                "MHz",
                GpuModel.CLOCKS_MHZ.stream().map(String::valueOf).toList(),
                () -> Integer.toString(appClockMhz),
                v -> appClockMhz = Integer.parseInt(v)),
            new NanoKnob(
                "gpu.power_limit_mw",
                "mW",
                GpuModel.powerLimitsMw(),
                () -> Long.toString(powerLimitMw),
                v -> powerLimitMw = Long.parseLong(v)));
  }

  /** A board at its top clock. */
  public static VirtualGpu create(long seed) {
    return new VirtualGpu(seed);
  }

  @Override
  public String board() {
    return NAME;
  }

  @Override
  public boolean simulated() {
    return true;
  }

  @Override
  public List<Rail> rails() {
    return RAILS;
  }

  @Override
  public List<Knob> knobs() {
    return knobs;
  }

  /** The NVML source the board is read through (the same class that reads the real library). */
  NvmlSource source() {
    return source;
  }

  /** The board's virtual monotonic now, ns. */
  long nowNs() {
    return trace.endNs();
  }

  /** Lets the board idle for {@code ns} with NVML running (for tests of the driver's behaviour). */
  void idleFor(long ns) {
    trace.append(ns, new double[] {GpuModel.IDLE_MW});
    poll();
  }

  @Override
  public long samplePeriodNs() {
    return 2 * GpuModel.NVML_CALL_NS;
  }

  @Override
  public long counterUpdatePeriodNs() {
    return GpuModel.NVML_UPDATE_NS;
  }

  @Override
  public OptionalLong expectedCycleNs(Workload workload, Map<String, String> settings) {
    String c = settings.get("gpu.clock_mhz");
    String a = settings.get("gpu.app_clock_mhz");
    int locked = c != null && GpuModel.CLOCKS_MHZ.contains(parse(c)) ? parse(c) : clockMhz;
    int app = a != null && GpuModel.CLOCKS_MHZ.contains(parse(a)) ? parse(a) : appClockMhz;
    String pl = settings.get("gpu.power_limit_mw");
    long limit =
        pl != null && GpuModel.powerLimitsMw().contains(pl.strip())
            ? Long.parseLong(pl.strip())
            : powerLimitMw;
    GpuModel.Plan p = GpuModel.plan(workload, Math.min(locked, app), limit);
    double ns = p.tailNs() + p.gapNs();
    for (double[] l : p.layers()) {
      ns += l[0];
    }
    return OptionalLong.of((long) Math.min(ns, Long.MAX_VALUE));
  }

  /**
   * The clock the virtual GPU runs at: the lower of the locked clock and the application clock
   * (both at the top clock until set).
   */
  private int runningMhz() {
    return Math.min(clockMhz, appClockMhz);
  }

  private static int parse(String s) {
    try {
      return Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The truth of {@code workload} at the current clock (the wander left out). */
  public Truth truth(Workload workload) {
    GpuModel.Plan p = GpuModel.plan(workload, runningMhz(), powerLimitMw);
    List<Truth.Layer> layers = new ArrayList<>();
    double mwNs = p.tailMw() * p.tailNs();
    double ns = p.tailNs();
    for (int i = 0; i < p.layers().size(); i++) {
      double[] l = p.layers().get(i);
      long d = Math.round(l[0]);
      layers.add(
          new Truth.Layer(i, workload.network().layers().get(i).name(), d, Map.of("gpu0", l[1])));
      mwNs += l[1] * d;
      ns += d;
    }
    Map<String, Double> e = new LinkedHashMap<>();
    e.put("gpu0", mwNs / 1e9);
    return new Truth(NAME, List.of("gpu0"), Math.round(ns), e, layers);
  }

  @Override
  public Optional<Truth> lastTruth() {
    return Optional.ofNullable(lastTruth);
  }

  @Override
  public Optional<CounterEnergy.Window> lastPowerPhase() {
    return Optional.ofNullable(lastPowerPhase);
  }

  @Override
  public Timeline record(Workload workload, Protocol protocol, ProgressListener listener) {
    lastTruth = truth(workload);
    lastPowerPhase = null;
    Recording r = new Recording(workload, GpuModel.plan(workload, runningMhz(), powerLimitMw));
    return ProtocolDriver.record(r, r.feed, workload, protocol, listener);
  }

  @Override
  public CounterEnergy.Window window(Workload workload, long durationNs) {
    if (durationNs <= 0) {
      throw new BadInputException("a counter window must be longer than 0 ns");
    }
    GpuModel.Plan plan = GpuModel.plan(workload, runningMhz(), powerLimitMw);
    counterReads.clear();
    startPolling(Polling.COUNTER);
    int mark = 0;
    long end = trace.endNs() + durationNs;
    List<long[]> spans = new ArrayList<>();
    double sigma = sigma(workload);
    while (trace.endNs() < end) {
      spans.add(inference(plan, sigma, null, -1, workload.batch(), null));
    }
    // the last update must be seen: the reads stop at the last inference's end
    stopPolling();
    return window(spans, counterReads.subList(mark, counterReads.size()));
  }

  private static CounterEnergy.Window window(List<long[]> spans, List<CounterEnergy.Read> reads) {
    long[] s = new long[spans.size()];
    long[] e = new long[spans.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = spans.get(i)[0];
      e[i] = spans.get(i)[1];
    }
    return new CounterEnergy.Window(List.copyOf(reads), s, e, GpuModel.NVML_UPDATE_NS);
  }

  private static double sigma(Workload w) {
    return w.mode() == ExecutionMode.ASYNC ? GpuModel.JITTER_ASYNC : GpuModel.JITTER_SYNC;
  }

  /**
   * Appends one inference and the gap after it to the trace and lets the logger catch up; returns
   * its {start, end}. With {@code events}, logs the inference as {@code seq}, and with {@code
   * layers} (the network's layers) its layer events too.
   */
  private long[] inference(
      GpuModel.Plan plan,
      double sigma,
      EventLog.Builder events,
      long seq,
      int batch,
      List<LayerSpec> layers) {
    long start = trace.endNs();
    double wander = GpuModel.wanderMw(start, wanderPhase);
    double f = clamp(1 + sigma * rng.nextGaussian());
    double[] p = new double[1];
    int i = 0;
    for (double[] l : plan.layers()) {
      double g = clamp(1 + GpuModel.JITTER_LAYER * rng.nextGaussian());
      long d = Math.max(1, Math.round(l[0] * f * g));
      p[0] = l[1] + wander;
      trace.append(d, p);
      if (layers != null) {
        LayerSpec spec = layers.get(i);
        events.layer(new LayerEvent(seq, i, spec.name(), spec.type(), d, OptionalLong.empty()));
      }
      i++;
    }
    p[0] = plan.tailMw() + wander;
    trace.append(Math.max(1, Math.round(plan.tailNs() * f)), p);
    long end = trace.endNs();
    if (events != null) {
      events.inference(new InferenceEvent(seq, start, end, batch));
    }
    p[0] = plan.gapMw() + wander;
    trace.append(Math.max(1, Math.round(plan.gapNs() * clamp(1 + 0.1 * rng.nextGaussian()))), p);
    poll();
    return new long[] {start, end};
  }

  private static double clamp(double f) {
    return Math.max(0.5, Math.min(1.5, f));
  }

  private void startPolling(Polling how) {
    polling = how;
    nextIsPower = how == Polling.PAIRS;
    nextCallNs = trace.endNs() + (long) (rng.nextDouble() * GpuModel.NVML_CALL_NS);
  }

  private void stopPolling() {
    if (polling == Polling.PAIRS) {
      drainBuffer();
    }
    polling = Polling.OFF;
  }

  /**
   * Reads the driver's power sample buffer ({@code nvmlDeviceGetSamples} through the same {@link
   * NvmlSource} as the real library) for the samples since the last drain.
   */
  private void drainBuffer() {
    long lastSeenUs =
        lastBufferSampleNs == Long.MIN_VALUE ? 0 : (lastBufferSampleNs + EPOCH_OFFSET_NS) / 1000;
    for (PowerSample s : source.powerSamples(0, lastSeenUs)) {
      if (s.tNs() > lastBufferSampleNs) {
        bufferSamples.add(s);
        lastBufferSampleNs = s.tNs();
      }
    }
    lastBufferDrainNs = trace.endNs();
  }

  /**
   * The driver's buffered power samples (one every 20 ms, each the mean of the 25 ms before it)
   * over the last recording's logged phases, on the monotonic time base: what the window-aware fit
   * reads on this board.
   */
  public List<PowerSample> lastSampleBuffer() {
    return List.copyOf(bufferSamples);
  }

  /** Makes every NVML call the logger has finished by the trace's end; then lets NVML run on. */
  private void poll() {
    long end = trace.endNs();
    while (polling != Polling.OFF) {
      long cost =
          GpuModel.NVML_CALL_NS
              + (long) ((rng.nextDouble() * 2 - 1) * GpuModel.NVML_CALL_SPREAD_NS);
      long callEnd = nextCallNs + cost;
      if (callEnd > end) {
        break;
      }
      long mid = nextCallNs + cost / 2;
      nvml.advanceTo(mid);
      if (polling == Polling.PAIRS && nextIsPower) {
        Reading rd = source.readPower();
        double v = rd.powerMw()[0];
        if (samples.isEmpty() || samples.get(samples.size() - 1).tNs() < mid) {
          samples.add(new PowerSample(mid, nextCallNs, callEnd, new double[] {v}));
        }
      } else {
        counterReads.add(new CounterEnergy.Read(nextCallNs, callEnd, source.totalEnergyMj(0)));
      }
      if (polling == Polling.PAIRS) {
        nextIsPower = !nextIsPower;
      }
      nextCallNs = callEnd;
    }
    nvml.advanceTo(polling == Polling.OFF ? end : Math.min(end, nextCallNs));
    if (polling == Polling.PAIRS && end - lastBufferDrainNs >= BUFFER_DRAIN_NS) {
      drainBuffer();
    }
    if (end - lastDropNs > 2 * VirtualNvml.lookBackNs()) {
      trace.dropBefore(Math.min(end, nextCallNs) - VirtualNvml.lookBackNs() - 10_000_000L);
      lastDropNs = end;
    }
  }

  /** One recording: the protocol's phases on the board's trace, the logger polling NVML. */
  private final class Recording extends TraceRecording {
    final Workload workload;
    final GpuModel.Plan plan;
    final SampleFeed feed = new Feed();

    Recording(Workload workload, GpuModel.Plan plan) {
      this.workload = workload;
      this.plan = plan;
      samples.clear();
      counterReads.clear();
      bufferSamples.clear();
      trace.append(1_000_000L, new double[] {GpuModel.IDLE_MW});
      poll();
    }

    private final class Feed implements SampleFeed {
      @Override
      public List<String> rails() {
        return List.of("gpu0");
      }

      @Override
      public List<io.inferwatt.hardware.Rail> railList() {
        return RAILS;
      }

      @Override
      public long periodNs() {
        return 2 * GpuModel.NVML_CALL_NS;
      }

      @Override
      public void start() {
        if (polling == Polling.OFF) {
          startPolling(Polling.PAIRS);
        }
      }

      @Override
      public List<PowerSample> stop() {
        stopPolling();
        List<PowerSample> out = List.copyOf(samples);
        samples.clear();
        return out;
      }
    }

    @Override
    PowerTrace trace() {
      return trace;
    }

    @Override
    public Optional<ProtocolDriver.Span> timed(String phase, int n, ProtocolDriver.Recording r) {
      int mark = counterReads.size();
      List<long[]> spans = new ArrayList<>();
      ProtocolDriver.Span s = run(phase, n, false, r.listener(), spans);
      if (phase.equals(Phases.POWER)) {
        lastPowerPhase = window(spans, counterReads.subList(mark, counterReads.size()));
      }
      return Optional.of(s);
    }

    @Override
    public int layerCycles(ProtocolDriver.Recording r) {
      if (workload.mode() == ExecutionMode.ASYNC) {
        return 0;
      }
      Protocol p = r.protocol();
      if (p.layerCycles() > 0) {
        return p.layerCycles();
      }
      double fastest = Double.MAX_VALUE;
      for (double[] l : plan.layers()) {
        fastest = Math.min(fastest, l[0]);
      }
      if (fastest == Double.MAX_VALUE) {
        return Math.min(1, p.maxLayerCycles());
      }
      double need = Math.ceil(1.25 * p.minSamplesPerLayer() * feed.periodNs() / fastest);
      return (int) Math.max(1, Math.min(need, p.maxLayerCycles()));
    }

    @Override
    public Optional<ProtocolDriver.Span> profiled(int n, ProtocolDriver.Recording r) {
      return Optional.of(run(Phases.LAYERS, n, true, r.listener(), null));
    }

    @Override
    public Optional<ProtocolDriver.Span> idle(long idleNs) {
      long start = trace.endNs();
      long left = idleNs;
      while (left > 0) { // in steps, so the logger and NVML keep up and the trace stays short
        long step = Math.min(left, 10_000_000L);
        trace.append(step, new double[] {GpuModel.IDLE_MW});
        poll();
        left -= step;
      }
      return Optional.of(new ProtocolDriver.Span(start, trace.endNs()));
    }

    @Override
    public void close() {
      stopPolling();
    }

    ProtocolDriver.Span run(
        String name, int cycles, boolean layers, ProgressListener progress, List<long[]> spans) {
      double sigma = sigma(workload);
      return cycles(
          name,
          cycles,
          progress,
          c -> {
            long[] span =
                inference(
                    plan,
                    sigma,
                    events,
                    seq++,
                    workload.batch(),
                    layers ? workload.network().layers() : null);
            if (spans != null) {
              spans.add(span);
            }
          });
    }
  }
}
