package io.inferwatt.study;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.models.LayerLimits;
import io.inferwatt.hardware.Recorder;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The memory and time one configuration needs, estimated before anything is measured and checked
 * against the JVM's heap ({@link Runtime#maxMemory()}, {@code -Xmx}) and a bound on time, so that a
 * protocol too large for this machine is refused in second 0 with one line (the number, the limit,
 * what to change) instead of ending in an {@link OutOfMemoryError} minutes later. {@code profile},
 * {@code study} and {@code study --dry-run} all check through here; every size and limit of the
 * estimate lives in this class.
 *
 * <p><b>What is counted.</b> A recording keeps, until it is analysed and stored: every power sample
 * (the logger reads while the power, layer and idle phases run, one sample per {@link
 * Recorder#samplePeriodNs() period}), every inference event and every layer event (the layer
 * phase's cycles × the network's layers). The analysis streams ({@code AnalysisStream}): it holds
 * nothing per sample, and up to 1 024 durations per layer for its median; feeding it a recording
 * held in memory sorts the events, which costs a few bytes per layer event and an index entry per
 * inference ({@link #ANALYSIS_BYTES_PER_LAYER_EVENT}, {@link #ANALYSIS_BYTES_PER_INFERENCE},
 * counted from those arrays). Storing the run computes the per-inference records ({@link
 * #DETAILS_BYTES_PER_SAMPLE}, {@link #DETAILS_BYTES_PER_INFERENCE}); the raw samples and events go
 * to the base through DuckDB's appender, which holds one chunk at a time. The recording's byte
 * costs were measured on the virtual Nano (3 rails) as the smallest {@code -Xmx} that completes
 * (with the analysis of that time, which held about 24 B more per sample):
 *
 * <ul>
 *   <li>{@code profile --board sim:nano --no-store --cycles 200000 --max-layer-cycles 1 --idle 1s}
 *       (2.46 M samples, 400 k inferences): fails at -Xmx250m, passes at -Xmx285m — about 100 B per
 *       sample;
 *   <li>{@code profile --board sim:nano --no-store --cycles 10 --layer-cycles 100000 --idle 1s}
 *       (6.6 M layer events, 1.23 M samples): fails at -Xmx780m, passes at -Xmx850m — about 100 B
 *       per layer event.
 * </ul>
 *
 * Together with about 20 MiB the tool holds anyway, that is about 93 B per sample and 100 B per
 * layer event, but the second run also failed once at {@code -Xmx850m} (the collector does not find
 * the same room every time). The constants below therefore take the worst case of each layout (116
 * B per sample with 3 rails, 152 B per layer event): they estimate 290 MiB and 1.07 GiB for the two
 * runs, which with {@link #RESERVE_BYTES} ask for {@code -Xmx323m} and {@code -Xmx1130m}. A real
 * engine's layer profile (ONNX Runtime's kernel records with their names) costs more per layer
 * event than the virtual board's columns; {@link #REAL_ENGINE_BYTES_PER_LAYER_EVENT} is an estimate
 * of it, not a measurement.
 *
 * <p><b>Disk.</b> A stored run grows the measurement base by its results and per-inference records
 * ({@link #STORED_BYTES_PER_RUN}, {@link #STORED_BYTES_PER_INFERENCE_RECORD}, {@link
 * #STORED_BYTES_PER_INFERENCE_RAIL}) and, with {@code --keep-raw all}, by its raw recording ({@link
 * #STORED_BYTES_PER_SAMPLE_RAIL}, {@link #STORED_BYTES_PER_LAYER_EVENT}, {@link
 * #STORED_BYTES_PER_INFERENCE_EVENT}); the constants are DuckDB's compressed sizes measured on the
 * paper's study on the virtual Nano (docs/schema.md, "Size"), times 1.27 for the free and partly
 * filled blocks a base gathers as it grows (the file grew 33.3 MB with the raw tables, which hold
 * 26.2 MB copied alone), rounded up. A study is refused when the base's disk has less room than
 * that ({@link #diskProblem}).
 *
 * <p><b>Time.</b> The virtual board knows its latency ({@link Recorder#expectedCycleNs}); for a
 * real board, which knows it only after measuring, the time is bounded from below by the network's
 * multiply-accumulates at {@link #PEAK_MACS_PER_S} (faster than any accelerator), so only a
 * configuration that is too long even at that speed is refused; the message then says "at least".
 *
 * <p>Over 500 lines on purpose: most of it is the measured costs above and the constants they gave;
 * the estimate that uses them and the messages that refuse a configuration must change with them,
 * so they stay in one file.
 */
public final class Budget {

  /** The longest one configuration may take on its board (virtual time on a virtual board). */
  public static final long MAX_CONFIGURATION_NS = 24L * 3600 * 1_000_000_000L;

  /** The most configurations one study may have (each is kept in memory while the plan runs). */
  public static final long MAX_CONFIGURATIONS = 100_000;

  /** A ceiling on any board's multiply-accumulate rate, for a lower bound on a real latency. */
  static final double PEAK_MACS_PER_S = 1e16;

  /** The period assumed when a board does not say: the fastest a power logger reads by default. */
  static final long UNKNOWN_PERIOD_NS = 1_000_000;

  /** The rails assumed when no recorder is at hand (a dry run on a real board). */
  static final int UNKNOWN_RAILS = 8;

  /**
   * One power sample as recorded: the {@code PowerSample} object (header and three longs, 40 B),
   * its {@code double[]} (16 B header and 8 B per rail) and its list slot with the list's growth
   * and a copy of the list (12 B).
   */
  static final long SAMPLE_BYTES_BASE = 40 + 16 + 12;

  /** Per rail and sample. */
  static final long SAMPLE_BYTES_PER_RAIL = 8;

  /** What the analysis holds per sample on top: nothing, it streams. */
  static final long ANALYSIS_BYTES_PER_SAMPLE = 0;

  /**
   * One layer event in the event log: seven columns (44 B), three times over at worst (the
   * builder's arrays after a doubling, and the final copy).
   */
  static final long LAYER_EVENT_BYTES = 132;

  /**
   * Sorting a recording's layer events by inference before they stream (two int arrays), and each
   * event's duration kept for its layer's median (a long; at most 1 024 per layer are kept, so this
   * is an upper bound above 1 024 cycles).
   */
  static final long ANALYSIS_BYTES_PER_LAYER_EVENT = 16;

  /**
   * Per inference while analysing: the index from number to position (a map entry with its boxed
   * key and value, 80 B), the order by start (a boxed index, 20 B), and the stream's latency value
   * and number check (24 B).
   */
  static final long ANALYSIS_BYTES_PER_INFERENCE = 124;

  /** Storing a run's per-inference records: the samples' times in one array. */
  static final long DETAILS_BYTES_PER_SAMPLE = 8;

  /** One per-inference record (the record, its list slot), and 16 B per rail for its two arrays. */
  static final long DETAILS_BYTES_PER_INFERENCE = 96;

  /** Of a per-inference record, per rail (power and energy, with the arrays' headers amortized). */
  static final long DETAILS_BYTES_PER_INFERENCE_RAIL = 16;

  /** A real engine's profile record per layer event (ONNX Runtime: a record and its strings). */
  static final long REAL_ENGINE_BYTES_PER_LAYER_EVENT = 200;

  /** One inference event: the record (40 B) and its list slot. */
  static final long INFERENCE_BYTES = 48;

  /**
   * Heap to build an ONNX model per byte of its weights: each tensor is drawn as floats, copied to
   * bytes and encoded (the model keeps the encoding).
   */
  static final long BUILD_BYTES_PER_WEIGHT_BYTE = 3;

  /**
   * In the base: one run's results (runs, per-rail, per-layer and per-phase rows, features), with
   * DuckDB's partly filled blocks: the paper's study without raw data is 26.0 MB for 60 runs.
   */
  static final long STORED_BYTES_PER_RUN = 400L << 10;

  /** In the base: one per-inference record ({@code inference_records}). */
  static final long STORED_BYTES_PER_INFERENCE_RECORD = 20;

  /** In the base: one rail of a per-inference record ({@code inference_rail_records}). */
  static final long STORED_BYTES_PER_INFERENCE_RAIL = 24;

  /**
   * In the base: one raw sample of one rail ({@code power_reads}, one row per sample: 12.5 B per
   * sample of 3 rails on the paper's study, with a margin).
   */
  static final long STORED_BYTES_PER_SAMPLE_RAIL = 6;

  /** In the base: one raw layer event ({@code layer_event_rows}). */
  static final long STORED_BYTES_PER_LAYER_EVENT = 8;

  /** In the base: one raw inference event ({@code inference_events}). */
  static final long STORED_BYTES_PER_INFERENCE_EVENT = 20;

  /** Room left free on the base's disk after a study, for DuckDB's write-ahead log and the OS. */
  static final long DISK_RESERVE_BYTES = 64L << 20;

  /** Heap the tool itself holds besides the recording (the plan, the store's buffers). */
  static final long RESERVE_BYTES = 32L << 20;

  private final long heapBytes;
  private final long maxConfigurationNs;

  /**
   * A budget.
   *
   * @param heapBytes the memory a recording may take
   * @param maxConfigurationNs the longest a configuration may take
   */
  Budget(long heapBytes, long maxConfigurationNs) {
    this.heapBytes = heapBytes;
    this.maxConfigurationNs = maxConfigurationNs;
  }

  /**
   * The budget of this JVM: its heap ({@link Runtime#maxMemory()}) less {@link #RESERVE_BYTES}, and
   * {@link #MAX_CONFIGURATION_NS}. Not the heap free at this moment: within a study the last
   * configuration's recording is garbage the collector has not yet reclaimed.
   */
  public static Budget ofThisJvm() {
    return new Budget(Runtime.getRuntime().maxMemory() - RESERVE_BYTES, MAX_CONFIGURATION_NS);
  }

  /**
   * What one configuration needs.
   *
   * @param board the board's name, for messages
   * @param simulated whether the board is virtual (then the time is virtual and the model is never
   *     built)
   * @param buildsModel whether the model is built as an ONNX file in this JVM (a real board's
   *     study)
   * @param model the network's name
   * @param batch inputs per inference
   * @param protocol the protocol
   * @param cycleNs time per inference cycle; exact when {@code cycleKnown}, else a lower bound
   * @param inferences every inference of the protocol
   * @param layerEvents the layer phase's events
   * @param samples the power samples recorded
   * @param durationNs the protocol's time on the board
   * @param recordingBytes the recording's memory, with its analysis
   * @param weightBytes the model's weights, 4 B each
   * @param activationElements the largest layer's input and output, at the batch size
   * @param storedSummaryBytes what storing the run adds to the measurement base without its raw
   *     recording ({@code --keep-raw summary})
   * @param storedRawBytes what its raw samples and events add on top ({@code --keep-raw all})
   */
  public record Estimate(
      String board,
      boolean simulated,
      boolean buildsModel,
      String model,
      int batch,
      Protocol protocol,
      double cycleNs,
      boolean cycleKnown,
      double inferences,
      double layerEvents,
      double samples,
      double durationNs,
      double recordingBytes,
      double weightBytes,
      double activationElements,
      double storedSummaryBytes,
      double storedRawBytes) {

    /** The estimate as people read it: {@code about 1.2 GiB, 3.5 h}. */
    public String describe() {
      return "about "
          + bytes(recordingBytes)
          + " of memory and "
          + (cycleKnown ? "" : "at least ")
          + duration(durationNs)
          + (simulated ? " of simulated board time" : "");
    }
  }

  /**
   * Estimates one configuration.
   *
   * @param recorder the board, or null where none is open (a dry run on a real board)
   * @param settings the knob values the configuration applies
   * @param buildsModel whether the model is built as an ONNX file in this JVM
   */
  public static Estimate estimate(
      Recorder recorder,
      Workload workload,
      Map<String, String> settings,
      Protocol protocol,
      boolean buildsModel) {
    boolean simulated = recorder != null && recorder.simulated();
    String board = recorder == null ? "this board" : recorder.board();
    int layers = workload.network().layers().size();
    long macs = 0;
    double activations = 0;
    double weights = 0;
    for (LayerSpec l : workload.network().layers()) {
      macs += l.macs();
      weights += 4.0 * l.params();
      activations =
          Math.max(
              activations, (double) workload.batch() * (l.inputElements() + l.outputElements()));
    }
    OptionalLong expected =
        recorder == null ? OptionalLong.empty() : recorder.expectedCycleNs(workload, settings);
    double cycleNs =
        expected.isPresent()
            ? expected.getAsLong()
            : Math.max(1, (double) macs * workload.batch() / PEAK_MACS_PER_S * 1e9);
    // the most the layer phase can run: automatic layer cycles stop at the cap
    double layerCycles =
        workload.mode() == ExecutionMode.ASYNC
            ? 0
            : protocol.layerCycles() > 0 ? protocol.layerCycles() : protocol.maxLayerCycles();
    double inferences =
        (double) protocol.warmupCycles()
            + protocol.latencyCycles()
            + protocol.powerCycles()
            + layerCycles;
    double loggedNs = (protocol.powerCycles() + layerCycles) * cycleNs + protocol.idleNs();
    double durationNs = inferences * cycleNs + protocol.idleNs();
    int rails =
        recorder == null ? UNKNOWN_RAILS : recorder.rails().isEmpty() ? 0 : recorder.rails().size();
    long period =
        recorder != null && recorder.samplePeriodNs() > 0
            ? recorder.samplePeriodNs()
            : UNKNOWN_PERIOD_NS;
    double samples = rails == 0 ? 0 : loggedNs / period;
    double layerEvents = layerCycles * layers;
    double bytes =
        samples
                * (SAMPLE_BYTES_BASE
                    + ANALYSIS_BYTES_PER_SAMPLE
                    + DETAILS_BYTES_PER_SAMPLE
                    + SAMPLE_BYTES_PER_RAIL * rails)
            + layerEvents
                * (LAYER_EVENT_BYTES
                    + ANALYSIS_BYTES_PER_LAYER_EVENT
                    + (simulated ? 0 : REAL_ENGINE_BYTES_PER_LAYER_EVENT))
            + inferences
                * (INFERENCE_BYTES
                    + ANALYSIS_BYTES_PER_INFERENCE
                    + DETAILS_BYTES_PER_INFERENCE
                    + DETAILS_BYTES_PER_INFERENCE_RAIL * rails);
    double recorded = inferences - protocol.warmupCycles();
    double storedSummary =
        STORED_BYTES_PER_RUN
            + recorded
                * (STORED_BYTES_PER_INFERENCE_RECORD + STORED_BYTES_PER_INFERENCE_RAIL * rails);
    double storedRaw =
        samples * rails * STORED_BYTES_PER_SAMPLE_RAIL
            + layerEvents * STORED_BYTES_PER_LAYER_EVENT
            + inferences * STORED_BYTES_PER_INFERENCE_EVENT;
    return new Estimate(
        board,
        simulated,
        buildsModel,
        workload.network().name(),
        workload.batch(),
        protocol,
        cycleNs,
        expected.isPresent(),
        inferences,
        layerEvents,
        samples,
        durationNs,
        bytes,
        weights,
        activations,
        storedSummary,
        storedRaw);
  }

  /**
   * Why the measurement base cannot grow by {@code bytes} on a disk with {@code usableBytes} free,
   * in one line, or null when it can (with {@link #DISK_RESERVE_BYTES} to spare).
   *
   * @param base the base's file, for the message
   * @param keepRaw the {@code --keep-raw} level the bytes are for, for the message
   */
  public static String diskProblem(String base, double bytes, long usableBytes, String keepRaw) {
    if (bytes + DISK_RESERVE_BYTES <= usableBytes) {
      return null;
    }
    return "the measurement base "
        + base
        + " would grow by about "
        + bytes(bytes)
        + " (--keep-raw "
        + keepRaw
        + "), but its disk has "
        + bytes(usableBytes)
        + " free (and "
        + bytes(DISK_RESERVE_BYTES)
        + " must stay free); free some space, name a base on another disk with --db, or keep"
        + " less with --keep-raw summary";
  }

  /**
   * Why the configuration cannot be measured here, in one line (the number, the limit, what to
   * change), or null when it fits.
   */
  public String problem(Estimate e) {
    Protocol p = e.protocol();
    String on = e.model() + " on " + e.board();
    if (e.buildsModel()) {
      if (e.weightBytes() > LayerLimits.MAX_ONNX_BYTES) {
        return on
            + ": the model's weights take "
            + bytes(e.weightBytes())
            + ", more than one ONNX file can hold ("
            + bytes(LayerLimits.MAX_ONNX_BYTES)
            + "); use a smaller kernel or fewer channels";
      }
      if (e.weightBytes() * BUILD_BYTES_PER_WEIGHT_BYTE > heapBytes) {
        return on
            + ": building the model takes about "
            + bytes(e.weightBytes() * BUILD_BYTES_PER_WEIGHT_BYTE)
            + ", more than this JVM may use ("
            + bytes(heapBytes)
            + "); raise -Xmx (INFERWATT_JAVA_OPTS) or use a smaller model";
      }
    }
    if (!e.simulated() && e.activationElements() > LayerLimits.MAX_TENSOR_ELEMENTS) {
      return on
          + ": a layer's input and output at batch "
          + e.batch()
          + " hold "
          + count(e.activationElements())
          + " values, more than one tensor can ("
          + LayerLimits.MAX_TENSOR_ELEMENTS
          + "); use a smaller batch";
    }
    if (e.layerEvents() > LayerLimits.MAX_TENSOR_ELEMENTS) {
      return on
          + ": the layer phase would record "
          + count(e.layerEvents())
          + " layer events, more than one recording can hold ("
          + LayerLimits.MAX_TENSOR_ELEMENTS
          + "); lower the layer cycles (now "
          + layerCycles(p)
          + "; --layer-cycles/--max-layer-cycles, protocol.layer_cycles/max_layer_cycles)";
    }
    if (e.samples() > LayerLimits.MAX_TENSOR_ELEMENTS) {
      return on
          + ": the recording would hold "
          + count(e.samples())
          + " power samples, more than one recording can hold ("
          + LayerLimits.MAX_TENSOR_ELEMENTS
          + "); "
          + shorten(e);
    }
    if (e.recordingBytes() > heapBytes) {
      return on
          + ": the recording needs "
          + (e.cycleKnown() ? "about " : "at least ")
          + bytes(e.recordingBytes())
          + " of memory ("
          + count(e.samples())
          + " power samples, "
          + count(e.layerEvents())
          + " layer events, "
          + count(e.inferences())
          + " inferences), more than this JVM may use ("
          + bytes(heapBytes)
          + "); "
          + shorten(e)
          + ", or raise -Xmx (INFERWATT_JAVA_OPTS)";
    }
    if (e.durationNs() > maxConfigurationNs) {
      return on
          + ": the protocol takes "
          + (e.cycleKnown() ? "about " : "at least ")
          + duration(e.durationNs())
          + (e.simulated() ? " of simulated board time" : "")
          + ", more than the "
          + duration(maxConfigurationNs)
          + " one configuration may take; "
          + shorten(e);
    }
    return null;
  }

  /**
   * Refuses a configuration that does not fit.
   *
   * @throws IllegalArgumentException with {@link #problem}
   */
  public void check(Estimate e) {
    String p = problem(e);
    if (p != null) {
      throw new BadInputException(p);
    }
  }

  /** What to shorten: the phase that takes the most time. */
  private static String shorten(Estimate e) {
    Protocol p = e.protocol();
    double cycles = (double) p.latencyCycles() + p.powerCycles() + p.warmupCycles();
    double layer = e.layerEvents() == 0 ? 0 : layerCycles(p);
    double idle = p.idleNs();
    double cyclesNs = cycles * e.cycleNs();
    double layerNs = layer * e.cycleNs();
    if (idle >= cyclesNs && idle >= layerNs) {
      return "shorten the idle phase (now " + duration(idle) + "; --idle or protocol.idle)";
    }
    if (layerNs > cyclesNs) {
      return "lower the layer cycles (now "
          + layerCycles(p)
          + "; --layer-cycles/--max-layer-cycles or protocol.layer_cycles/max_layer_cycles)";
    }
    return "lower the cycles (now "
        + p.powerCycles()
        + " per phase, "
        + duration(e.cycleNs())
        + " each; --cycles or protocol.cycles) or choose a smaller model";
  }

  private static long layerCycles(Protocol p) {
    return p.layerCycles() > 0 ? p.layerCycles() : p.maxLayerCycles();
  }

  /** {@code 1.5 GiB}, {@code 300 MiB}. */
  static String bytes(double b) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int u = 0;
    while (b >= 1024 && u < units.length - 1) {
      b /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, u == 0 ? "%.0f %s" : "%.3g %s", b, units[u]);
  }

  /** {@code 1000 h}, {@code 2.50 min}, {@code 19.5 ms}. */
  static String duration(double ns) {
    if (ns >= 3600e9) {
      return String.format(Locale.ROOT, "%.4g h", ns / 3600e9);
    }
    if (ns >= 60e9) {
      return String.format(Locale.ROOT, "%.3g min", ns / 60e9);
    }
    if (ns >= 1e9) {
      return String.format(Locale.ROOT, "%.3g s", ns / 1e9);
    }
    return String.format(Locale.ROOT, "%.3g ms", ns / 1e6);
  }

  /** {@code 2.25e+09}, {@code 125000}. */
  static String count(double n) {
    return n < 1e7 ? String.format(Locale.ROOT, "%.0f", n) : String.format(Locale.ROOT, "%.3g", n);
  }
}
