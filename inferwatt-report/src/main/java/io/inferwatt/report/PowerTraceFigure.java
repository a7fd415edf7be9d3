package io.inferwatt.report;

import static io.inferwatt.report.Style.*;

import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import io.inferwatt.report.Chart.Series;
import io.inferwatt.report.StudyResults.Configuration;
import io.inferwatt.store.RawSamples;
import io.inferwatt.store.RunDetails;
import io.inferwatt.store.RunRow;
import io.inferwatt.store.StoredRun;
import io.inferwatt.store.StudyRow;
import io.inferwatt.study.Models;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Fig. 2: power over a few cycles with the layers they map to, from a run's raw samples. */
final class PowerTraceFigure {

  private PowerTraceFigure() {}

  static Figure build(ReportContext cx) {
    StudyResults results = cx.results;
    HtmlReport.Options options = cx.options;
    StudyRow study = cx.study;
    Map<String, String> baseline = cx.baseline;
    String total = cx.total;
    String id = "fig2";
    String label = "Fig. 2";
    String title = "Power over several cycles and its mapping to layers";
    Long run = options.samplesRun();
    if (run == null) {
      run = samplesRun(cx);
      if (run == null) {
        return Figure.absent(
            id,
            label,
            title,
            "no run of board "
                + study.board()
                + " kept its raw power samples (profile and study keep them with --keep-raw all,"
                + " the default). Run inferwatt profile --board "
                + study.board()
                + " --db FILE, then write the report again, or name a run with --samples-run.");
      }
    }
    Optional<StoredRun> stored = results.run(run);
    if (stored.isEmpty()) {
      return Figure.absent(id, label, title, "run " + run + " is not in the measurement base");
    }
    StoredRun meta = stored.get();
    List<RunDetails.InferenceRecord> infs =
        results.inferenceRecords(run).stream()
            .filter(i -> i.phase().equals("layers"))
            .sorted(Comparator.comparingLong(RunDetails.InferenceRecord::startNs))
            .limit(3)
            .toList();
    if (meta.samplesStored() == 0) {
      return Figure.absent(id, label, title, "run " + run + " kept no raw samples");
    }
    if (infs.isEmpty()) {
      return Figure.absent(
          id, label, title, "run " + run + " has no per-inference records of its layer phase");
    }
    long t0 = infs.get(0).startNs();
    RunDetails.InferenceRecord last = infs.get(infs.size() - 1);
    long t1 = last.startNs() + Math.round(last.latencyMs() * 1e6);
    long pad = 500_000;
    Chart trace =
        Chart.numeric(
                "Power of run "
                    + run
                    + " ("
                    + meta.model()
                    + "), "
                    + infs.size()
                    + " cycles of the layer phase",
                "time since the first cycle's start (ms)",
                "power (mW)")
            .height(400)
            .width(1210);
    List<LayerSummary> layers = meta.result().layers();
    Set<String> types = new LinkedHashSet<>();
    for (RunDetails.InferenceRecord inf : infs) {
      double at = (inf.startNs() - t0) / 1e6;
      double end = at + inf.latencyMs();
      for (LayerSummary l : layers) {
        double dur = l.durationMsMean();
        if (Double.isNaN(dur)) {
          continue;
        }
        types.add(l.type());
        trace.band(
            new Chart.Band(
                at,
                at + dur,
                typeColor(l.type()),
                "layer "
                    + l.index()
                    + " "
                    + l.name()
                    + " ("
                    + l.type()
                    + "), "
                    + Chart.fmt(dur, 4)
                    + " ms"));
        at += dur;
      }
      if (end > at) {
        trace.band(
            new Chart.Band(
                at, end, "#cccccc", "unattributed tail, " + Chart.fmt(end - at, 3) + " ms"));
      }
    }
    RawSamples raw = results.samples(run, t0 - pad, t1 + pad).orElseThrow();
    List<String> rails = raw.rails();
    for (int i = 0; i < rails.size(); i++) {
      String rail = rails.get(i);
      int at = i;
      double[] x = raw.samples().stream().mapToDouble(p -> (p.tNs() - t0) / 1e6).toArray();
      double[] y = raw.samples().stream().mapToDouble(p -> p.powerMw(at)).toArray();
      trace.add(Series.xyLine(rail + " rail", railColor(rail, i), x, y));
    }
    for (String t : types) {
      trace.legend("layer: " + t, typeColor(t));
    }
    trace.legend("unattributed tail", "#cccccc");
    trace.fromZero();
    // the mapping: mean power per layer (total rail) with its CI
    String mappedRail =
        rails.contains(meta.totalRail()) && !meta.totalRail().isEmpty()
            ? meta.totalRail()
            : rails.get(0);
    List<String> cats = new ArrayList<>();
    List<double[]> mapped = new ArrayList<>();
    for (LayerSummary l : layers) {
      var e = l.powerMw().get(mappedRail);
      if (e != null) {
        cats.add(Integer.toString(l.index()));
        mapped.add(new double[] {e.mean(), e.ci95Low(), e.ci95High()});
      }
    }
    double[] pw = mapped.stream().mapToDouble(v -> v[0]).toArray();
    double[] lo = mapped.stream().mapToDouble(v -> v[1]).toArray();
    double[] hi = mapped.stream().mapToDouble(v -> v[2]).toArray();
    Chart map =
        Chart.categorical(
                "Mean power mapped to each layer (" + mappedRail + " rail), 95% CI",
                "layer index",
                "power (mW)",
                cats)
            .width(1210)
            .add(
                new Series(
                    "mapped power", "#08306b", Chart.Kind.POINTS, null, pw, lo, hi, null, null));
    String note =
        "Raw samples of run "
            + run
            + (meta.simulated() ? " (simulated)" : "")
            + ": one dot per reading. Shaded bands: the layers, laid from each inference's start with their mean profiled"
            + " durations (the paper's mapping); grey: the unattributed tail. Below: the mean power the run's mapping gives"
            + " each layer (layers without samples are left out).";
    return Figure.of(id, label, title, note, List.of(trace.svg(), map.svg()));
  }

  /**
   * The run whose raw samples draw Fig. 2: one of the study's board that kept samples and has
   * records of its layer phase; a run of the study first, then one of the baseline model, then the
   * newest.
   */
  private static Long samplesRun(ReportContext cx) {
    StudyResults results = cx.results;
    StudyRow study = cx.study;
    Map<String, String> baseline = cx.baseline;
    Map<String, Configuration> configs = cx.configs;
    Set<Long> ofStudy = new HashSet<>();
    configs.values().forEach(c -> ofStudy.add(c.row().runId()));
    String model = baseline.getOrDefault(Models.MODEL, "mobilenetv2");
    List<RunRow> candidates =
        results.runs().stream()
            .filter(r -> r.samplesStored() > 0 && r.board().equals(study.board()))
            .sorted(
                Comparator.comparing((RunRow r) -> !ofStudy.contains(r.id()))
                    .thenComparing(r -> !r.model().equals(model))
                    .thenComparing(Comparator.comparingLong(RunRow::id).reversed()))
            .toList();
    for (RunRow r : candidates) {
      if (results.inferenceRecords(r.id()).stream().anyMatch(i -> i.phase().equals("layers"))) {
        return r.id();
      }
    }
    return null;
  }
}
