package io.inferwatt.report;

import static io.inferwatt.report.Style.*;

import io.inferwatt.report.StudyResults.Configuration;
import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.StudyRow;
import io.inferwatt.study.Optima;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 * the {@link StudyResults} into a {@link Figure} value; Table I ({@code OptimaTable}), the Pareto
 * front ({@code ParetoFigure}), the ranking ({@code RankingTable}) and the tables ({@code
 * ConfigurationTable}, {@code LayerTable}) are values built from the same model that render their
 * own section. This class lays them out under the summary and fills the page template. Each figure
 * is a {@code <section id="figN">}; opening the file with {@code #figN} (or {@code ?only=figN})
 * shows that figure alone.
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
  private final Map<String, String> baseline;
  private final Map<String, Configuration> configs;
  private final Configuration baselineConfig;

  /** The board's total rail, as the study's power source marked it ({@code in} on a Jetson). */
  private final String total;

  private final StringBuilder toc = new StringBuilder();

  private HtmlReport(StudyResults results, Options options) {
    this.cx = new ReportContext(results, options);
    this.results = results;
    this.options = options;
    this.study = results.study();
    this.baseline = results.baseline();
    this.configs = results.configurations();
    this.baselineConfig = results.baselineConfiguration();
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
    String tag = study.simulated() ? " <span class=\"simtag\">simulated</span>" : "";
    Optima.Result optima = results.optima(options.tolerance());
    toc.append(
        "<a href=\"#table1\">Table I</a> <a href=\"#pareto\">Pareto front</a> <a href=\"#ranking\">Ranking</a> ");
    body.append(OptimaTable.of(optima).html(tag));
    body.append(ParetoFigure.of(results, optima).html(tag));
    body.append(RankingTable.of(optima).html(tag));
    toc.append("<a href=\"#configurations\">Configurations</a> ");
    body.append(ConfigurationTable.of(results).html());
    toc.append("<a href=\"#layers\">Layers</a> ");
    LayerTable layers = LayerTable.of(results);
    body.append(layers == null ? "" : layers.html(study.simulated()));
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
    baseline.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(setting(k, v)));
    kv(sb, "baseline settings", b.toString());
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
    if (baselineConfig != null) {
      List<String> env = new ArrayList<>();
      baselineConfig.run().environment().forEach((k, v) -> env.add(k + " " + v));
      kv(sb, "environment", String.join(", ", env));
      kv(
          sb,
          "baseline configuration",
          "run "
              + baselineConfig.row().runId()
              + ": latency "
              + Chart.fmt(baselineConfig.row().latencyMsMean(), 2)
              + " ms, power ("
              + baselineConfig.totalRail()
              + ") "
              + Chart.fmt(baselineConfig.row().powerMwMean(), 0)
              + " mW, energy "
              + Chart.fmt(baselineConfig.row().energyMjPaper(), 2)
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
