package io.inferwatt.core.analysis;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.Phases;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.SampleSource;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.AnalysisResult.InferenceSummary;
import io.inferwatt.core.analysis.AnalysisResult.LatencyMs;
import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import io.inferwatt.core.analysis.AnalysisResult.MappingInfo;
import io.inferwatt.core.analysis.AnalysisResult.PhaseSummary;
import io.inferwatt.core.analysis.AnalysisResult.Unattributed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The analysis of one recording: latency statistics, power and energy per inference, the paper's
 * layer mapping (§III.B), idle power and energy per phase, all in one pass over the time-sorted
 * samples. Events are held in memory; samples stream, so a recording of any length fits. The
 * window-aware layer mapping ({@link LayerMapping}, the default) reads the samples a few more
 * times, so it needs a {@link SampleSource}; over a plain {@link Iterator} the paper's mapping is
 * used.
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
    return new Run(rails, events, simulated, options).run(samples.open(), samples);
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
    return new Run(rails, events, simulated, options).run(samples, null);
  }

  /** One analysis; all state lives here. */
  private static final class Run {
    private final List<String> allRails;
    private final int[] railIdx; // reported rail -> index in the sample
    private final List<String> rails;
    private final EventLog events;
    private final boolean simulated;
    private final AnalysisOptions options;
    private final List<String> warnings = new ArrayList<>();

    Run(List<String> allRails, EventLog events, boolean simulated, AnalysisOptions options) {
      this.allRails = allRails;
      this.events = events;
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
    }

    /** {@code source} may be null: then {@code samples} is read once and nothing more. */
    AnalysisResult run(Iterator<PowerSample> samples, SampleSource source) {
      int nr = rails.size();
      List<PhaseEvent> phases = new ArrayList<>(events.phases());
      phases.sort(Comparator.comparingLong(PhaseEvent::startNs));
      checkUniqueSeq();

      List<InferenceEvent> nonWarmup =
          filter(events.inferences(), e -> !startsIn(e, phases, Phases.WARMUP));
      List<InferenceEvent> latencySet = phaseSet(nonWarmup, phases, Phases.LATENCY);
      List<InferenceEvent> powerSet = sortedByStart(phaseSet(nonWarmup, phases, Phases.POWER));
      List<InferenceEvent> layerSet = sortedByStart(phaseSet(nonWarmup, phases, Phases.LAYERS));

      // --- power per inference
      int np = powerSet.size();
      long[] pStart = new long[np];
      long[] pEnd = new long[np];
      for (int i = 0; i < np; i++) {
        pStart[i] = powerSet.get(i).startNs();
        pEnd[i] = powerSet.get(i).endNs();
      }
      IntervalSweep powerPoints = new IntervalSweep(pStart, pEnd, np);
      IntervalSweep powerAreas = new IntervalSweep(pStart, pEnd, np);
      long[] pCount = new long[np];
      double[] pSum = new double[np * nr];
      double[] pArea = new double[np * nr]; // mW * ns

      // --- layers
      LayerLayout layout = LayerLayout.build(events, layerSet, warnings);
      IntervalSweep layerPoints =
          new IntervalSweep(layout.starts, layout.ends, layout.intervalCount);
      int slots = layout.slotCount;
      RunningStats[][] layerPower = new RunningStats[slots][nr];
      long[] layerSamples = new long[slots];
      for (RunningStats[] row : layerPower) {
        for (int r = 0; r < nr; r++) {
          row[r] = new RunningStats();
        }
      }
      RunningStats[] tailPower = newStats(nr);
      long tailSamples = 0;

      // --- idle and phases
      List<PhaseEvent> idle = filter(phases, p -> p.name().equals(Phases.IDLE));
      IntervalSweep idlePoints = sweepOf(idle);
      RunningStats[] idlePower = newStats(nr);
      IntervalSweep phasePoints = sweepOf(phases);
      IntervalSweep phaseAreas = sweepOf(phases);
      long[] phaseSamples = new long[phases.size()];
      double[] phaseArea = new double[phases.size() * nr];

      // --- the one pass
      PeriodEstimator period = new PeriodEstimator();
      long firstT = Long.MIN_VALUE;
      long prevT = Long.MIN_VALUE;
      double[] prevP = null;
      double[] p = new double[nr];
      while (samples.hasNext()) {
        PowerSample s = samples.next();
        long t = s.tNs();
        if (prevP != null && t <= prevT) {
          throw new BadInputException(
              "samples are not strictly increasing in time: t_ns " + t + " after " + prevT);
        }
        for (int r = 0; r < nr; r++) {
          p[r] = s.powerMw()[railIdx[r]];
        }
        if (prevP == null) {
          firstT = t;
        } else {
          period.add(t - prevT);
          integrate(powerAreas, prevT, prevP, t, p, pArea, nr);
          integrate(phaseAreas, prevT, prevP, t, p, phaseArea, nr);
        }
        int k = powerPoints.advance(t);
        for (int i = 0; i < k; i++) {
          int id = powerPoints.active(i);
          pCount[id]++;
          for (int r = 0; r < nr; r++) {
            pSum[id * nr + r] += p[r];
          }
        }
        k = layerPoints.advance(t);
        for (int i = 0; i < k; i++) {
          int slot = layout.slotOf[layerPoints.active(i)];
          if (slot >= 0) {
            layerSamples[slot]++;
            addAll(layerPower[slot], p);
          } else {
            tailSamples++;
            addAll(tailPower, p);
          }
        }
        if (idlePoints.advance(t) > 0) {
          addAll(idlePower, p);
        }
        k = phasePoints.advance(t);
        for (int i = 0; i < k; i++) {
          phaseSamples[phasePoints.active(i)]++;
        }
        if (prevP == null) {
          prevP = new double[nr];
        }
        System.arraycopy(p, 0, prevP, 0, nr);
        prevT = t;
      }
      long lastT = prevT;
      double periodMs = period.medianNs() / NS_PER_MS;

      // --- whole inferences
      LatencyMs latency = latency(latencySet);
      Map<String, Estimate> powerMw = new LinkedHashMap<>();
      Map<String, Double> energyMj = new LinkedHashMap<>();
      Map<String, Double> energyPaper = new LinkedHashMap<>();
      long withSamples = 0;
      for (int i = 0; i < np; i++) {
        if (pCount[i] > 0) {
          withSamples++;
        }
      }
      for (int r = 0; r < nr; r++) {
        RunningStats means = new RunningStats();
        double total = 0;
        long count = 0;
        RunningStats energy = new RunningStats();
        for (int i = 0; i < np; i++) {
          if (pCount[i] > 0) {
            means.add(pSum[i * nr + r] / pCount[i]);
            total += pSum[i * nr + r];
            count += pCount[i];
          }
          boolean covered = firstT != Long.MIN_VALUE && firstT <= pStart[i] && lastT >= pEnd[i];
          if (covered) {
            energy.add(pArea[i * nr + r] / 1e9); // mW*ns -> mJ
          }
        }
        Estimate e = batchMeans(count == 0 ? Double.NaN : total / count, means);
        powerMw.put(rails.get(r), e);
        energyMj.put(rails.get(r), energy.mean());
        energyPaper.put(rails.get(r), e.mean() * latency.mean() / 1000.0);
      }
      if (np > 0 && withSamples == 0) {
        warnings.add(
            "no power sample fell inside any inference: power and energy are not measured");
      }
      InferenceSummary inf =
          new InferenceSummary(
              nonWarmup.size(),
              commonBatch(nonWarmup),
              latency,
              unmodifiable(powerMw),
              unmodifiable(energyMj),
              unmodifiable(energyPaper),
              withSamples);

      // --- layers
      WindowMapping.Outcome mapped = mapLayers(source, layout, layerSet, periodMs, prevP != null);
      WindowMapping.Fit fit = mapped.fit();
      List<LayerSummary> layerSummaries = new ArrayList<>();
      double fastestMs = Double.NaN;
      for (int slot = 0; slot < slots; slot++) {
        if (layout.cycles[slot] > 0) {
          double d = layout.durationSumNs[slot] / layout.cycles[slot] / NS_PER_MS;
          if (d > 0 && !(d >= fastestMs)) {
            fastestMs = d;
          }
        }
      }
      long cyclesNeeded = fit == null ? cyclesFor(fastestMs, periodMs) : -1;
      for (int slot = 0; slot < slots; slot++) {
        if (layout.cycles[slot] == 0) {
          continue;
        }
        double durMs = layout.durationSumNs[slot] / layout.cycles[slot] / NS_PER_MS;
        Map<String, Estimate> lp = new LinkedHashMap<>();
        Map<String, Double> le = new LinkedHashMap<>();
        // A layer the window fit hardly sees (a few equivalent samples) gets a number that the
        // model's residual cannot vouch for: report it as not measured rather than a wild value.
        boolean unresolved =
            fit != null && !(fit.equivalentSamples()[slot] >= MIN_EQUIVALENT_SAMPLES);
        for (int r = 0; r < nr; r++) {
          Estimate e =
              fit == null
                  ? layerPower[slot][r].estimate()
                  : unresolved ? Estimate.NONE : fit.powerMw()[slot][r];
          lp.put(rails.get(r), e);
          le.put(rails.get(r), e.mean() * durMs / 1000.0);
        }
        long mappedSamples = layerSamples[slot];
        long need = cyclesFor(durMs, periodMs);
        if (fit != null) {
          double eq = fit.equivalentSamples()[slot];
          mappedSamples = Double.isNaN(eq) ? 0 : Math.round(eq);
          need = cyclesForEquivalent(layout.cycles[slot], eq);
          // with windows the hardest layer need not be the fastest: the most cycles any needs
          cyclesNeeded = Math.max(cyclesNeeded, need);
        }
        layerSummaries.add(
            new LayerSummary(
                slot,
                layout.names[slot],
                layout.types[slot],
                mappedSamples,
                layout.cycles[slot],
                durMs,
                unmodifiable(lp),
                unmodifiable(le),
                need));
        if (unresolved) {
          warnings.add(
              String.format(
                  java.util.Locale.ROOT,
                  "layer %d (%s, %.4f ms) cannot be resolved with a %.3f ms sensor window"
                      + " (%.1f equivalent samples): its power is not reported; it needs about %s"
                      + " cycles for %d (or --mapping paper for the paper's window-blind numbers)",
                  slot,
                  layout.names[slot],
                  durMs,
                  mapped.info().windowMs(),
                  fit.equivalentSamples()[slot],
                  need < 0 ? "?" : Long.toString(need),
                  options.minSamplesPerLayer()));
        } else if (mappedSamples < options.minSamplesPerLayer() && prevP != null) {
          warnings.add(
              "layer "
                  + slot
                  + " ("
                  + layout.names[slot]
                  + ") got "
                  + mappedSamples
                  + (fit == null ? " samples" : " equivalent samples")
                  + ", fewer than "
                  + options.minSamplesPerLayer()
                  + "; it needs about "
                  + (need < 0 ? "?" : Long.toString(need))
                  + " cycles");
        }
      }
      double tailMs =
          layout.tailCount == 0 ? Double.NaN : layout.tailSumNs / layout.tailCount / NS_PER_MS;
      Unattributed tail =
          fit == null
              ? new Unattributed(tailSamples, tailMs, estimates(tailPower))
              : new Unattributed(
                  equivalent(fit.equivalentSamples()[fit.tailColumn()]),
                  tailMs,
                  estimates(fit.powerMw()[fit.tailColumn()]));

      // --- phases
      List<PhaseSummary> phaseSummaries = new ArrayList<>();
      for (int i = 0; i < phases.size(); i++) {
        PhaseEvent ph = phases.get(i);
        Map<String, Double> en = new LinkedHashMap<>();
        Map<String, Double> pw = new LinkedHashMap<>();
        boolean covered = firstT != Long.MIN_VALUE && firstT <= ph.startNs() && lastT >= ph.endNs();
        for (int r = 0; r < nr; r++) {
          double mj = covered ? phaseArea[i * nr + r] / 1e9 : Double.NaN;
          en.put(rails.get(r), mj);
          pw.put(rails.get(r), ph.durationNs() > 0 ? mj / (ph.durationNs() / 1e9) : Double.NaN);
        }
        long infs = events.inferences().stream().filter(e -> ph.contains(e.startNs())).count();
        phaseSummaries.add(
            new PhaseSummary(
                ph.name(),
                ph.durationNs() / NS_PER_MS,
                phaseSamples[i],
                infs,
                unmodifiable(en),
                unmodifiable(pw)));
      }

      MappingInfo mapping = mapped.info();
      return new AnalysisResult(
          rails,
          simulated,
          inf,
          layerSummaries,
          tail,
          estimates(idlePower),
          phaseSummaries,
          periodMs,
          options.minSamplesPerLayer(),
          cyclesNeeded,
          mapping,
          warnings);
    }

    /** The window-aware mapping, or the reason why the paper's applies. */
    private WindowMapping.Outcome mapLayers(
        SampleSource source,
        LayerLayout layout,
        List<InferenceEvent> layerSet,
        double periodMs,
        boolean anySamples) {
      if (options.mapping() == LayerMapping.PAPER || layout.intervalCount == 0 || !anySamples) {
        return new WindowMapping.Outcome(MappingInfo.PAPER, null);
      }
      if (source == null) {
        if (options.mapping() == LayerMapping.WINDOW) {
          warnings.add(
              "the window-aware layer mapping needs samples it can read more than once; these"
                  + " were streamed once, so the paper's mapping is used");
        }
        return WindowMapping.paper(
            "samples streamed once: the window-aware mapping needs a re-readable sample source");
      }
      long spanStart = Long.MAX_VALUE;
      long spanEnd = Long.MIN_VALUE;
      double latencySumNs = 0;
      for (InferenceEvent e : layerSet) {
        spanStart = Math.min(spanStart, e.startNs());
        spanEnd = Math.max(spanEnd, e.endNs());
        latencySumNs += e.latencyNs();
      }
      return WindowMapping.map(
          source,
          railIdx,
          layout,
          spanStart,
          spanEnd,
          periodMs * NS_PER_MS,
          latencySumNs / layerSet.size(),
          options,
          warnings);
    }

    /** Cycles for {@code equivalent} samples (seen over {@code cycles}) to reach the minimum. */
    private long cyclesForEquivalent(long cycles, double equivalent) {
      if (!(equivalent > 0)) {
        return -1;
      }
      return (long) Math.ceil(options.minSamplesPerLayer() * (double) cycles / equivalent);
    }

    private static long equivalent(double eq) {
      return Double.isNaN(eq) ? 0 : Math.round(eq);
    }

    private Map<String, Estimate> estimates(Estimate[] perRail) {
      Map<String, Estimate> m = new LinkedHashMap<>();
      for (int r = 0; r < perRail.length; r++) {
        m.put(rails.get(r), perRail[r]);
      }
      return unmodifiable(m);
    }

    private long cyclesFor(double layerMs, double periodMs) {
      if (!(layerMs > 0) || !(periodMs > 0)) {
        return -1;
      }
      return (long) Math.ceil(options.minSamplesPerLayer() * periodMs / layerMs);
    }

    private void checkUniqueSeq() {
      Map<Long, Boolean> seen = new HashMap<>();
      for (InferenceEvent e : events.inferences()) {
        if (seen.put(e.seq(), Boolean.TRUE) != null) {
          throw new BadInputException("inference seq " + e.seq() + " appears twice");
        }
      }
    }

    private Map<String, Estimate> estimates(RunningStats[] stats) {
      Map<String, Estimate> m = new LinkedHashMap<>();
      for (int r = 0; r < stats.length; r++) {
        m.put(rails.get(r), stats[r].estimate());
      }
      return unmodifiable(m);
    }
  }

  /** The sample mean with a CI from the spread of per-inference means. */
  private static Estimate batchMeans(double mean, RunningStats means) {
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

  /** Adds the trapezoid between two samples to every interval that overlaps it. */
  private static void integrate(
      IntervalSweep sweep, long t0, double[] p0, long t1, double[] p1, double[] area, int nr) {
    int k = sweep.advanceWindow(t0, t1);
    double span = t1 - t0;
    for (int i = 0; i < k; i++) {
      int id = sweep.active(i);
      long a = Math.max(t0, sweep.start(id));
      long b = Math.min(t1, sweep.end(id));
      if (b <= a) {
        continue;
      }
      double fa = (a - t0) / span;
      double fb = (b - t0) / span;
      for (int r = 0; r < nr; r++) {
        double pa = p0[r] + (p1[r] - p0[r]) * fa;
        double pb = p0[r] + (p1[r] - p0[r]) * fb;
        area[id * nr + r] += (b - a) * (pa + pb) / 2;
      }
    }
  }

  private static LatencyMs latency(List<InferenceEvent> set) {
    int n = set.size();
    if (n == 0) {
      return new LatencyMs(
          0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double[] ms = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      ms[i] = set.get(i).latencyNs() / NS_PER_MS;
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

  private static int commonBatch(List<InferenceEvent> set) {
    Map<Integer, Integer> counts = new HashMap<>();
    int best = 1;
    int bestCount = 0;
    for (InferenceEvent e : set) {
      int c = counts.merge(e.batch(), 1, Integer::sum);
      if (c > bestCount) {
        best = e.batch();
        bestCount = c;
      }
    }
    return best;
  }

  private static boolean startsIn(InferenceEvent e, List<PhaseEvent> phases, String name) {
    for (PhaseEvent p : phases) {
      if (p.name().equals(name) && p.contains(e.startNs())) {
        return true;
      }
    }
    return false;
  }

  private static List<InferenceEvent> phaseSet(
      List<InferenceEvent> candidates, List<PhaseEvent> phases, String name) {
    boolean has = phases.stream().anyMatch(p -> p.name().equals(name));
    return has ? filter(candidates, e -> startsIn(e, phases, name)) : candidates;
  }

  private static List<InferenceEvent> sortedByStart(List<InferenceEvent> in) {
    for (int i = 1; i < in.size(); i++) {
      if (in.get(i).startNs() < in.get(i - 1).startNs()) {
        List<InferenceEvent> copy = new ArrayList<>(in);
        copy.sort(Comparator.comparingLong(InferenceEvent::startNs));
        return copy;
      }
    }
    return in;
  }

  private static <T> List<T> filter(List<T> in, Predicate<T> keep) {
    List<T> out = new ArrayList<>(in.size());
    for (T t : in) {
      if (keep.test(t)) {
        out.add(t);
      }
    }
    return out;
  }

  private static IntervalSweep sweepOf(List<PhaseEvent> sorted) {
    long[] s = new long[sorted.size()];
    long[] e = new long[sorted.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = sorted.get(i).startNs();
      e[i] = sorted.get(i).endNs();
    }
    return new IntervalSweep(s, e, s.length);
  }

  private static RunningStats[] newStats(int n) {
    RunningStats[] a = new RunningStats[n];
    for (int i = 0; i < n; i++) {
      a[i] = new RunningStats();
    }
    return a;
  }

  private static void addAll(RunningStats[] stats, double[] p) {
    for (int r = 0; r < stats.length; r++) {
      stats[r].add(p[r]);
    }
  }

  private static <V> Map<String, V> unmodifiable(Map<String, V> m) {
    return Collections.unmodifiableMap(m);
  }
}
