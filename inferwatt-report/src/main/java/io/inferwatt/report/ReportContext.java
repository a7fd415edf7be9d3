package io.inferwatt.report;

import static io.inferwatt.report.Style.*;

import io.inferwatt.report.Chart.Box;
import io.inferwatt.report.Chart.Series;
import io.inferwatt.report.StudyResults.Configuration;
import io.inferwatt.store.StudyInput;
import io.inferwatt.store.StudyRow;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every figure of one report reads: the study's results model, the report's options, the
 * board's total rail, and which slices a figure has already drawn (each slice is drawn once).
 */
final class ReportContext {
  final StudyResults results;
  final HtmlReport.Options options;
  final StudyRow study;
  final Map<String, String> baseline;
  final Map<String, Configuration> configs;
  final List<StudyInput.Slice> slices;
  final Configuration baselineConfig;

  /** The board's total rail, as the study's power source marked it ({@code in} on a Jetson). */
  final String total;

  /** The slices a figure has drawn, by index. */
  final Set<Integer> used = new HashSet<>();

  ReportContext(StudyResults results, HtmlReport.Options options) {
    this.results = results;
    this.options = options;
    this.study = results.study();
    this.baseline = results.baseline();
    this.configs = results.configurations();
    this.slices = results.slices();
    this.baselineConfig = results.baselineConfiguration();
    this.total = results.totalRail();
  }

  /** The configurations of the first slice whose only factor is {@code factor}, in slice order. */
  List<Configuration> slice(
      String factor, java.util.function.Predicate<List<Configuration>> accept) {
    for (int i = 0; i < slices.size(); i++) {
      StudyInput.Slice s = slices.get(i);
      if (used.contains(i) || !s.factors().equals(List.of(factor))) {
        continue;
      }
      List<Configuration> cs = members(s);
      if (!cs.isEmpty() && accept.test(cs)) {
        used.add(i);
        return cs;
      }
    }
    return List.of();
  }

  List<Configuration> members(StudyInput.Slice s) {
    return results.members(s);
  }

  StudyResults.Distribution dist(Configuration c) {
    return results.distribution(c);
  }

  Series line(String name, String color, List<Configuration> cs, String rail) {
    return Series.line(
        name,
        color,
        cs.stream().mapToDouble(c -> c.power(rail)).toArray(),
        cs.stream().mapToDouble(c -> c.powerMw(rail).ci95Low()).toArray(),
        cs.stream().mapToDouble(c -> c.powerMw(rail).ci95High()).toArray());
  }

  String latencyChart(List<Configuration> cs, List<String> cats, String x) {
    double[] p95 = new double[cs.size()];
    double[] mean = new double[cs.size()];
    for (int i = 0; i < cs.size(); i++) {
      mean[i] = cs.get(i).latencyPerInput();
      p95[i] = percentile(dist(cs.get(i)).latencyMs(), 95);
    }
    return Chart.categorical("Latency per inference", x, "latency (ms)", cats)
        .fromZero()
        .add(Series.line("mean latency", "#e15759", mean, mean, p95))
        .svg();
  }

  String energyChart(List<Configuration> cs, List<String> cats, String x, List<String> rails) {
    Chart c = Chart.categorical("Energy per inference", x, "energy (mJ)", cats).fromZero();
    for (String rail : rails) {
      c.add(
          Series.line(
              rail + " rail",
              rail.equals("gpu") ? GPU_COLOR : "#b07aa1",
              cs.stream().mapToDouble(k -> k.energyPerInput(rail)).toArray()));
    }
    return c.svg();
  }

  List<String> boxPanels(List<Configuration> cs, List<String> cats, String x) {
    Box[] p = new Box[cs.size()];
    Box[] l = new Box[cs.size()];
    Box[] e = new Box[cs.size()];
    for (int i = 0; i < cs.size(); i++) {
      StudyResults.Distribution dd = dist(cs.get(i));
      p[i] = Box.of(dd.powerMw());
      l[i] = Box.of(dd.latencyMs());
      e[i] = Box.of(dd.energyMj());
    }
    return List.of(
        Chart.categorical("Power (" + total + " rail), per inference", x, "power (mW)", cats)
            .add(Series.boxes("power", IN_COLOR, p))
            .svg(),
        Chart.categorical("Latency per input", x, "latency per input (ms)", cats)
            .add(Series.boxes("latency", "#e15759", l))
            .svg(),
        Chart.categorical("Energy per input", x, "energy per input (mJ)", cats)
            .add(Series.boxes("energy", "#b07aa1", e))
            .svg());
  }
}
