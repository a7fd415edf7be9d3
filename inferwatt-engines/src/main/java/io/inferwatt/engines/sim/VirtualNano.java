package io.inferwatt.engines.sim;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.LayerEvent;
import io.inferwatt.core.Phases;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.feed.SampleFeed;
import io.inferwatt.engines.protocol.ProtocolDriver;
import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.Rail;
import io.inferwatt.hardware.Recorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * A simulated Jetson Nano with its engine and power logger, calibrated to the paper's figures (see
 * {@code docs/virtual-nano.md}). It runs in virtual time: nothing sleeps, and a whole default
 * protocol takes well under a second of real time. Every recording is deterministic for the seed
 * and the sequence of calls; its numbers are always simulated ({@link #simulated()} is true).
 *
 * <p>Rails {@code in} (POM_5V_IN, the total), {@code cpu} (POM_5V_CPU) and {@code gpu}
 * (POM_5V_GPU). Knobs {@code cpu.cores} (1..4), {@code cpu.freq_khz} (the Nano's 15 steps, 102000
 * to 1479000 kHz) and {@code gpu.freq_hz} (12 steps, 76800000 to 921600000 Hz); a new board starts
 * at the paper's base settings (4 cores, 1479000 kHz, 921600000 Hz).
 *
 * <p>A recording has the phases {@code warmup} and {@code latency} (power logger off, no samples),
 * {@code power}, {@code layers} and {@code idle} (logger on, a reading every ≈1.6 ms). Layer events
 * come only in the {@code layers} phase of synchronous workloads: like TensorRT's layer profiler,
 * the board profiles no asynchronous execution, so for an ASYNC workload the {@code layers} phase
 * is recorded with zero length and no inferences. Layer events carry durations only (no start),
 * laid back to back from the inference's start; the time left until the inference's end is the
 * unattributed tail (paper §III.B). Inferences never overlap; an inference covers its whole batch.
 *
 * <p>Not thread-safe: one recording at a time.
 */
public final class VirtualNano implements Recorder, Truth.Source {

  /** Virtual monotonic time of a new board, ns. */
  private static final long BOOT_NS = 1_000_000_000L;

  /** True power recorded before the first inference of a recording, ns. */
  private static final long LEAD_NS = 10_000_000L;

  /** Time constants of a low-pass response that a reading weighs (e^-12 of the weight left out). */
  private static final double RESPONSE_TAILS = 12;

  /** The external meter's noise, mW (a bench meter is finer than the INA3221). */
  static final double METER_NOISE_MW = 2;

  /**
   * The external meter's clock: its time 0 is this long before the board's boot, ns ({@link
   * #meterClockZeroNs()}).
   */
  private static final long METER_CLOCK_LEAD_NS = 250_000_000L;

  /**
   * One reading of the external meter: the true input power averaged over the period ending at
   * {@code boardNs} (the board's clock), and the meter's own timestamp {@code meterS}.
   *
   * @param boardNs the period's end on the board's monotonic clock, ns
   * @param powerMw the input power averaged over the period, mW, with the meter's noise
   */
  public record MeterReading(long boardNs, double powerMw) {}

  private final List<MeterReading> meter = new ArrayList<>();

  private static final List<Rail> RAILS =
      List.of(
          new Rail("in", "POM_5V_IN", "board input, total", true),
          new Rail("cpu", "POM_5V_CPU", "CPU cluster", false),
          new Rail("gpu", "POM_5V_GPU", "GPU", false));

  private final SplittableRandom root;
  private final SensorConfig sensor;
  private final List<Knob> knobs;
  private int cores = NanoModel.MAX_CORES;
  private int cpuKhz = NanoModel.MAX_CPU_KHZ;
  private long gpuHz = NanoModel.MAX_GPU_HZ;
  private long nowNs = BOOT_NS;
  private Truth lastTruth;

  private VirtualNano(long seed, SensorConfig sensor) {
    this.root = new SplittableRandom(seed);
    this.sensor = sensor;
    List<String> coreValues = new ArrayList<>();
    for (int c = 1; c <= NanoModel.MAX_CORES; c++) {
      coreValues.add(Integer.toString(c));
    }
    this.knobs =
        List.of(
            new NanoKnob(
                "cpu.cores",
                "cores",
                coreValues,
                () -> Integer.toString(cores),
                v -> cores = Integer.parseInt(v)),
            new NanoKnob(
                "cpu.freq_khz",
                "kHz",
                NanoModel.CPU_KHZ.stream().map(String::valueOf).toList(),
                () -> Integer.toString(cpuKhz),
                v -> cpuKhz = Integer.parseInt(v)),
            new NanoKnob(
                "gpu.freq_hz",
                "Hz",
                NanoModel.GPU_HZ.stream().map(String::valueOf).toList(),
                () -> Long.toString(gpuHz),
                v -> gpuHz = Long.parseLong(v)));
  }

  /** A board at the base settings with instantaneous sensor readings. */
  public static VirtualNano create(long seed) {
    return create(seed, SensorConfig.instantaneous());
  }

  /** A board at the base settings whose sensor works as {@code sensor} says. */
  public static VirtualNano create(long seed, SensorConfig sensor) {
    if (sensor == null) {
      throw new IllegalArgumentException("sensor config is null");
    }
    return new VirtualNano(seed, sensor);
  }

  @Override
  public String board() {
    return "sim:nano";
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

  /** The knob called {@code name}. */
  public Knob knob(String name) {
    for (Knob k : knobs) {
      if (k.name().equals(name)) {
        return k;
      }
    }
    throw new BadInputException(
        "knob '"
            + name
            + "' is not one of "
            + String.join(", ", knobs.stream().map(Knob::name).toList()));
  }

  /** The sensor's configuration. */
  public SensorConfig sensor() {
    return sensor;
  }

  /**
   * What the external meter read during every recording so far (empty without a meter): the board's
   * input power, whatever the sensor's gain and offset errors.
   */
  public List<MeterReading> meterReadings() {
    return List.copyOf(meter);
  }

  /**
   * The board time of the meter clock's zero, ns: a meter timestamp {@code s} seconds is board time
   * {@code meterClockZeroNs() + s·1e9}. A bench meter's clock has nothing to do with the board's;
   * this is the truth the calibration's alignment should find.
   */
  public static long meterClockZeroNs() {
    return BOOT_NS - METER_CLOCK_LEAD_NS;
  }

  /** The sensor's nominal read period, ns (the paper's ≈1.6 ms). */
  public long sensorPeriodNs() {
    return NanoModel.SENSOR_PERIOD_NS;
  }

  @Override
  public long samplePeriodNs() {
    return NanoModel.SENSOR_PERIOD_NS;
  }

  /**
   * The nominal latency plus the gap of {@code workload} at {@code settings} (the current value for
   * knobs not named; values not in a knob's list are ignored here: the knob refuses them), from the
   * model's truth without jitter. Saturates at {@link Long#MAX_VALUE}.
   */
  @Override
  public OptionalLong expectedCycleNs(Workload workload, Map<String, String> settings) {
    NanoModel.Settings s =
        new NanoModel.Settings(
            (int) valueOr("cpu.cores", settings, cores),
            (int) valueOr("cpu.freq_khz", settings, cpuKhz),
            valueOr("gpu.freq_hz", settings, gpuHz));
    GroundTruth t = NanoModel.truth(workload, s, true);
    double ns = (double) t.tailNs() + t.gapNs();
    for (GroundTruth.LayerTruth l : t.layers()) {
      ns += l.durationNs();
    }
    return OptionalLong.of(ns >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) ns);
  }

  /** The value {@code settings} gives a knob when its list allows it, else {@code current}. */
  private long valueOr(String knob, Map<String, String> settings, long current) {
    String v = settings.get(knob);
    return v != null && knob(knob).allowed().contains(v) ? Long.parseLong(v) : current;
  }

  /**
   * The truth behind a recording of {@code workload} at the current settings, with the power logger
   * on: nominal durations and true power per layer, tail, gap and idle power.
   */
  public GroundTruth groundTruth(Workload workload) {
    return NanoModel.truth(workload, settings(), true);
  }

  private NanoModel.Settings settings() {
    return new NanoModel.Settings(cores, cpuKhz, gpuHz);
  }

  @Override
  public Timeline record(Workload workload, Protocol protocol, ProgressListener listener) {
    NanoModel.Settings s = settings();
    lastTruth =
        Truth.of(
            board(), RAILS.stream().map(Rail::name).toList(), NanoModel.truth(workload, s, true));
    Recording r =
        new Recording(
            workload,
            NanoModel.truth(workload, s, false),
            NanoModel.truth(workload, s, true),
            NanoModel.idle(s, true),
            root.split(),
            sensor,
            nowNs);
    try {
      return ProtocolDriver.record(r, r.logger, workload, protocol, listener);
    } finally {
      nowNs = r.trace.endNs() + 1_000_000L;
    }
  }

  /**
   * The truth behind the last recording: the model's nominal layers and power with the power logger
   * on (the power, layer and idle phases are measured with it on), at the settings it ran with.
   */
  @Override
  public Optional<Truth> lastTruth() {
    return Optional.ofNullable(lastTruth);
  }

  /** Layer cycles: as asked, or enough for the fastest layer's samples; none for ASYNC. */
  private static int layerCycles(Workload w, Protocol p, GroundTruth truth) {
    if (w.mode() == ExecutionMode.ASYNC) {
      return 0;
    }
    if (p.layerCycles() > 0) {
      return p.layerCycles();
    }
    long fastest = Long.MAX_VALUE;
    for (GroundTruth.LayerTruth l : truth.layers()) {
      if (l.durationNs() > 0) {
        fastest = Math.min(fastest, l.durationNs());
      }
    }
    if (fastest == Long.MAX_VALUE) {
      return Math.min(1, p.maxLayerCycles());
    }
    // 25% above the expectation: the count a layer gets scatters around it (about ±sqrt(n)),
    // and the point is that the fastest layer really gets its minimum.
    double need =
        Math.ceil(1.25 * p.minSamplesPerLayer() * (double) NanoModel.SENSOR_PERIOD_NS / fastest);
    return (int) Math.max(1, Math.min(need, p.maxLayerCycles()));
  }

  /**
   * One recording's state: the true power trace, the sensor and the events. The protocol driver
   * runs it in virtual time: {@link #nowNs()} is the end of the trace, and time passes only as
   * inferences and the idle phase are appended to it.
   */
  private final class Recording extends TraceRecording {
    final Workload workload;
    final GroundTruth offTruth;
    final GroundTruth onTruth;
    final RailPowerMw idleOn;
    final SplittableRandom timing;
    final SplittableRandom noise;
    final SensorConfig sensor;

    /** How far back a reading's response reaches, ns. */
    final long windowNs;

    final PowerTrace trace;
    long meterNextNs = Long.MIN_VALUE;
    final List<PowerSample> samples = new ArrayList<>();
    final SampleFeed logger = new Logger();
    boolean loggerOn;
    long loggerStartNs;
    long deadlineNs;
    long readStartNs;
    long readEndNs;

    Recording(
        Workload workload,
        GroundTruth offTruth,
        GroundTruth onTruth,
        RailPowerMw idleOn,
        SplittableRandom rng,
        SensorConfig sensor,
        long startNs) {
      this.workload = workload;
      this.offTruth = offTruth;
      this.onTruth = onTruth;
      this.idleOn = idleOn;
      this.timing = rng.split();
      this.noise = rng.split();
      this.sensor = sensor;
      this.windowNs = sensor.response().supportNs(RESPONSE_TAILS);
      this.trace = new PowerTrace(startNs);
      // quiet board before the first inference, long enough for any window
      trace.append(Math.max(LEAD_NS, windowNs + 1), offTruth.idlePower());
    }

    /** The board's power logger: on from the power phase to the end of the idle phase. */
    private final class Logger implements SampleFeed {
      @Override
      public List<String> rails() {
        return RAILS.stream().map(Rail::name).toList();
      }

      @Override
      public long periodNs() {
        return NanoModel.SENSOR_PERIOD_NS;
      }

      @Override
      public void start() {
        if (!loggerOn) {
          startLogger(trace.endNs());
        }
      }

      @Override
      public List<PowerSample> stop() {
        loggerOn = false;
        return samples;
      }
    }

    @Override
    PowerTrace trace() {
      return trace;
    }

    @Override
    public Optional<ProtocolDriver.Span> timed(String phase, int n, ProtocolDriver.Recording r) {
      return Optional.of(phase(phase, n, false, r.listener()));
    }

    @Override
    public int layerCycles(ProtocolDriver.Recording r) {
      return VirtualNano.layerCycles(workload, r.protocol(), onTruth);
    }

    @Override
    public Optional<ProtocolDriver.Span> profiled(int n, ProtocolDriver.Recording r) {
      return Optional.of(phase(Phases.LAYERS, n, true, r.listener()));
    }

    @Override
    public Optional<ProtocolDriver.Span> idle(long idleNs) {
      long start = trace.endNs();
      trace.append(idleNs, idleOn);
      emit();
      return Optional.of(new ProtocolDriver.Span(start, trace.endNs()));
    }

    @Override
    public void close() {
      // nothing outside the Java heap
    }

    ProtocolDriver.Span phase(String name, int cycles, boolean layers, ProgressListener progress) {
      GroundTruth truth = loggerOn ? onTruth : offTruth;
      double sigma =
          workload.mode() == ExecutionMode.ASYNC ? NanoModel.JITTER_ASYNC : NanoModel.JITTER_SYNC;
      return cycles(name, cycles, progress, c -> inference(truth, sigma, layers));
    }

    private void inference(GroundTruth truth, double sigma, boolean layers) {
      long s = seq++;
      long start = trace.endNs();
      double f = clamp(1 + sigma * timing.nextGaussian());
      int i = 0;
      for (GroundTruth.LayerTruth l : truth.layers()) {
        double g = clamp(1 + NanoModel.JITTER_LAYER * timing.nextGaussian());
        long d = Math.round(l.durationNs() * f * g);
        trace.append(d, l.power());
        if (layers) {
          events.layer(new LayerEvent(s, i, l.name(), l.type(), d, OptionalLong.empty()));
        }
        i++;
      }
      trace.append(Math.round(truth.tailNs() * f), truth.tailPower());
      long end = trace.endNs();
      events.inference(new InferenceEvent(s, start, end, workload.batch()));
      double g = clamp(1 + 0.1 * timing.nextGaussian());
      trace.append(Math.max(1, Math.round(truth.gapNs() * g)), truth.gapPower());
      emit();
    }

    private static double clamp(double f) {
      return Math.max(0.5, Math.min(1.5, f));
    }

    private void startLogger(long tNs) {
      loggerOn = true;
      loggerStartNs = tNs;
      deadlineNs = tNs + (long) (noise.nextDouble() * NanoModel.SENSOR_PERIOD_NS);
      drawRead();
    }

    /** Places the next read: after its deadline by a scheduling delay, for a random duration. */
    private void drawRead() {
      double delay = -NanoModel.SENSOR_DELAY_MEAN_NS * Math.log(1 - noise.nextDouble());
      readStartNs = deadlineNs + (long) Math.min(delay, NanoModel.SENSOR_PERIOD_NS / 4.0);
      readEndNs =
          readStartNs
              + NanoModel.SENSOR_READ_MIN_NS
              + (long)
                  (noise.nextDouble()
                      * (NanoModel.SENSOR_READ_MAX_NS - NanoModel.SENSOR_READ_MIN_NS));
    }

    /** Takes every reading the trace already covers, then forgets what no reading can reach. */
    private void emit() {
      if (loggerOn) {
        while (readEndNs <= trace.endNs()) {
          long t = readStartNs + (readEndNs - readStartNs) / 2;
          double[] p = new double[3];
          for (int r = 0; r < 3; r++) {
            double v =
                windowNs == 0
                    ? trace.powerAt(t, r)
                    : trace.responseAt(readEndNs, sensor.response(), windowNs, r);
            v = sensor.gain() * v + sensor.offsetMw();
            v += NanoModel.SENSOR_NOISE_MW * noise.nextGaussian();
            v = Math.rint(v / NanoModel.SENSOR_QUANTUM_MW) * NanoModel.SENSOR_QUANTUM_MW;
            p[r] = Math.max(0, v);
          }
          samples.add(new PowerSample(t, readStartNs, readEndNs, p));
          deadlineNs += NanoModel.SENSOR_PERIOD_NS;
          drawRead();
        }
        long keep = Math.min(readStartNs, readEndNs - windowNs);
        long meterPeriod = sensor.meterPeriodNs();
        if (meterPeriod > 0) {
          if (meterNextNs == Long.MIN_VALUE) {
            meterNextNs = trace.endNs();
          }
          meterNextNs = Math.max(meterNextNs, loggerStartNs + meterPeriod);
          while (meterNextNs <= trace.endNs()) {
            double p = trace.meanOver(meterNextNs - meterPeriod, meterNextNs, 0);
            p += METER_NOISE_MW * noise.nextGaussian();
            meter.add(new MeterReading(meterNextNs, p));
            meterNextNs += meterPeriod;
          }
          keep = Math.min(keep, meterNextNs - meterPeriod);
        }
        trace.dropBefore(keep - 1);
      } else {
        trace.dropBefore(trace.endNs() - windowNs - LEAD_NS);
      }
    }
  }
}
