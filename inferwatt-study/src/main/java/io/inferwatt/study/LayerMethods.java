package io.inferwatt.study;

import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import io.inferwatt.core.analysis.Analyzer;
import io.inferwatt.core.analysis.CounterEnergy;
import io.inferwatt.core.analysis.Estimate;
import io.inferwatt.core.analysis.LayerMapping;
import io.inferwatt.core.analysis.PrefixDifferences;
import io.inferwatt.engines.sim.Truth;
import io.inferwatt.engines.sim.VirtualGpu;
import io.inferwatt.hardware.EnergyCounter;
import io.inferwatt.hardware.Recorder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Per-layer energy on one rail from whichever method serves each layer best, with the paper's
 * mapping on the same recording next to it: differential prefix profiling where it ran, unless the
 * window-aware fit resolved the layers with a narrower interval; otherwise the recording's own
 * mapping. Also the comparison of the chosen numbers with a virtual board's truth.
 */
public final class LayerMethods {

  private LayerMethods() {}

  /**
   * One layer.
   *
   * @param index position in the network
   * @param name its name
   * @param type its type
   * @param method {@code prefix}, {@code window}, {@code buffer-window} (the window fit over the
   *     driver's sample buffer) or {@code paper}: what produced {@code energyMj}
   * @param energyMj energy per inference on the rail, mJ
   * @param halfWidthMj half the 95 % confidence interval, mJ; NaN when unknown
   * @param durationMs mean profiled duration, ms (NaN without a layer phase)
   * @param paperMj the paper's mapping on the same recording, mJ (NaN without a layer phase)
   */
  public record Layer(
      int index,
      String name,
      String type,
      String method,
      double energyMj,
      double halfWidthMj,
      double durationMs,
      double paperMj) {

    /** Mean power while the layer runs, mW: energy over the profiled duration. */
    public double powerMw() {
      return energyMj / durationMs * 1e3;
    }
  }

  /**
   * What the slow-sensor methods found on a board with an energy counter.
   *
   * @param rail the rail the counter covers
   * @param counter per-inference energy from the power phase's counter reads, or its refusal
   * @param prefix the prefix profiling's outcome, if it ran
   */
  public record SlowSensor(
      String rail,
      Optional<CounterEnergy.Result> counter,
      Optional<PrefixProfiler.Result> prefix) {}

  /**
   * The slow-sensor methods on a board with an energy counter, after {@code result} was recorded on
   * it: per-inference energy from the power phase's counter reads and, when {@code prefix} holds,
   * differential prefix profiling of the same workload at the same {@code settings}. Empty for a
   * board without an energy counter.
   */
  public static Optional<SlowSensor> measure(
      Recorder recorder,
      ProfileResult result,
      Map<String, String> settings,
      Optional<PrefixProfiler.Options> prefix,
      Recorder.ProgressListener progress) {
    if (!(recorder instanceof EnergyCounter)) {
      return Optional.empty();
    }
    return Optional.of(
        measureOn((Recorder & EnergyCounter) recorder, result, settings, prefix, progress));
  }

  private static <B extends Recorder & EnergyCounter> SlowSensor measureOn(
      B board,
      ProfileResult result,
      Map<String, String> settings,
      Optional<PrefixProfiler.Options> prefix,
      Recorder.ProgressListener progress) {
    Optional<CounterEnergy.Result> counter =
        board.lastPowerPhase().map(CounterEnergy::perInference);
    Optional<PrefixProfiler.Result> p =
        prefix.map(o -> PrefixProfiler.run(board, result.workload(), settings, o, progress));
    return new SlowSensor(result.totalRail(), counter, p);
  }

  /** The method name of a layer whose number came from the fit over the driver's sample buffer. */
  public static final String BUFFER_WINDOW = "buffer-window";

  /**
   * The window-aware fit over the driver's power sample buffer (one sample every 20 ms, each the
   * mean of the 25 ms before it) of the recording {@code result} was analysed from, with the
   * response search started at 25 ms; empty on a board that keeps no such buffer (every board but
   * {@code sim:gpu}). The fit says itself whether it resolved the layers ({@code
   * mapping().resolvable()}): with 25 ms windows it needs inferences of the same order or a long
   * layer phase.
   */
  public static Optional<AnalysisResult> bufferFit(
      Recorder recorder, ProfileResult result, AnalysisOptions options) {
    if (!(recorder instanceof VirtualGpu gpu)) {
      return Optional.empty();
    }
    List<PowerSample> buffer = gpu.lastSampleBuffer();
    if (buffer.isEmpty()) {
      return Optional.empty();
    }
    Timeline t = new Timeline(result.timeline().rails(), buffer, result.timeline().events());
    return Optional.of(
        Analyzer.analyze(
            t,
            result.simulated(),
            options
                .withMapping(LayerMapping.WINDOW)
                .withWindowHintNs(BUFFER_WINDOW_NS)
                .withMinSamples(1)));
  }

  /** The averaging window of a buffered NVML power sample, ns. */
  static final long BUFFER_WINDOW_NS = 25_000_000L;

  /**
   * Chooses each layer's method.
   *
   * @param analysis the recording's analysis with the mapping asked for
   * @param paper the same recording with the paper's mapping
   * @param prefix the prefix profiling's layers, if it ran
   * @param rail the rail to report
   */
  public static List<Layer> choose(
      AnalysisResult analysis,
      AnalysisResult paper,
      Optional<PrefixProfiler.Result> prefix,
      String rail) {
    return choose(analysis, paper, prefix, Optional.empty(), rail);
  }

  /**
   * Chooses each layer's method: prefix profiling where it ran, unless a window-aware fit that
   * resolved the layers (over the recording's samples, or {@code buffer} over the driver's sample
   * buffer: {@value #BUFFER_WINDOW}) has the narrower relative interval for that layer.
   *
   * @param analysis the recording's analysis with the mapping asked for
   * @param paper the same recording with the paper's mapping
   * @param prefix the prefix profiling's layers, if it ran
   * @param buffer the fit over the sample buffer ({@link #bufferFit}), if there is one
   * @param rail the rail to report
   */
  public static List<Layer> choose(
      AnalysisResult analysis,
      AnalysisResult paper,
      Optional<PrefixProfiler.Result> prefix,
      Optional<AnalysisResult> buffer,
      String rail) {
    Map<Integer, LayerSummary> bufferByIndex = new HashMap<>();
    buffer
        .filter(b -> b.mapping().method().equals("window") && b.mapping().resolvable())
        .ifPresent(b -> b.layers().forEach(l -> bufferByIndex.put(l.index(), l)));
    Map<Integer, LayerSummary> byIndex = new HashMap<>();
    analysis.layers().forEach(l -> byIndex.put(l.index(), l));
    Map<Integer, LayerSummary> paperByIndex = new HashMap<>();
    paper.layers().forEach(l -> paperByIndex.put(l.index(), l));
    String own = analysis.mapping().method();
    List<Layer> out = new ArrayList<>();
    int n = prefix.map(p -> p.layers().size()).orElse(analysis.layers().size());
    for (int i = 0; i < n; i++) {
      LayerSummary a = byIndex.get(i);
      LayerSummary pp = paperByIndex.get(i);
      double dur = a == null ? Double.NaN : a.durationMsMean();
      double paperMj = pp == null ? Double.NaN : pp.energyMj().getOrDefault(rail, Double.NaN);
      String name = a == null ? "" : a.name();
      String type = a == null ? "" : a.type();
      double ownMj = a == null ? Double.NaN : a.energyMj().getOrDefault(rail, Double.NaN);
      double ownHw = a == null ? Double.NaN : halfWidthMj(a, rail);
      Layer chosen = new Layer(i, name, type, own, ownMj, ownHw, dur, paperMj);
      if (prefix.isPresent()) {
        PrefixDifferences.Layer p = prefix.get().layers().get(i);
        boolean windowBetter =
            own.equals("window")
                && analysis.mapping().resolvable()
                && !Double.isNaN(ownHw)
                && ownHw / Math.abs(ownMj) < p.halfWidthMj() / Math.abs(p.energyMj());
        if (!windowBetter) {
          chosen = new Layer(i, name, type, "prefix", p.energyMj(), p.halfWidthMj(), dur, paperMj);
        }
      }
      LayerSummary b = bufferByIndex.get(i);
      if (b != null) {
        double bMj = b.energyMj().getOrDefault(rail, Double.NaN);
        double bHw = halfWidthMj(b, rail);
        boolean narrower =
            Double.isFinite(bMj)
                && Double.isFinite(bHw)
                && (!Double.isFinite(chosen.halfWidthMj())
                    || bHw / Math.abs(bMj) < chosen.halfWidthMj() / Math.abs(chosen.energyMj()));
        if (narrower) {
          chosen = new Layer(i, name, type, BUFFER_WINDOW, bMj, bHw, dur, paperMj);
        }
      }
      out.add(chosen);
    }
    return out;
  }

  private static double halfWidthMj(LayerSummary l, String rail) {
    Estimate p = l.powerMw().get(rail);
    if (p == null || Double.isNaN(p.ci95High())) {
      return Double.NaN;
    }
    return (p.ci95High() - p.ci95Low()) / 2 * l.durationMsMean() / 1e3;
  }

  /**
   * How far the chosen numbers are from the truth.
   *
   * @param rail the rail compared
   * @param inferenceMj the method's energy per inference, mJ
   * @param inferenceMethod what gave it ({@code counter}, {@code trapezoid})
   * @param inferenceErrorPct its error against the truth, %
   * @param layerPower per-layer power errors over the layers above 1 % of the energy
   * @param layerEnergy per-layer energy errors over the same layers
   * @param paperEnergy the paper's mapping's per-layer energy errors over the same layers
   */
  public record TruthErrors(
      String rail,
      double inferenceMj,
      String inferenceMethod,
      double inferenceErrorPct,
      TruthCheck.LayerErrors layerPower,
      TruthCheck.LayerErrors layerEnergy,
      TruthCheck.LayerErrors paperEnergy) {}

  /**
   * The errors of {@code layers} and of the per-inference energy ({@code counter} when it gave a
   * number, else the analysis's trapezoidal integration on {@code rail}) against {@code truth}.
   */
  public static TruthErrors against(
      Truth truth,
      String rail,
      AnalysisResult analysis,
      Optional<CounterEnergy.Result> counter,
      List<Layer> layers) {
    double e;
    String how;
    if (counter.isPresent() && counter.get().ok()) {
      e = counter.get().energyMj();
      how = "counter";
    } else {
      e = analysis.inferences().energyMj().getOrDefault(rail, Double.NaN);
      how = "trapezoid";
    }
    Map<Integer, Double> power = new HashMap<>();
    Map<Integer, Double> energy = new HashMap<>();
    Map<Integer, Double> paper = new HashMap<>();
    for (Layer l : layers) {
      power.put(l.index(), l.powerMw());
      energy.put(l.index(), l.energyMj());
      paper.put(l.index(), l.paperMj());
    }
    return new TruthErrors(
        rail,
        e,
        how,
        TruthCheck.errorPct(e, truth.inferenceEnergyMj().getOrDefault(rail, Double.NaN)),
        TruthCheck.layers(truth, rail, power, true),
        TruthCheck.layers(truth, rail, energy, false),
        TruthCheck.layers(truth, rail, paper, false));
  }
}
