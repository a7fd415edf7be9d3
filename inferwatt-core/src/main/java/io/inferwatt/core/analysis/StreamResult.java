package io.inferwatt.core.analysis;

import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.analysis.AnalysisResult.InferenceSummary;
import io.inferwatt.core.analysis.AnalysisResult.LatencyMs;
import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import io.inferwatt.core.analysis.AnalysisResult.MappingInfo;
import io.inferwatt.core.analysis.AnalysisResult.PhaseSummary;
import io.inferwatt.core.analysis.AnalysisResult.Unattributed;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the aggregates of a finished {@link AnalysisStream} into the {@link AnalysisResult}: whole
 * inferences, the layer mapping (the window fit's or the paper's), the tails, idle and phases, and
 * the warnings in a fixed order.
 */
final class StreamResult {
  private static final double NS_PER_MS = 1e6;

  private final AnalysisStream s;
  private final List<String> rails;
  private final int nr;
  private final AnalysisOptions options;
  private final List<String> warnings = new ArrayList<>();

  StreamResult(AnalysisStream s) {
    this.s = s;
    this.rails = s.rails;
    this.nr = rails.size();
    this.options = s.options;
  }

  AnalysisResult build() {
    if (s.clipped > 0) {
      warnings.add(
          s.clipped
              + " layer intervals reached past their inference's end and were cut there"
              + " (profiled layer times add up to more than the latency)");
    }
    double periodMs = s.periodMs();
    long[] gaps = s.gaps;
    for (int r = 0; r < nr; r++) {
      if (gaps[r] > 0) {
        warnings.add(
            "rail "
                + rails.get(r)
                + ": "
                + gaps[r]
                + " sample"
                + (gaps[r] == 1 ? "" : "s")
                + " without a value (gaps) were skipped; its power and energy use the other"
                + " samples");
      }
    }
    InferenceSummary inf = inferences();
    WindowMapping.Outcome mapped = mapLayers(periodMs);
    warnings.addAll(s.warnings);
    WindowMapping.Fit fit = mapped.fit();
    int slots = s.slotCount;
    long[] cycles = s.cycles;
    double[] durationSumNs = s.durationSumNs;
    List<LayerSummary> layerSummaries = new ArrayList<>();
    double fastestMs = Double.NaN;
    for (int slot = 0; slot < slots; slot++) {
      if (cycles[slot] > 0) {
        double d = durationSumNs[slot] / cycles[slot] / NS_PER_MS;
        if (d > 0 && !(d >= fastestMs)) {
          fastestMs = d;
        }
      }
    }
    long cyclesNeeded = fit == null ? cyclesFor(fastestMs, periodMs) : -1;
    for (int slot = 0; slot < slots; slot++) {
      if (cycles[slot] == 0) {
        continue;
      }
      double durMs = durationSumNs[slot] / cycles[slot] / NS_PER_MS;
      Map<String, Estimate> lp = new LinkedHashMap<>();
      Map<String, Double> le = new LinkedHashMap<>();
      // A layer the window fit hardly sees (a few equivalent samples) gets a number that the
      // model's residual cannot vouch for: report it as not measured rather than a wild value.
      boolean unresolved =
          fit != null && !(fit.equivalentSamples()[slot] >= Analyzer.MIN_EQUIVALENT_SAMPLES);
      for (int r = 0; r < nr; r++) {
        Estimate e =
            fit == null
                ? s.layerPower[slot][r].estimate()
                : unresolved ? Estimate.NONE : fit.powerMw()[slot][r];
        lp.put(rails.get(r), e);
        le.put(rails.get(r), e.mean() * durMs / 1000.0);
      }
      long mappedSamples = s.layerSamples[slot];
      long need = cyclesFor(durMs, periodMs);
      if (fit != null) {
        double eq = fit.equivalentSamples()[slot];
        mappedSamples = Double.isNaN(eq) ? 0 : Math.round(eq);
        need = cyclesForEquivalent(cycles[slot], eq);
        // with windows the hardest layer need not be the fastest: the most cycles any needs
        cyclesNeeded = Math.max(cyclesNeeded, need);
      }
      String name = s.names[slot];
      layerSummaries.add(
          new LayerSummary(
              slot,
              name,
              s.types[slot],
              mappedSamples,
              cycles[slot],
              durMs,
              s.durationMedians.medianNs(slot) / NS_PER_MS,
              unmodifiable(lp),
              unmodifiable(le),
              need));
      if (unresolved) {
        warnings.add(
            String.format(
                Locale.ROOT,
                "layer %d (%s, %.4f ms) cannot be resolved with a %.3f ms sensor window"
                    + " (%.1f equivalent samples): its power is not reported; it needs about %s"
                    + " cycles for %d (or --mapping paper for the paper's window-blind numbers)",
                slot,
                name,
                durMs,
                mapped.info().windowMs(),
                fit.equivalentSamples()[slot],
                need < 0 ? "?" : Long.toString(need),
                options.minSamplesPerLayer()));
      } else if (mappedSamples < options.minSamplesPerLayer() && s.anySample) {
        warnings.add(
            "layer "
                + slot
                + " ("
                + name
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
    double tailMs = s.tailCount == 0 ? Double.NaN : s.tailSumNs / s.tailCount / NS_PER_MS;
    Unattributed tail =
        fit == null
            ? new Unattributed(s.tailSamples, tailMs, estimates(s.tailPower))
            : new Unattributed(
                equivalent(fit.equivalentSamples()[fit.tailColumn()]),
                tailMs,
                estimates(fit.powerMw()[fit.tailColumn()]));
    return new AnalysisResult(
        rails,
        s.simulated,
        inf,
        layerSummaries,
        tail,
        estimates(s.idlePower),
        phases(),
        periodMs,
        options.minSamplesPerLayer(),
        cyclesNeeded,
        mapped.info(),
        warnings);
  }

  private InferenceSummary inferences() {
    LatencyMs latency = Analyzer.latency(s.latencies());
    Map<String, Estimate> powerMw = new LinkedHashMap<>();
    Map<String, Double> energyMj = new LinkedHashMap<>();
    Map<String, Double> energyPaper = new LinkedHashMap<>();
    for (int r = 0; r < nr; r++) {
      long count = s.power.samples[r];
      Estimate e =
          Analyzer.batchMeans(count == 0 ? Double.NaN : s.power.total[r] / count, s.power.means[r]);
      powerMw.put(rails.get(r), e);
      energyMj.put(rails.get(r), s.power.energy[r].mean());
      energyPaper.put(rails.get(r), e.mean() * latency.mean() / 1000.0);
    }
    if (s.power.count > 0 && s.power.withSamples == 0) {
      warnings.add("no power sample fell inside any inference: power and energy are not measured");
    }
    return new InferenceSummary(
        s.nonWarmup,
        s.bestBatch,
        latency,
        unmodifiable(powerMw),
        unmodifiable(energyMj),
        unmodifiable(energyPaper),
        s.power.withSamples);
  }

  /** The window-aware mapping, or the reason why the paper's applies. */
  private WindowMapping.Outcome mapLayers(double periodMs) {
    WindowStream w = s.window;
    if (w == null || s.layerInferences == 0 || !w.anyInterval() || !s.anySample) {
      return new WindowMapping.Outcome(MappingInfo.PAPER, null);
    }
    return w.finish(s.slotCount, s.cycles, s.durationSumNs, periodMs * NS_PER_MS);
  }

  private List<PhaseSummary> phases() {
    List<PhaseSummary> out = new ArrayList<>();
    List<PhaseEvent> phases = s.phases;
    long[] firstValid = s.firstValid;
    long[] lastValid = s.lastValid;
    for (int i = 0; i < phases.size(); i++) {
      PhaseEvent ph = phases.get(i);
      Map<String, Double> en = new LinkedHashMap<>();
      Map<String, Double> pw = new LinkedHashMap<>();
      for (int r = 0; r < nr; r++) {
        boolean covered =
            firstValid[r] != Long.MIN_VALUE
                && firstValid[r] <= ph.startNs()
                && lastValid[r] >= ph.endNs();
        double mj = covered ? s.phaseArea[i * nr + r] / 1e9 : Double.NaN;
        en.put(rails.get(r), mj);
        pw.put(rails.get(r), ph.durationNs() > 0 ? mj / (ph.durationNs() / 1e9) : Double.NaN);
      }
      out.add(
          new PhaseSummary(
              ph.name(),
              ph.durationNs() / NS_PER_MS,
              s.phaseSamples[i],
              s.phaseInferences[i],
              unmodifiable(en),
              unmodifiable(pw)));
    }
    return out;
  }

  /** Cycles for {@code equivalent} samples (seen over {@code cycles}) to reach the minimum. */
  private long cyclesForEquivalent(long cycles, double equivalent) {
    if (!(equivalent > 0)) {
      return -1;
    }
    return (long) Math.ceil(options.minSamplesPerLayer() * (double) cycles / equivalent);
  }

  private long cyclesFor(double layerMs, double periodMs) {
    if (!(layerMs > 0) || !(periodMs > 0)) {
      return -1;
    }
    return (long) Math.ceil(options.minSamplesPerLayer() * periodMs / layerMs);
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

  private Map<String, Estimate> estimates(RunningStats[] stats) {
    Map<String, Estimate> m = new LinkedHashMap<>();
    for (int r = 0; r < stats.length; r++) {
      m.put(rails.get(r), stats[r].estimate());
    }
    return unmodifiable(m);
  }

  private static <V> Map<String, V> unmodifiable(Map<String, V> m) {
    return Collections.unmodifiableMap(m);
  }
}
