package io.inferwatt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import io.inferwatt.core.analysis.AnalysisResult.PhaseSummary;
import io.inferwatt.core.analysis.Estimate;
import java.util.Map;

/**
 * The JSON form of an analysis (docs/formats.md, "analysis JSON"). Not measured = null. Field names
 * carry their units.
 */
final class JsonReport {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonReport() {}

  static ObjectNode analysis(AnalysisResult r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("simulated", r.simulated());
    ArrayNode rails = o.putArray("rails");
    r.rails().forEach(rails::add);

    ObjectNode inf = o.putObject("inferences");
    inf.put("count", r.inferences().count());
    inf.put("batch", r.inferences().batch());
    AnalysisResult.LatencyMs l = r.inferences().latencyMs();
    ObjectNode lat = inf.putObject("latency_ms");
    num(lat, "mean", l.mean());
    num(lat, "p50", l.p50());
    num(lat, "p95", l.p95());
    num(lat, "p99", l.p99());
    num(lat, "min", l.min());
    num(lat, "max", l.max());
    lat.put("count", l.count());
    inf.set("power_mw", estimates(r.inferences().powerMw()));
    ObjectNode en = inf.putObject("energy_mj");
    for (String rail : r.rails()) {
      ObjectNode e = en.putObject(rail);
      num(e, "mean", r.inferences().energyMj().get(rail));
      num(e, "mean_power_x_latency", r.inferences().energyMjPaper().get(rail));
    }
    inf.put("power_inferences", r.inferences().powerInferences());

    ArrayNode layers = o.putArray("layers");
    for (LayerSummary ls : r.layers()) {
      ObjectNode n = layers.addObject();
      n.put("index", ls.index());
      n.put("name", ls.name());
      n.put("type", ls.type());
      n.put("samples", ls.samples());
      n.put("cycles", ls.cycles());
      num(n, "duration_ms_mean", ls.durationMsMean());
      num(n, "duration_ms_p50", ls.durationMsP50());
      n.set("power_mw", estimates(ls.powerMw()));
      ObjectNode le = n.putObject("energy_mj");
      ls.energyMj().forEach((k, v) -> num(le, k, v));
      if (ls.cyclesNeeded() >= 0) {
        n.put("cycles_needed", ls.cyclesNeeded());
      } else {
        n.putNull("cycles_needed");
      }
    }
    ObjectNode un = o.putObject("unattributed");
    un.put("samples", r.unattributed().samples());
    num(un, "duration_ms_mean", r.unattributed().durationMsMean());
    un.set("power_mw", estimates(r.unattributed().powerMw()));

    o.putObject("idle").set("power_mw", estimates(r.idlePowerMw()));
    ArrayNode phases = o.putArray("phases");
    for (PhaseSummary p : r.phases()) {
      ObjectNode n = phases.addObject();
      n.put("name", p.name());
      num(n, "duration_ms", p.durationMs());
      n.put("samples", p.samples());
      n.put("inferences", p.inferences());
      ObjectNode pe = n.putObject("energy_mj");
      p.energyMj().forEach((k, v) -> num(pe, k, v));
      ObjectNode pp = n.putObject("power_mw_mean");
      p.powerMwMean().forEach((k, v) -> num(pp, k, v));
    }
    num(o, "sample_period_ms", r.samplePeriodMs());
    o.put("min_samples", r.minSamplesPerLayer());
    if (r.cyclesNeeded() >= 0) {
      o.put("cycles_needed", r.cyclesNeeded());
    } else {
      o.putNull("cycles_needed");
    }
    ObjectNode m = o.putObject("mapping");
    m.put("method", r.mapping().method());
    num(m, "window_ms", r.mapping().windowMs());
    num(m, "offset_ms", r.mapping().offsetMs());
    num(m, "estimated_window_ms", r.mapping().estimatedWindowMs());
    num(m, "estimated_offset_ms", r.mapping().estimatedOffsetMs());
    num(m, "condition_number", r.mapping().conditionNumber());
    m.put("resolvable", r.mapping().resolvable());
    m.put("reason", r.mapping().reason());
    if (r.mapping().response().isEmpty()) {
      m.putNull("response");
    } else if (r.mapping().response().startsWith("kernel:")) {
      // a non-parametric response: its knots' weights are in the spec
      ObjectNode rn = m.putObject("response");
      rn.put("kind", "kernel");
      rn.put("spec", r.mapping().response());
      num(rn, "length_ms", r.mapping().estimatedWindowMs());
    } else {
      io.inferwatt.core.analysis.SensorResponse resp =
          io.inferwatt.core.analysis.SensorResponse.parse(r.mapping().response());
      ObjectNode rn = m.putObject("response");
      rn.put("kind", resp.kind());
      rn.put("spec", resp.spec());
      num(rn, "boxcar_ms", resp.boxcarNs() / 1e6);
      num(rn, "tau_ms", resp.tauNs() / 1e6);
    }
    ArrayNode curve = m.putArray("residual_curve");
    for (AnalysisResult.ResidualPoint p : r.mapping().residualCurve()) {
      ObjectNode n = curve.addObject();
      n.put("response", p.response());
      num(n, "window_ms", p.windowMs());
      num(n, "tau_ms", p.tauMs());
      num(n, "offset_ms", p.offsetMs());
      num(n, "relative_residual", p.relativeResidual());
    }
    ArrayNode w = o.putArray("warnings");
    r.warnings().forEach(w::add);
    return o;
  }

  private static ObjectNode estimates(Map<String, Estimate> byRail) {
    ObjectNode o = MAPPER.createObjectNode();
    byRail.forEach(
        (rail, e) -> {
          ObjectNode n = o.putObject(rail);
          num(n, "mean", e.mean());
          num(n, "ci95_low", e.ci95Low());
          num(n, "ci95_high", e.ci95High());
          n.put("n", e.n());
        });
    return o;
  }

  static void num(ObjectNode o, String field, Double v) {
    JsonText.num(o, field, v);
  }
}
