package io.inferwatt.core.analysis;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.SampleSource;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.AnalysisResult.LatencyMs;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The analysis of one recording: latency statistics, power and energy per inference, the paper's
 * layer mapping (§III.B) or the window-aware one ({@link LayerMapping}), idle power and energy per
 * phase, all in one pass over the time-sorted samples: the events of a log held in memory are fed
 * with the samples, in time order, into an {@link AnalysisStream}, which does the work (a recorder
 * or a file reader can feed one directly).
 *
 * <p>Which inferences count for what: inferences that start inside a {@code warmup} phase count for
 * nothing; latency comes from the {@code latency} phase, power and energy from the {@code power}
 * phase and the layer mapping from the {@code layers} phase, each of them from every non-warm-up
 * inference when the recording has no such phase. Idle power comes from the {@code idle} phase.
 */
public final class Analyzer {

  private static final double NS_PER_MS = 1e6;

  /** Fewer equivalent samples than this and the window fit does not report a layer's power. */
  static final double MIN_EQUIVALENT_SAMPLES = 0.5;

  private Analyzer() {}

  /** Analyses a recording held in memory. */
  public static AnalysisResult analyze(
      Timeline timeline, boolean simulated, AnalysisOptions options) {
    return analyze(timeline.rails(), timeline, timeline.events(), simulated, options);
  }

  /**
   * Analyses a recording whose samples can be read several times (needed by the window-aware layer
   * mapping).
   *
   * @param rails the rail names of the samples, lower case
   * @param samples samples in strictly increasing {@code tNs}, re-readable
   * @param events the recording's events
   * @param simulated whether the recording comes from a simulated board
   * @param options what to compute
   * @throws IllegalArgumentException for events that contradict each other, unsorted samples or an
   *     unknown rail
   */
  public static AnalysisResult analyze(
      List<String> rails,
      SampleSource samples,
      EventLog events,
      boolean simulated,
      AnalysisOptions options) {
    return run(rails, samples.open(), events, simulated, options);
  }

  /**
   * Analyses a recording whose samples stream once. The layer mapping is then the paper's (the
   * window-aware mapping needs {@link #analyze(List, SampleSource, EventLog, boolean,
   * AnalysisOptions)}); the result's {@link MappingInfo} says so.
   *
   * @param rails the rail names of the samples, lower case
   * @param samples samples in strictly increasing {@code tNs}
   * @param events the recording's events
   * @param simulated whether the recording comes from a simulated board
   * @param options what to compute
   * @throws IllegalArgumentException for events that contradict each other, unsorted samples or an
   *     unknown rail
   */
  public static AnalysisResult analyze(
      List<String> rails,
      Iterator<PowerSample> samples,
      EventLog events,
      boolean simulated,
      AnalysisOptions options) {
    return run(rails, samples, events, simulated, options);
  }

  /**
   * Feeds an in-memory event log and a sample stream into a new {@link AnalysisStream} in time
   * order (each inference with its layers, inferences by start; samples merged in between) and
   * returns its result.
   */
  private static AnalysisResult run(
      List<String> rails,
      Iterator<PowerSample> samples,
      EventLog events,
      boolean simulated,
      AnalysisOptions options) {
    AnalysisStream stream = new AnalysisStream(rails, events.phases(), simulated, options);
    feed(stream, samples, events);
    return stream.finish();
  }

  /**
   * Feeds the events and the samples into {@code stream} in time order (each inference with its
   * layers, inferences by start; samples merged in between), without finishing it.
   */
  static void feed(AnalysisStream stream, Iterator<PowerSample> samples, EventLog events) {
    List<InferenceEvent> infs = events.inferences();
    Map<Long, Integer> pos = new HashMap<>(infs.size() * 2);
    for (int i = 0; i < infs.size(); i++) {
      if (pos.put(infs.get(i).seq(), i) != null) {
        throw new BadInputException("inference seq " + infs.get(i).seq() + " appears twice");
      }
    }
    // layers grouped by inference, in the order added (a counting sort)
    int n = events.layerCount();
    int[] at = new int[n];
    int[] first = new int[infs.size() + 1];
    for (int i = 0; i < n; i++) {
      Integer p = pos.get(events.layerSeq(i));
      if (p == null) {
        throw new BadInputException(
            (events.layerLine(i) > 0 ? "line " + events.layerLine(i) + ": " : "")
                + "layer "
                + events.layerIndex(i)
                + " belongs to unknown inference seq "
                + events.layerSeq(i));
      }
      at[i] = p;
      first[p + 1]++;
    }
    for (int i = 1; i < first.length; i++) {
      first[i] += first[i - 1];
    }
    int[] order = new int[n];
    int[] fill = Arrays.copyOf(first, first.length);
    for (int i = 0; i < n; i++) {
      order[fill[at[i]]++] = i;
    }
    Integer[] byStart = new Integer[infs.size()];
    for (int i = 0; i < byStart.length; i++) {
      byStart[i] = i;
    }
    Arrays.sort(byStart, Comparator.comparingLong(i -> infs.get(i).startNs()));
    int next = 0;
    while (samples.hasNext()) {
      PowerSample s = samples.next();
      while (next < byStart.length && infs.get(byStart[next]).startNs() <= s.tNs()) {
        push(stream, events, infs.get(byStart[next]), order, first, byStart[next]);
        next++;
      }
      stream.accept(s);
    }
    for (; next < byStart.length; next++) {
      push(stream, events, infs.get(byStart[next]), order, first, byStart[next]);
    }
  }

  private static void push(
      AnalysisStream stream, EventLog ev, InferenceEvent inf, int[] order, int[] first, int p) {
    stream.inference(inf);
    for (int j = first[p]; j < first[p + 1]; j++) {
      int i = order[j];
      stream.layer(
          ev.layerSeq(i),
          ev.layerIndex(i),
          ev.layerName(i),
          ev.layerType(i),
          ev.layerDurationNs(i),
          ev.layerStartNsOrMin(i),
          ev.layerLine(i));
    }
  }

  /** The sample mean with a CI from the spread of per-inference means. */
  static Estimate batchMeans(double mean, RunningStats means) {
    if (means.count() == 0) {
      return Estimate.NONE;
    }
    Estimate spread = means.estimate();
    if (Double.isNaN(spread.ci95Low())) {
      return new Estimate(mean, Double.NaN, Double.NaN, means.count());
    }
    double half = (spread.ci95High() - spread.ci95Low()) / 2;
    return new Estimate(mean, mean - half, mean + half, means.count());
  }

  /** Adds the trapezoid of rail {@code r} between two samples to every interval overlapping it. */
  static void integrate(
      IntervalSweep sweep, long t0, double p0, long t1, double p1, double[] area, int nr, int r) {
    int k = sweep.advanceWindow(t0, t1);
    for (int i = 0; i < k; i++) {
      int id = sweep.active(i);
      area[id * nr + r] += overlapMwNs(t0, p0, t1, p1, sweep.start(id), sweep.end(id));
    }
  }

  /**
   * The trapezoid between readings (t0, p0) and (t1, p1), mW × ns, over the part of [t0, t1] that
   * [a, b] covers, with the power interpolated linearly at its ends; 0 when they do not overlap.
   */
  public static double overlapMwNs(long t0, double p0, long t1, double p1, long a, long b) {
    long lo = Math.max(t0, a);
    long hi = Math.min(t1, b);
    if (hi <= lo) {
      return 0;
    }
    double span = t1 - t0;
    double pLo = p0 + (p1 - p0) * ((lo - t0) / span);
    double pHi = p0 + (p1 - p0) * ((hi - t0) / span);
    return (hi - lo) * (pLo + pHi) / 2;
  }

  /** Latency statistics of {@code ms} (in the order the inferences came; sorted here). */
  static LatencyMs latency(double[] ms) {
    int n = ms.length;
    if (n == 0) {
      return new LatencyMs(
          0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += ms[i];
    }
    Arrays.sort(ms);
    return new LatencyMs(
        n, sum / n, percentile(ms, 50), percentile(ms, 95), percentile(ms, 99), ms[0], ms[n - 1]);
  }

  /**
   * The {@code pct} percentile of {@code sorted} (ascending), by linear interpolation between
   * closest ranks (numpy's default); NaN for no values.
   */
  public static double percentile(double[] sorted, double pct) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double pos = (sorted.length - 1) * pct / 100.0;
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  static IntervalSweep sweepOf(List<PhaseEvent> sorted) {
    long[] s = new long[sorted.size()];
    long[] e = new long[sorted.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = sorted.get(i).startNs();
      e[i] = sorted.get(i).endNs();
    }
    return new IntervalSweep(s, e, s.length);
  }

  /** Adds each rail's value; a gap (NaN) is skipped, never summed. */
  static void addAll(RunningStats[] stats, double[] p) {
    for (int r = 0; r < stats.length; r++) {
      if (!Double.isNaN(p[r])) {
        stats[r].add(p[r]);
      }
    }
  }
}
