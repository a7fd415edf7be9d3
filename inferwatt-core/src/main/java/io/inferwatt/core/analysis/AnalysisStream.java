package io.inferwatt.core.analysis;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.EventSink;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.Phases;
import io.inferwatt.core.PowerSample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The analysis of one recording as it streams: events ({@link EventSink}) and samples ({@link
 * #accept(PowerSample)}) are pushed in time order and folded into aggregates at once; {@link
 * #finish()} gives the {@link AnalysisResult}. Memory depends on the layers and rails and on how
 * far the two inputs run apart in time, not on the length of the run (except 8 bytes per inference
 * for the latency percentiles and 16 for the check that no inference number repeats).
 *
 * <p>What "time order" means: the phases are known from the start (constructor); an inference's
 * lines (its {@code inference} line and its {@code layer} lines) come together, inferences in
 * non-decreasing start; samples in increasing {@code tNs}. Samples may run ahead of the events (a
 * sample is held until an inference starting after it has arrived, or until {@link #finish()});
 * events may run ahead of the samples. Events out of that order throw {@link OutOfOrder}, so that
 * the caller can sort them (see {@link Analyzer}).
 *
 * <p>A live recorder pushes samples and events as they come and calls {@link #finish()} at the end;
 * a file reader or a stored run does the same from two streams, each read once ({@link #replay}).
 *
 * <p>About 540 lines, one job: the order checks of the event stream, the layout of each inference's
 * layers and the sweep of each sample over the inferences, layers, idle time and phases share the
 * watermark and the per-slot arrays, and split apart they would pass them back and forth on every
 * sample. What does not share them lives in its own class: the open inference's layer lines ({@link
 * LayerGroup}), the power set ({@link InferencePower}), the window fit ({@link WindowStream}) and
 * the result ({@link StreamResult}).
 */
public final class AnalysisStream implements EventSink {

  private static final double NS_PER_MS = 1e6;

  /** Events that are not in time order; the message says where. */
  public static final class OutOfOrder extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    OutOfOrder(String message) {
      super(message);
    }
  }

  final List<String> rails;
  private final int[] railIdx;
  private final int nr;
  final boolean simulated;
  final AnalysisOptions options;
  final List<String> warnings = new ArrayList<>();
  final List<PhaseEvent> phases;
  private final boolean hasLatency;
  private final boolean hasPower;
  private final boolean hasLayers;
  final long[] phaseInferences;

  // --- the open inference group
  private long groupSeq;
  private boolean groupOpen;
  private InferenceEvent groupInference;
  private final LayerGroup group = new LayerGroup();
  private final LongSet seen = new LongSet();
  private long lastGroupStart = Long.MIN_VALUE;
  private long watermark = Long.MIN_VALUE;

  // --- whole inferences
  long nonWarmup;
  private final Map<Integer, Integer> batchCounts = new HashMap<>();
  int bestBatch = 1;
  private int bestBatchCount;
  private double[] latencyMs = new double[1024];
  private int latencyCount;

  // power set: each inference with its running sums, folded in start order
  final InferencePower power;

  // --- layers (paper's mapping) and their layout statistics
  private final IntervalQueue layerPoints = new IntervalQueue();
  int slotCount;
  String[] names = new String[16];
  String[] types = new String[16];
  long[] cycles = new long[16];
  double[] durationSumNs = new double[16];
  final SlotMedians durationMedians = new SlotMedians();
  RunningStats[][] layerPower = new RunningStats[16][];
  long[] layerSamples = new long[16];
  final RunningStats[] tailPower;
  long tailSamples;
  double tailSumNs;
  long tailCount;
  long clipped;
  long layerInferences;
  final WindowStream window;

  // --- idle and phases
  private final IntervalSweep idlePoints;
  final RunningStats[] idlePower;
  private final IntervalSweep phasePoints;
  private final IntervalSweep[] phaseAreas;
  final long[] phaseSamples;
  final double[] phaseArea;

  // --- samples
  private final PeriodEstimator period = new PeriodEstimator();
  private long prevT = Long.MIN_VALUE;
  boolean anySample;
  private final double[] p;
  final long[] firstValid;
  final long[] lastValid;
  private final double[] lastValue;
  final long[] gaps;
  private final SampleQueue pending = new SampleQueue();
  private boolean finished;
  private long lastAccepted;
  private boolean acceptedAny;

  /**
   * A stream over a recording with these rails and phases.
   *
   * @param allRails the rail names of the samples, lower case
   * @param phases every phase of the recording (known before its inferences)
   * @param simulated whether the recording comes from a simulated board
   * @param options what to compute
   * @throws IllegalArgumentException for a rail asked for that the recording lacks
   */
  public AnalysisStream(
      List<String> allRails, List<PhaseEvent> phases, boolean simulated, AnalysisOptions options) {
    this(allRails, phases, simulated, options, WindowStream.INTERVAL_CAP);
  }

  /** With another cap on the window fit's held layer intervals ({@link WindowStream}; tests). */
  AnalysisStream(
      List<String> allRails,
      List<PhaseEvent> phases,
      boolean simulated,
      AnalysisOptions options,
      int intervalCap) {
    this.simulated = simulated;
    this.options = options;
    List<String> wanted = options.rails().isEmpty() ? allRails : options.rails();
    railIdx = new int[wanted.size()];
    for (int i = 0; i < wanted.size(); i++) {
      int at = allRails.indexOf(wanted.get(i));
      if (at < 0) {
        throw new BadInputException(
            "rail '"
                + wanted.get(i)
                + "' is not in the recording; its rails are "
                + String.join(", ", allRails));
      }
      railIdx[i] = at;
    }
    rails = List.copyOf(wanted);
    nr = rails.size();
    List<PhaseEvent> sorted = new ArrayList<>(phases);
    sorted.sort(Comparator.comparingLong(PhaseEvent::startNs));
    this.phases = List.copyOf(sorted);
    hasLatency = has(Phases.LATENCY);
    hasPower = has(Phases.POWER);
    hasLayers = has(Phases.LAYERS);
    phaseInferences = new long[sorted.size()];

    power = new InferencePower(nr);
    tailPower = newStats(nr);

    List<PhaseEvent> idle = new ArrayList<>();
    for (PhaseEvent ph : sorted) {
      if (ph.name().equals(Phases.IDLE)) {
        idle.add(ph);
      }
    }
    idlePoints = Analyzer.sweepOf(idle);
    idlePower = newStats(nr);
    phasePoints = Analyzer.sweepOf(sorted);
    phaseAreas = new IntervalSweep[nr];
    for (int r = 0; r < nr; r++) {
      phaseAreas[r] = Analyzer.sweepOf(sorted);
    }
    phaseSamples = new long[sorted.size()];
    phaseArea = new double[sorted.size() * nr];

    p = new double[nr];
    firstValid = new long[nr];
    lastValid = new long[nr];
    lastValue = new double[nr];
    gaps = new long[nr];
    Arrays.fill(firstValid, Long.MIN_VALUE);
    Arrays.fill(lastValid, Long.MIN_VALUE);
    window =
        options.mapping() == LayerMapping.PAPER
            ? null
            : new WindowStream(nr, options, warnings, period::medianNs, intervalCap);
  }

  private boolean has(String name) {
    for (PhaseEvent ph : phases) {
      if (ph.name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private boolean startsIn(long t, String name) {
    for (PhaseEvent ph : phases) {
      if (ph.name().equals(name) && ph.contains(t)) {
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ events

  @Override
  public void inference(InferenceEvent e) {
    if (groupOpen && e.seq() != groupSeq) {
      closeGroup();
    }
    if (groupOpen && groupInference != null) {
      throw new BadInputException("inference seq " + e.seq() + " appears twice");
    }
    if (!groupOpen) {
      openGroup(e.seq());
    }
    groupInference = e;
  }

  @Override
  public void layer(
      long seq,
      int index,
      String name,
      String type,
      long durationNs,
      long startNsOrMin,
      long line) {
    if (groupOpen && seq != groupSeq) {
      closeGroup();
    }
    if (!groupOpen) {
      openGroup(seq);
    }
    group.add(index, name, type, durationNs, startNsOrMin, line);
  }

  /** Phases come with the constructor; one seen again in the stream is ignored. */
  @Override
  public void phase(PhaseEvent e) {}

  private void openGroup(long seq) {
    if (seen.contains(seq)) {
      throw new OutOfOrder(
          "the events of inference seq "
              + seq
              + " are not together (its lines are split by other inferences' lines)");
    }
    groupOpen = true;
    groupSeq = seq;
    groupInference = null;
    group.clear();
  }

  private void closeGroup() {
    groupOpen = false;
    seen.add(groupSeq);
    InferenceEvent inf = groupInference;
    if (inf == null) {
      throw new OutOfOrder(
          (group.line[0] > 0 ? "line " + group.line[0] + ": " : "")
              + "layer "
              + group.index[0]
              + " belongs to inference seq "
              + groupSeq
              + ", whose inference line is not next to it");
    }
    if (inf.startNs() < lastGroupStart) {
      throw new OutOfOrder(
          "inference seq "
              + inf.seq()
              + " starts at "
              + inf.startNs()
              + " ns, before the one before it ("
              + lastGroupStart
              + " ns)");
    }
    lastGroupStart = inf.startNs();
    for (int i = 0; i < phases.size(); i++) {
      if (phases.get(i).contains(inf.startNs())) {
        phaseInferences[i]++;
      }
    }
    if (!startsIn(inf.startNs(), Phases.WARMUP)) {
      nonWarmup++;
      int c = batchCounts.merge(inf.batch(), 1, Integer::sum);
      if (c > bestBatchCount) {
        bestBatch = inf.batch();
        bestBatchCount = c;
      }
      if (!hasLatency || startsIn(inf.startNs(), Phases.LATENCY)) {
        if (latencyCount == latencyMs.length) {
          latencyMs = Arrays.copyOf(latencyMs, latencyCount * 2);
        }
        latencyMs[latencyCount++] = inf.latencyNs() / NS_PER_MS;
      }
      if (!hasPower || startsIn(inf.startNs(), Phases.POWER)) {
        power.add(inf);
      }
      if (!hasLayers || startsIn(inf.startNs(), Phases.LAYERS)) {
        layOut(inf);
      }
    }
    advanceWatermark(inf.startNs());
  }

  /** Lays the group's layers on the time axis (paper §III.B), as {@code LayerLayout} did. */
  private void layOut(InferenceEvent inf) {
    group.sortByIndex();
    layerInferences++;
    if (window != null) {
      window.inference(inf.startNs(), inf.endNs());
    }
    long cursor = inf.startNs();
    int prevIndex = -1;
    for (int i = 0; i < group.size; i++) {
      int slot = group.index[i];
      if (slot == prevIndex) {
        throw new BadInputException(
            (group.line[i] > 0 ? "line " + group.line[i] + ": " : "")
                + "layer index "
                + slot
                + " appears twice in inference seq "
                + inf.seq());
      }
      prevIndex = slot;
      ensureSlot(slot);
      if (names[slot] == null) {
        names[slot] = group.name[i];
        types[slot] = group.type[i];
      }
      long dur = group.durationNs[i];
      cycles[slot]++;
      durationSumNs[slot] += dur;
      durationMedians.add(slot, dur);
      long own = group.ownStartNs[i];
      long start = own == Long.MIN_VALUE ? cursor : own;
      start = Math.max(start, inf.startNs());
      long end = start + dur;
      if (end > inf.endNs()) {
        clipped++;
        end = inf.endNs();
      }
      if (end > start) {
        addLayerInterval(start, end, slot);
      }
      cursor = Math.max(cursor, end);
    }
    tailCount++;
    if (cursor < inf.endNs()) {
      tailSumNs += inf.endNs() - cursor;
      addLayerInterval(cursor, inf.endNs(), -1);
    }
  }

  private void addLayerInterval(long start, long end, int slot) {
    layerPoints.add(start, end, slot);
    if (window != null) {
      window.interval(start, end, slot);
    }
  }

  private void ensureSlot(int slot) {
    if (slot >= names.length) {
      int n = Math.max(slot + 1, names.length * 2);
      names = Arrays.copyOf(names, n);
      types = Arrays.copyOf(types, n);
      cycles = Arrays.copyOf(cycles, n);
      durationSumNs = Arrays.copyOf(durationSumNs, n);
      layerPower = Arrays.copyOf(layerPower, n);
      layerSamples = Arrays.copyOf(layerSamples, n);
    }
    for (int s = slotCount; s <= slot; s++) {
      layerPower[s] = newStats(nr);
    }
    slotCount = Math.max(slotCount, slot + 1);
  }

  /**
   * The start of the last inference taken in: samples before it can be analysed at once. A reader
   * that merges two streams reads events until this passes the next sample's time.
   */
  public long watermarkNs() {
    return watermark;
  }

  // ------------------------------------------------------------------ samples

  /**
   * One power sample, in increasing {@code tNs}; its values are indexed like the recording's rails.
   * Held until the events up to its time have arrived.
   */
  public void accept(PowerSample s) {
    if (s.tNs() <= lastAccepted && acceptedAny) {
      throw new BadInputException(
          "samples are not strictly increasing in time: t_ns "
              + s.tNs()
              + " after "
              + lastAccepted);
    }
    lastAccepted = s.tNs();
    acceptedAny = true;
    if (s.tNs() < watermark && pending.isEmpty()) {
      process(s.tNs(), s.readEndNs(), s.powerMw());
    } else {
      pending.add(s.tNs(), s.readEndNs(), s.powerMw(), railIdx);
    }
  }

  private void advanceWatermark(long t) {
    watermark = Math.max(watermark, t);
    while (!pending.isEmpty() && pending.firstT() < watermark) {
      pending.pollInto(this);
    }
    if (window != null) {
      window.watermark(watermark);
    }
  }

  /** Called by the sample queue with a held sample (values already in reported-rail order). */
  void processHeld(long t, long readEnd, double[] values) {
    System.arraycopy(values, 0, p, 0, nr);
    step(t, readEnd);
  }

  private void process(long t, long readEnd, double[] all) {
    for (int r = 0; r < nr; r++) {
      p[r] = all[railIdx[r]];
    }
    step(t, readEnd);
  }

  private void step(long t, long readEnd) {
    if (anySample) {
      period.add(t - prevT);
    }
    for (int r = 0; r < nr; r++) {
      if (Double.isNaN(p[r])) {
        gaps[r]++;
        continue;
      }
      if (firstValid[r] == Long.MIN_VALUE) {
        firstValid[r] = t;
      } else {
        power.integrate(r, lastValid[r], lastValue[r], t, p[r]);
        integrate(phaseAreas[r], lastValid[r], lastValue[r], t, p[r], phaseArea, r);
      }
      lastValid[r] = t;
      lastValue[r] = p[r];
    }
    power.point(t, p);
    int k;
    k = layerPoints.advance(t);
    for (int i = 0; i < k; i++) {
      int slot = layerPoints.tag(layerPoints.active(i));
      if (slot >= 0) {
        layerSamples[slot]++;
        Analyzer.addAll(layerPower[slot], p);
      } else {
        tailSamples++;
        Analyzer.addAll(tailPower, p);
      }
    }
    if (idlePoints.advance(t) > 0) {
      Analyzer.addAll(idlePower, p);
    }
    k = phasePoints.advance(t);
    for (int i = 0; i < k; i++) {
      phaseSamples[phasePoints.active(i)]++;
    }
    prevT = t;
    anySample = true;
    if (window != null) {
      window.sample(t, readEnd, p);
    }
    power.retire(false, prevT, firstValid, lastValid);
  }

  private void integrate(
      IntervalSweep sweep, long t0, double p0, long t1, double p1, double[] area, int r) {
    Analyzer.integrate(sweep, t0, p0, t1, p1, area, nr, r);
  }

  /**
   * Feeds a recording read from two streams side by side in time (a samples file and an events
   * file, or a stored run's two cursors): before each sample, the events until the watermark passes
   * its time; then the events left. Returns {@link #finish()}.
   *
   * @param samples the samples in increasing {@code tNs}
   * @param nextEvent pushes the next event into this stream; false at the end
   */
  public AnalysisResult replay(Iterator<PowerSample> samples, BooleanSupplier nextEvent) {
    boolean more = true;
    while (samples.hasNext()) {
      PowerSample s = samples.next();
      while (more && watermark <= s.tNs()) {
        more = nextEvent.getAsBoolean();
      }
      accept(s);
    }
    while (more) {
      more = nextEvent.getAsBoolean();
    }
    return finish();
  }

  // ------------------------------------------------------------------ the end

  /** Ends the run: folds what is held and returns the analysis. */
  public AnalysisResult finish() {
    if (finished) {
      throw new IllegalStateException("finish() was called before");
    }
    finished = true;
    if (groupOpen) {
      closeGroup();
    }
    advanceWatermark(Long.MAX_VALUE);
    power.retire(true, prevT, firstValid, lastValid);
    return new StreamResult(this).build();
  }

  // the fields StreamResult reads are package-private

  double[] latencies() {
    return Arrays.copyOf(latencyMs, latencyCount);
  }

  double periodMs() {
    return period.medianNs() / NS_PER_MS;
  }

  private static RunningStats[] newStats(int n) {
    RunningStats[] a = new RunningStats[n];
    for (int i = 0; i < n; i++) {
      a[i] = new RunningStats();
    }
    return a;
  }
}
