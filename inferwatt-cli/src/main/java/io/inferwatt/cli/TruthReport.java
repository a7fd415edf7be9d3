package io.inferwatt.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.Analyzer;
import io.inferwatt.core.analysis.CounterEnergy;
import io.inferwatt.core.analysis.LayerMapping;
import io.inferwatt.engines.sim.Truth;
import io.inferwatt.hardware.Recorder;
import io.inferwatt.study.LayerMethods;
import io.inferwatt.study.PrefixProfiler;
import io.inferwatt.study.ProfileResult;
import io.inferwatt.study.TruthCheck;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code profile} adds to the analysis on a virtual board or a board with an energy counter:
 * the board's truth and the method's error against it (virtual boards only, always labelled
 * simulated), the energy counter's per-inference energy or its refusal, and per-layer energy with
 * the method that produced each number next to the paper's mapping.
 *
 * @param truth the virtual board's truth of the recording, if any
 * @param errors the errors against it, if any
 * @param slow the slow-sensor methods, on a board with an energy counter
 * @param layers per-layer energy by method (empty without prefix profiling)
 */
record TruthReport(
    Optional<Truth> truth,
    Optional<LayerMethods.TruthErrors> errors,
    Optional<LayerMethods.SlowSensor> slow,
    List<LayerMethods.Layer> layers) {

  /**
   * Measures what the board allows beyond the analysis: the energy counter's and prefix profiling's
   * numbers on a board with an energy counter, and a virtual board's truth with the errors against
   * it.
   *
   * @param prefix whether prefix profiling runs (checked before the recording)
   */
  static TruthReport measure(
      Recorder engine,
      ProfileResult result,
      Map<String, String> settings,
      AnalysisOptions analysis,
      boolean prefix,
      long prefixWindowNs,
      Recorder.ProgressListener progress) {
    PrefixProfiler.Options defaults = PrefixProfiler.Options.defaults();
    Optional<LayerMethods.SlowSensor> slow =
        LayerMethods.measure(
            engine,
            result,
            settings,
            prefix
                ? Optional.of(
                    new PrefixProfiler.Options(
                        prefixWindowNs,
                        defaults.minRounds(),
                        defaults.maxRounds(),
                        defaults.relative(),
                        defaults.minShare()))
                : Optional.empty(),
            progress);
    Optional<Truth> truth =
        engine instanceof Truth.Source ts ? ts.lastTruth() : Optional.<Truth>empty();
    String rail = result.totalRail();
    List<LayerMethods.Layer> layers = List.of();
    if (slow.isPresent() || truth.isPresent()) {
      AnalysisResult a = result.analysis();
      AnalysisResult paper =
          a.mapping().method().equals("paper")
              ? a
              : Analyzer.analyze(
                  result.timeline(),
                  result.simulated(),
                  analysis.withMapping(LayerMapping.PAPER).withMinSamples(a.minSamplesPerLayer()));
      layers = LayerMethods.choose(a, paper, slow.flatMap(LayerMethods.SlowSensor::prefix), rail);
    }
    final List<LayerMethods.Layer> chosen = layers;
    Optional<LayerMethods.TruthErrors> errors =
        truth.map(
            t ->
                LayerMethods.against(
                    t,
                    rail,
                    result.analysis(),
                    slow.flatMap(LayerMethods.SlowSensor::counter),
                    chosen));
    return new TruthReport(
        truth,
        errors,
        slow,
        slow.flatMap(LayerMethods.SlowSensor::prefix).isPresent() ? layers : List.of());
  }

  void json(ObjectNode o) {
    truth.ifPresent(t -> o.set("truth", truthJson(t)));
    errors.ifPresent(e -> o.set("truth_error", errorsJson(e)));
    slow.ifPresent(
        s -> {
          ObjectNode c = o.putObject("energy_counter");
          c.put("rail", s.rail());
          s.counter().ifPresentOrElse(r -> counterJson(c, r), () -> c.put("refused", "no reads"));
          ObjectNode le = o.putObject("layer_energy");
          le.put("rail", s.rail());
          if (s.prefix().isPresent()) {
            PrefixProfiler.Result p = s.prefix().get();
            ObjectNode pj = le.putObject("prefix");
            pj.put("rounds", p.rounds());
            pj.put("rounds_needed", p.roundsNeeded());
            pj.put("window_ms", p.windowNs() / 1e6);
            num(pj, "network_mj", p.networkMj());
            num(pj, "overhead_mj", p.overheadMj());
          } else {
            le.putNull("prefix");
          }
          ArrayNode a = le.putArray("layers");
          for (LayerMethods.Layer l : layers) {
            ObjectNode n = a.addObject();
            n.put("index", l.index());
            n.put("name", l.name());
            n.put("method", l.method());
            num(n, "energy_mj", l.energyMj());
            num(n, "ci95_half_width_mj", l.halfWidthMj());
            num(n, "paper_energy_mj", l.paperMj());
          }
        });
  }

  private static ObjectNode truthJson(Truth t) {
    ObjectNode o = JsonReport.MAPPER.createObjectNode();
    o.put("simulated", true);
    o.put("board", t.board());
    ObjectNode inf = o.putObject("inference");
    inf.put("latency_ms", t.latencyNs() / 1e6);
    ObjectNode e = inf.putObject("energy_mj");
    t.inferenceEnergyMj().forEach(e::put);
    ArrayNode layers = o.putArray("layers");
    for (Truth.Layer l : t.layers()) {
      ObjectNode n = layers.addObject();
      n.put("index", l.index());
      n.put("name", l.name());
      n.put("duration_ms", l.durationNs() / 1e6);
      ObjectNode p = n.putObject("power_mw");
      l.powerMw().forEach(p::put);
      ObjectNode en = n.putObject("energy_mj");
      l.energyMj().forEach(en::put);
    }
    return o;
  }

  private static ObjectNode errorsJson(LayerMethods.TruthErrors e) {
    ObjectNode o = JsonReport.MAPPER.createObjectNode();
    o.put("simulated", true);
    o.put("rail", e.rail());
    ObjectNode inf = o.putObject("inference_energy");
    inf.put("method", e.inferenceMethod());
    num(inf, "energy_mj", e.inferenceMj());
    num(inf, "error_pct", e.inferenceErrorPct());
    o.put("layers_above_share", TruthCheck.MIN_SHARE);
    o.set("layer_power_error_pct", layerJson(e.layerPower()));
    o.set("layer_energy_error_pct", layerJson(e.layerEnergy()));
    o.set("paper_layer_energy_error_pct", layerJson(e.paperEnergy()));
    return o;
  }

  private static ObjectNode layerJson(TruthCheck.LayerErrors e) {
    ObjectNode o = JsonReport.MAPPER.createObjectNode();
    o.put("layers", e.layers());
    num(o, "median", e.medianPct());
    num(o, "max", e.maxPct());
    o.put("max_index", e.maxIndex());
    return o;
  }

  private static void counterJson(ObjectNode c, CounterEnergy.Result r) {
    if (r.ok()) {
      c.putNull("refused");
    } else {
      c.put("refused", r.refusal().orElseThrow());
    }
    num(c, "energy_mj", r.energyMj());
    num(c, "uncertainty_mj", r.uncertaintyMj());
    num(c, "mean_power_mw", r.meanPowerMw());
    c.put("span_ms", r.spanNs() / 1e6);
    c.put("updates", r.updates());
    c.put("inferences", r.inferences());
    num(c, "cycle_ms", r.cycleNs() / 1e6);
  }

  private static void num(ObjectNode o, String k, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      o.putNull(k);
    } else {
      o.put(k, v);
    }
  }

  void text(TextReport t) {
    slow.ifPresent(s -> slowText(t, s));
    errors.ifPresent(e -> errorsText(t, e));
  }

  private void slowText(TextReport t, LayerMethods.SlowSensor s) {
    Optional<CounterEnergy.Result> c = s.counter();
    if (c.isPresent() && c.get().ok()) {
      CounterEnergy.Result r = c.get();
      t.line(
          "energy counter (%s): %s mJ per inference +/- %s mJ over %s s (%d updates, %d"
              + " inferences; the host gap between inferences included)",
          s.rail(),
          TextReport.f(r.energyMj(), 3),
          TextReport.f(r.uncertaintyMj(), 3),
          TextReport.f(r.spanNs() / 1e9, 2),
          r.updates(),
          r.inferences());
    } else {
      t.line(
          "energy counter (%s): no per-inference energy: %s",
          s.rail(), c.flatMap(CounterEnergy.Result::refusal).orElse("no counter reads"));
    }
    if (layers.isEmpty()) {
      return;
    }
    s.prefix()
        .ifPresent(
            p ->
                t.line(
                    "prefix profiling: %d rounds of %d prefixes, %s s windows (the spread asked"
                        + " for %d rounds); network %s mJ over an overhead of %s mJ per inference",
                    p.rounds(),
                    p.layers().size() + 1,
                    TextReport.f(p.windowNs() / 1e9, 2),
                    p.roundsNeeded(),
                    TextReport.f(p.networkMj(), 3),
                    TextReport.f(p.overheadMj(), 3)));
    t.line(
        "%4s %-28s %-7s %11s %11s %11s",
        "#", "layer (" + s.rail() + ")", "method", "energy mJ", "95% +/- mJ", "paper mJ");
    for (LayerMethods.Layer l : layers) {
      t.line(
          "%4d %-28s %-7s %11s %11s %11s",
          l.index(),
          l.name().length() <= 28 ? l.name() : l.name().substring(0, 27) + "~",
          l.method(),
          TextReport.f(l.energyMj(), 4),
          TextReport.f(l.halfWidthMj(), 4),
          TextReport.f(l.paperMj(), 4));
    }
  }

  private static void errorsText(TextReport t, LayerMethods.TruthErrors e) {
    String layers =
        e.layerPower().layers() == 0
            ? "per-layer power: no layer measured"
            : String.format(
                Locale.ROOT,
                "per-layer power error over the %d layers above %.0f %% of the energy: median"
                    + " %s %%, max %s %% (layer %d); the paper's mapping: energy error max %s %%",
                e.layerPower().layers(),
                TruthCheck.MIN_SHARE * 100,
                TextReport.f(e.layerPower().medianPct(), 1),
                TextReport.f(e.layerPower().maxPct(), 1),
                e.layerPower().maxIndex(),
                TextReport.f(e.paperEnergy().maxPct(), 1));
    t.line(
        "truth (%s): energy per inference error %s %% (%s); %s",
        e.rail(), TextReport.f(e.inferenceErrorPct(), 2), e.inferenceMethod(), layers);
  }
}
