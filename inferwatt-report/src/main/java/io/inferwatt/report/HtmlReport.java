package io.inferwatt.report;

import static io.inferwatt.report.Style.*;

import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.report.Chart.Series;
import io.inferwatt.report.StudyResults.Configuration;
import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.StoredRun;
import io.inferwatt.store.StudyRow;
import io.inferwatt.study.Models;
import io.inferwatt.study.Optima;
import io.inferwatt.study.Outcome;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTML report of a stored study: one self-contained file (inline CSS, inline SVG charts drawn
 * here, a little inline JavaScript for sortable and filterable tables; nothing is fetched; the
 * skeleton, CSS and JavaScript are the resources {@code page.html}, {@code report.css} and {@code
 * report.js}, see {@link PageTemplate}) with a summary, the paper's Figures 2–11 for whatever the
 * study holds, Table I, the latency/energy Pareto front, the settings ranked by their effect on
 * energy, and per-layer tables. Simulated numbers carry a banner.
 *
 * <p>Each figure is a small class ({@code SweepFigure}, {@code PowerTraceFigure}, ...) that turns
 * the {@link StudyResults} into a {@link Figure} value; this class lays them out with the summary,
 * Table I, the Pareto front and the tables. Each figure is a {@code <section id="figN">}; opening
 * the file with {@code #figN} (or {@code ?only=figN}) shows that figure alone.
 */
public final class HtmlReport {

  /**
   * What to report.
   *
   * @param study the study's id, or null for the study last started
   * @param samplesRun the run whose raw samples draw Fig. 2, or null to pick one (a run of the
   *     study with samples, else the newest run with samples on the study's board)
   * @param toolVersion the inferwatt version writing the report
   * @param tolerance relative tolerance of Table I's "within" (0.02 = 2 %)
   */
  public record Options(String study, Long samplesRun, String toolVersion, double tolerance) {
    public Options {
      Objects.requireNonNull(toolVersion, "toolVersion");
    }
  }

  private final ReportContext cx;
  private final StudyResults results;
  private final Options options;
  private final StudyRow study;
  private final Map<String, String> base;
  private final Map<String, Configuration> configs;
  private final Configuration baseConfig;

  /** The board's total rail, as the study's power source marked it ({@code in} on a Jetson). */
  private final String total;

  private final StringBuilder toc = new StringBuilder();

  private HtmlReport(StudyResults results, Options options) {
    this.cx = new ReportContext(results, options);
    this.results = results;
    this.options = options;
    this.study = results.study();
    this.base = results.base();
    this.configs = results.configurations();
    this.baseConfig = results.baseConfiguration();
    this.total = results.totalRail();
  }

  /**
   * The report as one HTML document.
   *
   * @throws IllegalArgumentException when the base holds no study, or not the one named
   */
  public static String render(MeasurementStore store, Options options) {
    return render(StudyResults.load(store, options.study()), options);
  }

  /** The report of a study's results (read while their store is open). */
  public static String render(StudyResults results, Options options) {
    return new HtmlReport(results, options).render();
  }

  // ------------------------------------------------------------------ loading

  private String render() {
    List<Figure> figures = new ArrayList<>();
    figures.add(PowerTraceFigure.build(cx));
    figures.add(LayerEnergyFigure.build(cx));
    figures.add(
        SweepFigure.build(
            cx, "fig4", "Fig. 4", "Power, energy and latency vs active CPU cores", "cpu.cores"));
    figures.add(
        SweepFigure.build(
            cx,
            "fig5",
            "Fig. 5",
            "CPU+GPU power, latency and energy vs CPU frequency",
            "cpu.freq_khz"));
    figures.add(
        SweepFigure.build(
            cx,
            "fig6",
            "Fig. 6",
            "GPU power, latency and GPU energy vs GPU frequency",
            "gpu.freq_hz"));
    figures.add(ModeBatchFigure.build(cx));
    figures.add(NetworksFigure.build(cx));
    figures.add(InputFigure.build(cx));
    figures.add(SingleLayerFigure.build(cx));
    figures.add(ConvolutionFigure.build(cx));
    figures.addAll(OtherSlicesFigure.build(cx));
    PredictionFigure.build(cx.results.store()).ifPresent(figures::add);
    StringBuilder body = new StringBuilder();
    figures.forEach(f -> body.append(section(f)));
    body.append(optima());
    body.append(configurationTable());
    body.append(layerTable());
    return page(summary() + body); // the summary last: its contents list the sections
  }

  // ------------------------------------------------------------------ summary

  private String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append("<section id=\"summary\"><h2>Summary</h2><table class=\"kv\">");
    kv(sb, "study", study.studyId());
    kv(
        sb,
        "board",
        study.board() + (study.simulated() ? " (simulated: the virtual Jetson Nano)" : ""));
    kv(sb, "engine", study.engine());
    kv(
        sb,
        "numbers",
        study.simulated()
            ? "SIMULATED — from a calibrated model of the board, not measurements"
            : "measured on the board");
    kv(
        sb,
        "configurations",
        configs.size() + " finished of " + study.plannedConfigurations() + " planned");
    kv(sb, "study started / last resumed (UTC)", study.createdAt() + " / " + study.updatedAt());
    StringBuilder b = new StringBuilder();
    base.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(setting(k, v)));
    kv(sb, "base settings", b.toString());
    Matcher m =
        Pattern.compile("(?m)^protocol:[ \\t]*\\n((?:[ \\t]+.*\\n)+)").matcher(study.plan());
    if (m.find()) {
      kv(
          sb,
          "protocol",
          m.group(1)
              .lines()
              .map(String::trim)
              .map(l -> l.replaceFirst("\\s*#.*", ""))
              .filter(l -> !l.isEmpty())
              .reduce((x, y) -> x + "; " + y)
              .orElse(""));
    }
    Set<String> versions = results.toolVersions();
    kv(
        sb,
        "inferwatt",
        options.toolVersion()
            + " wrote this report; the runs were measured by "
            + (versions.isEmpty() ? "-" : String.join(", ", versions)));
    if (baseConfig != null) {
      List<String> env = new ArrayList<>();
      baseConfig.run().environment().forEach((k, v) -> env.add(k + " " + v));
      kv(sb, "environment", String.join(", ", env));
      kv(
          sb,
          "base configuration",
          "run "
              + baseConfig.row().runId()
              + ": latency "
              + Chart.fmt(baseConfig.row().latencyMsMean(), 2)
              + " ms, power ("
              + baseConfig.totalRail()
              + ") "
              + Chart.fmt(baseConfig.row().powerMwMean(), 0)
              + " mW, energy "
              + Chart.fmt(baseConfig.row().energyMjPaper(), 2)
              + " mJ per inference");
    }
    sb.append("</table>");
    sb.append(
        "<p class=\"note\">Power is the mean of the board's input rail (<code>"
            + esc(total)
            + "</code>, the total) over the"
            + " power phase unless a chart says otherwise; latency comes from the latency phase (logger off); energy per"
            + " input is mean power × mean latency ÷ batch, the paper's definition. Hover any mark for its value.</p>");
    sb.append("<nav><b>Contents:</b> ").append(toc).append("</nav></section>");
    return sb.toString();
  }

  private static void kv(StringBuilder sb, String k, String v) {
    sb.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>");
  }

  // ------------------------------------------------------------------ figures

  private String section(Figure f) {
    return section(f.id(), f.label(), f.title(), f.note(), f.svgs());
  }

  private String section(String id, String label, String title, String note, List<String> svgs) {
    toc.append("<a href=\"#").append(id).append("\">").append(esc(label)).append("</a> ");
    StringBuilder sb = new StringBuilder();
    sb.append("<section class=\"figure\" id=\"")
        .append(id)
        .append("\"><h2>")
        .append(esc(label))
        .append(" — ")
        .append(esc(title));
    if (study.simulated()) {
      sb.append(" <span class=\"simtag\">simulated</span>");
    }
    sb.append("</h2>");
    if (note != null) {
      sb.append("<p class=\"note\">").append(note).append("</p>");
    }
    if (!svgs.isEmpty()) {
      sb.append("<div class=\"panels\">");
      for (String s : svgs) {
        sb.append("<div class=\"panel\">").append(s).append("</div>");
      }
      sb.append("</div>");
    }
    sb.append("</section>");
    return sb.toString();
  }

  private String absent(String id, String label, String title, String why) {
    return section(
        id,
        label,
        title,
        "<span class=\"absent\">Not in this report: " + esc(why) + "</span>",
        List.of());
  }

  // ------------------------------------------------------------------ optima

  private String optima() {
    Map<String, Outcome> outcomes = results.outcomes();
    Optima.Result r = results.optima(options.tolerance());
    StringBuilder sb = new StringBuilder();
    toc.append(
        "<a href=\"#table1\">Table I</a> <a href=\"#pareto\">Pareto front</a> <a href=\"#ranking\">Ranking</a> ");
    String tag = study.simulated() ? " <span class=\"simtag\">simulated</span>" : "";
    sb.append("<section id=\"table1\"><h2>Table I — Optimal settings").append(tag).append("</h2>");
    List<String> factors = new ArrayList<>();
    for (Optima.Best b : r.overall().values()) {
      for (String f : b.best().keySet()) {
        if (!factors.contains(f) && !f.equals(Models.MODEL) && !f.equals(Models.INPUT)) {
          factors.add(f);
        }
      }
    }
    sb.append("<table class=\"grid\"><tr><th>optimum</th>");
    for (String f : factors) {
      sb.append("<th>").append(esc(axis(f))).append("</th>");
    }
    sb.append("</tr>");
    for (Optima.Objective o : Optima.Objective.values()) {
      Optima.Best b = r.overall().get(o);
      sb.append("<tr><th>")
          .append(esc(cap(o.id())))
          .append(" (")
          .append(esc(o.unit()))
          .append(")</th>");
      for (String f : factors) {
        String best = b.best().get(f);
        List<String> within = b.within().getOrDefault(f, List.of());
        sb.append("<td><b>").append(esc(best == null ? "-" : pretty(f, best))).append("</b>");
        if (within.size() > 1) {
          sb.append("<br><small>within ")
              .append(Math.round(r.tolerance() * 100))
              .append(" %: ")
              .append(esc(range(f, within)))
              .append("</small>");
        }
        sb.append("</td>");
      }
      sb.append("</tr>");
    }
    sb.append(
        "</table><p class=\"note\">Each setting's best in its own one-at-a-time sweep (the paper's Table I);"
            + " power: mean of the total rail; latency and energy per input. \"within\": the values no more than the"
            + " tolerance worse than the best. Paper (measured on a Jetson Nano): power 1 core, 102 MHz, 76 MHz, sync B1;"
            + " latency 1–4 cores, 1.49 GHz, 921 MHz, async B&gt;1; energy 1 core, 307 MHz, 537–921 MHz, async B&gt;1.</p>");
    sb.append(
        "<h3>Per sweep</h3><table class=\"grid sortable\"><thead><tr><th>sweep</th><th>measured</th>");
    for (Optima.Objective o : Optima.Objective.values()) {
      sb.append("<th>best ")
          .append(o.id())
          .append(" (")
          .append(esc(o.unit()))
          .append(")</th><th>at</th>");
    }
    sb.append("</tr></thead><tbody>");
    for (Optima.SliceOptima s : r.slices()) {
      sb.append("<tr><td>")
          .append(esc(s.label()))
          .append("</td><td data-v=\"")
          .append(s.measured())
          .append("\">")
          .append(s.measured())
          .append("/")
          .append(s.planned())
          .append("</td>");
      for (Optima.Objective o : Optima.Objective.values()) {
        Optima.Best b = s.best().get(o);
        sb.append(num(b.value(), 3))
            .append("<td>")
            .append(
                esc(
                    String.join(
                        ", ",
                        b.best().entrySet().stream()
                            .map(e -> pretty(e.getKey(), e.getValue()))
                            .toList())))
            .append("</td>");
      }
      sb.append("</tr>");
    }
    sb.append("</tbody></table></section>");

    // Pareto front
    String model = base.getOrDefault(Models.MODEL, "mobilenetv2");
    String input = base.getOrDefault(Models.INPUT, "fixed-random");
    List<Outcome> pts =
        outcomes.values().stream()
            .filter(
                o ->
                    model.equals(o.settings().get(Models.MODEL))
                        && input.equals(o.settings().get(Models.INPUT))
                        && Double.isFinite(o.latencyMsPerInput())
                        && Double.isFinite(o.energyMjPerInput()))
            .toList();
    Chart pc =
        Chart.numeric(
                "Latency vs energy per input (" + model + ", " + input + ")",
                "latency per input (ms)",
                "energy per input (mJ)")
            .height(400);
    Set<String> front = new HashSet<>();
    r.pareto().forEach(o -> front.add(o.key()));
    pc.add(
        Series.xyPoints(
            "configuration",
            "#bab0ac",
            pts.stream().mapToDouble(Outcome::latencyMsPerInput).toArray(),
            pts.stream().mapToDouble(Outcome::energyMjPerInput).toArray(),
            null));
    pc.add(
        Series.xyLine(
            "Pareto front",
            "#e15759",
            r.pareto().stream().mapToDouble(Outcome::latencyMsPerInput).toArray(),
            r.pareto().stream().mapToDouble(Outcome::energyMjPerInput).toArray()));
    double minLat = pts.stream().mapToDouble(Outcome::latencyMsPerInput).min().orElse(Double.NaN);
    List<Outcome> near = pts.stream().filter(o -> o.latencyMsPerInput() <= 1.6 * minLat).toList();
    Chart zoom =
        Chart.numeric(
                "Near the front (latency up to 1.6 × the fastest)",
                "latency per input (ms)",
                "energy per input (mJ)")
            .height(400);
    zoom.add(
        Series.xyPoints(
            "configuration",
            "#bab0ac",
            near.stream().mapToDouble(Outcome::latencyMsPerInput).toArray(),
            near.stream().mapToDouble(Outcome::energyMjPerInput).toArray(),
            null));
    zoom.add(
        Series.xyLine(
            "Pareto front",
            "#e15759",
            r.pareto().stream().mapToDouble(Outcome::latencyMsPerInput).toArray(),
            r.pareto().stream().mapToDouble(Outcome::energyMjPerInput).toArray()));
    zoom.add(
        Series.xyPoints(
            "on the front",
            "#e15759",
            r.pareto().stream().mapToDouble(Outcome::latencyMsPerInput).toArray(),
            r.pareto().stream().mapToDouble(Outcome::energyMjPerInput).toArray(),
            r.pareto().stream().map(o -> diff(o.settings())).toArray(String[]::new)));
    Outcome baseOutcome = baseConfig == null ? null : outcomes.get(baseConfig.row().configKey());
    if (baseOutcome != null) {
      zoom.add(
          Series.xyPoints(
              "base configuration",
              "#08306b",
              new double[] {baseOutcome.latencyMsPerInput()},
              new double[] {baseOutcome.energyMjPerInput()},
              new String[] {"base"}));
    }
    sb.append("<section id=\"pareto\" class=\"figure\"><h2>Pareto front: latency vs energy")
        .append(tag)
        .append("</h2>")
        .append(
            "<p class=\"note\">Every configuration with the base's network and input (grey); red: those no other"
                + " beats in both latency and energy per input, labelled with how they differ from the base.</p>"
                + "<div class=\"panels\"><div class=\"panel\">")
        .append(pc.svg())
        .append("</div><div class=\"panel\">")
        .append(zoom.svg())
        .append(
            "</div><div class=\"panel\"><table class=\"grid sortable\"><thead><tr><th>latency"
                + " per input (ms)</th><th>energy per input (mJ)</th><th>power (mW)</th><th>settings (vs base)</th></tr>"
                + "</thead><tbody>");
    for (Outcome o : r.pareto()) {
      sb.append("<tr>")
          .append(num(o.latencyMsPerInput(), 3))
          .append(num(o.energyMjPerInput(), 3))
          .append(num(o.powerMw(), 0))
          .append("<td>")
          .append(esc(diff(o.settings())))
          .append("</td></tr>");
    }
    sb.append("</tbody></table></div></div></section>");

    // ranking
    sb.append("<section id=\"ranking\"><h2>Settings ranked by their effect on energy")
        .append(tag)
        .append("</h2>")
        .append(
            "<table class=\"grid sortable\"><thead><tr><th>sweep</th><th>spread (max/min − 1)</th><th></th>"
                + "<th>min energy per input (mJ)</th><th>max energy per input (mJ)</th></tr></thead><tbody>");
    double top = r.energyRanking().stream().mapToDouble(Optima.Influence::spread).max().orElse(1);
    for (Optima.Influence i : r.energyRanking()) {
      sb.append("<tr><td>")
          .append(esc(i.label()))
          .append("</td>")
          .append(num(100 * i.spread(), 1).replace("</td>", " %</td>"))
          .append(
              String.format(
                  Locale.ROOT,
                  "<td><div class=\"hbar\" style=\"width:%.0fpx\"></div></td>",
                  200 * i.spread() / top))
          .append(num(i.minMj(), 3))
          .append(num(i.maxMj(), 3))
          .append("</tr>");
    }
    sb.append("</tbody></table></section>");
    return sb.toString();
  }

  private String diff(Map<String, String> settings) {
    List<String> parts = new ArrayList<>();
    settings.forEach(
        (k, v) -> {
          if (!k.equals(Models.MODEL)
              && !k.equals(Models.INPUT)
              && base.containsKey(k)
              && !v.equals(base.get(k))) {
            parts.add(setting(k, v));
          }
        });
    return parts.isEmpty() ? "base" : String.join(", ", parts);
  }

  // ------------------------------------------------------------------ tables

  private String configurationTable() {
    toc.append("<a href=\"#configurations\">Configurations</a> ");
    StringBuilder sb = new StringBuilder();
    sb.append("<section id=\"configurations\"><h2>Configurations</h2>")
        .append("<input class=\"filter\" data-table=\"cfg\" placeholder=\"filter (any text)\"> ")
        .append(
            "<table id=\"cfg\" class=\"grid sortable\"><thead><tr><th>#</th><th>run</th><th>sweep</th>"
                + "<th>network</th><th>settings</th><th>latency per input (ms)</th><th>power (mW)</th>"
                + "<th>cpu power (mW)</th><th>gpu power (mW)</th><th>energy per input (mJ)</th></tr></thead><tbody>");
    for (Configuration c : configs.values()) {
      StringBuilder s = new StringBuilder();
      c.row()
          .settings()
          .forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append('=').append(v));
      sb.append("<tr>")
          .append(num(c.row().position(), 0))
          .append(num(c.row().runId(), 0))
          .append("<td>")
          .append(esc(c.row().sweep()))
          .append("</td><td>")
          .append(esc(c.model()))
          .append("</td><td>")
          .append(esc(s.toString()))
          .append("</td>")
          .append(num(c.latencyPerInput(), 3))
          .append(num(c.power(total), 0))
          .append(num(c.power("cpu"), 0))
          .append(num(c.power("gpu"), 0))
          .append(num(c.energyPerInput(total), 3))
          .append("</tr>");
    }
    sb.append("</tbody></table></section>");
    return sb.toString();
  }

  private String layerTable() {
    toc.append("<a href=\"#layers\">Layers</a> ");
    if (baseConfig == null) {
      return "";
    }
    long run = baseConfig.row().runId();
    StoredRun stored = baseConfig.run();
    List<String> rails = stored.result().rails();
    List<LayerSpec> features = results.layerFeatures(run);
    StringBuilder sb = new StringBuilder();
    sb.append("<section id=\"layers\"><h2>Layers of the base configuration (run ")
        .append(run)
        .append(", ")
        .append(esc(baseConfig.model()))
        .append(")");
    if (study.simulated()) {
      sb.append(" <span class=\"simtag\">simulated</span>");
    }
    sb.append(
        "</h2><p class=\"note\">Click a column's head to sort; type to filter. Features from the network's"
            + " description; power is the mapped mean over the layer phase; energy = power × duration. n/a = not"
            + " measured.</p><input class=\"filter\" data-table=\"lay\" placeholder=\"filter, e.g. Conv\"> <table id=\"lay\""
            + " class=\"grid sortable\"><thead><tr><th>#</th><th>name</th><th>type</th><th>kernel</th><th>stride</th>"
            + "<th>input</th><th>output</th><th>MACs</th><th>duration (ms)</th><th>samples</th>");
    for (String rail : rails) {
      sb.append("<th>")
          .append(esc(rail))
          .append(" power (mW)</th><th>")
          .append(esc(rail))
          .append(" energy (mJ)</th>");
    }
    sb.append("</tr></thead><tbody>");
    for (LayerSummary l : stored.result().layers()) {
      // the network's description of the layer, when the index and the name agree
      LayerSpec f =
          l.index() >= 0
                  && l.index() < features.size()
                  && features.get(l.index()).name().equals(l.name())
              ? features.get(l.index())
              : null;
      sb.append("<tr>")
          .append(num(l.index(), 0))
          .append("<td>")
          .append(esc(l.name()))
          .append("</td><td>")
          .append(esc(l.type()))
          .append("</td>")
          .append(num(f == null || f.kernel() <= 0 ? Double.NaN : f.kernel(), 0))
          .append(num(f == null || f.stride() <= 0 ? Double.NaN : f.stride(), 0))
          .append("<td>")
          .append(esc(f == null ? "" : shape(f.inputShape())))
          .append("</td><td>")
          .append(esc(f == null ? "" : shape(f.outputShape())))
          .append("</td>")
          .append(num(f == null ? Double.NaN : f.macs(), 0))
          .append(num(l.durationMsMean(), 4))
          .append(num(l.samples(), 0));
      for (String rail : rails) {
        var p = l.powerMw().get(rail);
        Double e = l.energyMj().get(rail);
        sb.append(num(p == null ? Double.NaN : p.mean(), 0))
            .append(num(e == null ? Double.NaN : e, 4));
      }
      sb.append("</tr>");
    }
    sb.append("</tbody></table></section>");
    return sb.toString();
  }

  // ------------------------------------------------------------------ page

  private String page(String body) {
    String banner =
        study.simulated()
            ? "<div class=\"banner\" id=\"simulated-banner\">SIMULATED — every number in this report comes from the"
                + " virtual Jetson Nano ("
                + esc(study.board())
                + "), a model calibrated to the paper; none is a"
                + " measurement.</div>"
            : "";
    Map<String, String> slots = new LinkedHashMap<>();
    slots.put("title", esc(study.studyId()) + (study.simulated() ? " (simulated)" : ""));
    slots.put("css", PageTemplate.resource("report.css"));
    slots.put("banner", banner);
    slots.put("study", esc(study.studyId()));
    slots.put("board", esc(study.board()));
    slots.put("body", body);
    slots.put("js", PageTemplate.resource("report.js"));
    return PageTemplate.fill(PageTemplate.resource("page.html"), slots);
  }
}
