package io.inferwatt.report;

import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import io.inferwatt.core.analysis.Analyzer;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.report.Chart.Box;
import io.inferwatt.report.Chart.Series;
import io.inferwatt.report.StudyResults.Configuration;
import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.RawSamples;
import io.inferwatt.store.RunDetails;
import io.inferwatt.store.RunRow;
import io.inferwatt.store.StoredRun;
import io.inferwatt.store.StudyInput;
import io.inferwatt.store.StudyRow;
import io.inferwatt.study.Models;
import io.inferwatt.study.Optima;
import io.inferwatt.study.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * <p>Each figure is a {@code <section id="figN">}; opening the file with {@code #figN} (or {@code
 * ?only=figN}) shows that figure alone.
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

  private static final Pattern CONV =
      Pattern.compile("conv-k(\\d+)-s(\\d+)-c(\\d+)x(\\d+)-(\\d+)x(\\d+)");
  private static final Pattern LAYER = Pattern.compile("([a-z0-9]+)-layer(\\d+)");

  /** Layer types: light colours, so that the rails' strong lines stay readable over them. */
  private static final Map<String, String> TYPE_COLORS =
      Map.of(
          "Conv",
          "#c6dbef",
          "DepthwiseConv",
          "#fdd9b5",
          "Add",
          "#dadaeb",
          "Pool",
          "#fcc5d8",
          "Shuffle",
          "#f2e2b8",
          "Gemm",
          "#c7e9c0",
          "Reformat",
          "#fff3a8",
          "Softmax",
          "#e0d0c0");

  private static final String[] LIGHT = {"#d9f0f0", "#f0e0f0", "#e8e8c8", "#d0e0f8", "#f8e0d0"};
  private static final String IN_COLOR = "#4e79a7";
  private static final String CPU_COLOR = "#e8710a";
  private static final String GPU_COLOR = "#2e8b3d";

  private final StudyResults results;
  private final Options options;
  private final StudyRow study;
  private final Map<String, String> base;
  private final Map<String, Configuration> configs;
  private final List<StudyInput.Slice> slices;
  private final Configuration baseConfig;

  /** The board's total rail, as the study's power source marked it ({@code in} on a Jetson). */
  private final String total;

  private final StringBuilder toc = new StringBuilder();

  private HtmlReport(StudyResults results, Options options) {
    this.results = results;
    this.options = options;
    this.study = results.study();
    this.base = results.base();
    this.configs = results.configurations();
    this.slices = results.slices();
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
    StringBuilder body = new StringBuilder();
    Set<Integer> used = new HashSet<>();
    body.append(fig2());
    body.append(fig3());
    body.append(
        sweepFigure(
            "fig4", "Fig. 4", "Power, energy and latency vs active CPU cores", "cpu.cores", used));
    body.append(
        sweepFigure(
            "fig5",
            "Fig. 5",
            "CPU+GPU power, latency and energy vs CPU frequency",
            "cpu.freq_khz",
            used));
    body.append(
        sweepFigure(
            "fig6",
            "Fig. 6",
            "GPU power, latency and GPU energy vs GPU frequency",
            "gpu.freq_hz",
            used));
    body.append(fig7(used));
    body.append(fig8(used));
    body.append(fig9(used));
    body.append(fig10(used));
    body.append(fig11(used));
    body.append(otherSlices(used));
    body.append(optima());
    body.append(configurationTable());
    body.append(layerTable());
    return page(summary() + body); // the summary last: its contents list the sections
  }

  private StudyResults.Distribution dist(Configuration c) {
    return results.distribution(c);
  }

  /** The configurations of the first slice whose only factor is {@code factor}, in slice order. */
  private List<Configuration> slice(
      String factor, Set<Integer> used, java.util.function.Predicate<List<Configuration>> accept) {
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

  private List<Configuration> members(StudyInput.Slice s) {
    return results.members(s);
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

  /** Fig. 2: power over a few cycles with the layers they map to, from a run's raw samples. */
  private String fig2() {
    String id = "fig2";
    String label = "Fig. 2";
    String title = "Power over several cycles and its mapping to layers";
    Long run = options.samplesRun();
    if (run == null) {
      run = samplesRun();
      if (run == null) {
        return absent(
            id,
            label,
            title,
            "no run of board "
                + study.board()
                + " kept its raw power samples (studies do"
                + " not keep them). Run inferwatt profile --board "
                + study.board()
                + " --db FILE (profile keeps them by"
                + " default), then write the report again, or name a run with --samples-run.");
      }
    }
    Optional<StoredRun> stored = results.run(run);
    if (stored.isEmpty()) {
      return absent(id, label, title, "run " + run + " is not in the measurement base");
    }
    StoredRun meta = stored.get();
    List<RunDetails.InferenceRecord> infs =
        results.inferenceRecords(run).stream()
            .filter(i -> i.phase().equals("layers"))
            .sorted(Comparator.comparingLong(RunDetails.InferenceRecord::startNs))
            .limit(3)
            .toList();
    if (meta.samplesStored() == 0) {
      return absent(id, label, title, "run " + run + " kept no raw samples");
    }
    if (infs.isEmpty()) {
      return absent(
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
    return section(id, label, title, note, List.of(trace.svg(), map.svg()));
  }

  /**
   * The run whose raw samples draw Fig. 2: one of the study's board that kept samples and has
   * records of its layer phase; a run of the study first, then one of the base model, then the
   * newest.
   */
  private Long samplesRun() {
    Set<Long> ofStudy = new HashSet<>();
    configs.values().forEach(c -> ofStudy.add(c.row().runId()));
    String model = base.getOrDefault(Models.MODEL, "mobilenetv2");
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

  /** Fig. 3: energy per layer of the base configuration. */
  private String fig3() {
    String id = "fig3";
    String label = "Fig. 3";
    String title = "Energy of single layers (base configuration)";
    if (baseConfig == null) {
      return absent(id, label, title, "the study has no finished configuration");
    }
    long run = baseConfig.row().runId();
    List<LayerSummary> ls = baseConfig.run().result().layers();
    if (ls.stream().allMatch(l -> l.energyMj().isEmpty())) {
      return absent(
          id,
          label,
          title,
          "the base configuration has no layer results (asynchronous runs have none)");
    }
    Map<Integer, String> typeOf = new LinkedHashMap<>();
    Map<String, Map<Integer, Double>> energy = new LinkedHashMap<>();
    for (LayerSummary l : ls) {
      if (l.energyMj().isEmpty()) {
        continue;
      }
      typeOf.put(l.index(), l.type());
      for (String rail : baseConfig.run().result().rails()) {
        Double e = l.energyMj().get(rail);
        if (e != null) {
          energy.computeIfAbsent(rail, k -> new HashMap<>()).put(l.index(), e);
        }
      }
    }
    List<Integer> idx = new ArrayList<>(typeOf.keySet());
    List<String> cats = idx.stream().map(String::valueOf).toList();
    List<String> svgs = new ArrayList<>();
    String total = energy.containsKey(this.total) ? this.total : energy.keySet().iterator().next();
    Chart c =
        Chart.categorical(
                "Energy per layer, " + total + " rail (run " + run + ")",
                "layer index",
                "energy per execution (mJ)",
                cats)
            .stacked()
            .width(900);
    for (String t : new LinkedHashSet<>(typeOf.values())) {
      double[] y = new double[idx.size()];
      for (int k = 0; k < idx.size(); k++) {
        y[k] =
            typeOf.get(idx.get(k)).equals(t)
                ? energy.get(total).getOrDefault(idx.get(k), Double.NaN)
                : Double.NaN;
      }
      c.add(Series.bars(t, strongTypeColor(t), y));
    }
    svgs.add(c.svg());
    if (energy.containsKey("cpu") && energy.containsKey("gpu")) {
      Chart s =
          Chart.categorical(
                  "Energy per layer, CPU + GPU rails (stacked)",
                  "layer index",
                  "energy per execution (mJ)",
                  cats)
              .stacked()
              .width(900);
      for (String rail : List.of("gpu", "cpu")) {
        double[] y = new double[idx.size()];
        for (int k = 0; k < idx.size(); k++) {
          y[k] = energy.get(rail).getOrDefault(idx.get(k), Double.NaN);
        }
        s.add(Series.bars(rail + " rail", railColor(rail, 0), y));
      }
      svgs.add(s.svg());
    }
    return section(
        id,
        label,
        title,
        "Energy = mapped mean power × mean profiled duration of each layer (the paper's"
            + " definition), for the base configuration ("
            + esc(describe(baseConfig))
            + "). Layers the mapping could not"
            + " measure have no bar. The per-layer table below has every number.",
        svgs);
  }

  /** Figs. 4–6: one factor of the hardware swept, three panels. */
  private String sweepFigure(
      String id, String label, String title, String factor, Set<Integer> used) {
    List<Configuration> cs = slice(factor, used, x -> true);
    if (cs.isEmpty()) {
      return absent(id, label, title, "the study does not sweep " + factor);
    }
    List<String> cats = cs.stream().map(c -> pretty(factor, c.setting(factor))).toList();
    String x = axis(factor);
    List<String> svgs = new ArrayList<>();
    String note;
    if (factor.equals("cpu.freq_khz")) {
      Chart p =
          Chart.categorical("CPU + GPU power (stacked)", x, "power (mW)", cats)
              .stacked()
              .add(
                  Series.bars(
                      "gpu rail",
                      GPU_COLOR,
                      cs.stream().mapToDouble(c -> c.power("gpu")).toArray()))
              .add(
                  Series.bars(
                      "cpu rail",
                      CPU_COLOR,
                      cs.stream().mapToDouble(c -> c.power("cpu")).toArray()));
      svgs.add(p.svg());
      svgs.add(latencyChart(cs, cats, x));
      svgs.add(energyChart(cs, cats, x, List.of(total)));
      note =
          "Power of the CPU and GPU rails stacked (their sum is what the paper's Fig. 5 stacks); latency per"
              + " inference with its p95 as the upper whisker; energy per inference of the total rail.";
    } else if (factor.equals("gpu.freq_hz")) {
      Chart p =
          Chart.categorical("GPU and CPU power", x, "power (mW)", cats)
              .fromZero()
              .add(line("gpu rail", GPU_COLOR, cs, "gpu"))
              .add(line("cpu rail", CPU_COLOR, cs, "cpu"));
      svgs.add(p.svg());
      svgs.add(latencyChart(cs, cats, x));
      svgs.add(energyChart(cs, cats, x, List.of("gpu", total)));
      note =
          "GPU and CPU rail power with 95% CIs; latency per inference (whisker: p95); energy per inference of"
              + " the GPU rail (the paper's GPU energy) and of the total rail.";
    } else {
      Chart p =
          Chart.categorical("Power (" + total + " rail)", x, "power (mW)", cats)
              .add(line(total + " rail", IN_COLOR, cs, total));
      svgs.add(p.svg());
      svgs.add(energyChart(cs, cats, x, List.of(total)));
      svgs.add(latencyChart(cs, cats, x));
      note =
          "Mean power of the total rail with its 95% CI (from the spread of per-inference means), energy per"
              + " inference (mean power × mean latency) and latency per inference (whisker: p95).";
    }
    return section(id, label, title, note, svgs);
  }

  private Series line(String name, String color, List<Configuration> cs, String rail) {
    return Series.line(
        name,
        color,
        cs.stream().mapToDouble(c -> c.power(rail)).toArray(),
        cs.stream().mapToDouble(c -> c.powerMw(rail).ci95Low()).toArray(),
        cs.stream().mapToDouble(c -> c.powerMw(rail).ci95High()).toArray());
  }

  private String latencyChart(List<Configuration> cs, List<String> cats, String x) {
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

  private String energyChart(
      List<Configuration> cs, List<String> cats, String x, List<String> rails) {
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

  /** Fig. 7: sync vs async × batch, box plots of per-inference values. */
  private String fig7(Set<Integer> used) {
    String id = "fig7";
    String label = "Fig. 7";
    String title = "Synchronous vs asynchronous execution for different batch sizes";
    List<Configuration> cs = List.of();
    for (int i = 0; i < slices.size(); i++) {
      StudyInput.Slice s = slices.get(i);
      if (!used.contains(i)
          && new HashSet<>(s.factors()).equals(Set.of(Models.MODE, Models.BATCH))) {
        cs = new ArrayList<>(members(s));
        used.add(i);
        break;
      }
    }
    if (cs.isEmpty()) {
      return absent(id, label, title, "the study has no grid over mode and batch");
    }
    cs.sort(
        Comparator.comparing((Configuration c) -> c.setting(Models.MODE).equals("sync") ? 0 : 1)
            .thenComparingInt(Configuration::batch));
    List<String> cats =
        cs.stream().map(c -> cap(c.setting(Models.MODE)) + " B" + c.batch()).toList();
    List<String> svgs = boxPanels(cs, cats, "mode and batch");
    return section(
        id,
        label,
        title,
        boxNote()
            + " Latency and energy are divided by the batch (per input), as in the"
            + " paper.",
        svgs);
  }

  private List<String> boxPanels(List<Configuration> cs, List<String> cats, String x) {
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

  private static String boxNote() {
    return "Each box is the distribution over the configuration's inferences: power = the mean of the samples inside"
        + " each inference of the power phase (total rail); latency = each inference of the latency phase (logger off);"
        + " energy = the trapezoidal integral of power over each inference of the power phase. Box: quartiles; thick"
        + " line: median; whiskers: min and max; open dot: mean.";
  }

  /** Fig. 8: power over latency per network. */
  private String fig8(Set<Integer> used) {
    String id = "fig8";
    String label = "Fig. 8";
    String title = "Power over latency of different networks";
    List<Configuration> cs =
        slice(Models.MODEL, used, l -> l.stream().noneMatch(c -> c.model().contains("-")));
    if (cs.isEmpty()) {
      return absent(id, label, title, "the study does not sweep whole networks");
    }
    Chart c =
        Chart.numeric("Power vs latency per network", "latency per inference (ms)", "power (mW)");
    for (int i = 0; i < cs.size(); i++) {
      Configuration k = cs.get(i);
      c.add(
          Series.xyPoints(
              k.model(),
              Chart.PALETTE[i % Chart.PALETTE.length],
              new double[] {k.row().latencyMsMean()},
              new double[] {k.power(total)},
              new String[] {k.model()}));
    }
    List<String> cats = cs.stream().map(Configuration::model).toList();
    Chart e =
        Chart.categorical("Energy per inference per network", "network", "energy (mJ)", cats)
            .add(
                Series.bars(
                    total + " rail",
                    "#b07aa1",
                    cs.stream().mapToDouble(k -> k.energyPerInput(total)).toArray()));
    return section(
        id,
        label,
        title,
        "One point per network: mean latency (latency phase) and mean power of the total"
            + " rail (power phase). Right: energy per inference.",
        List.of(c.svg(), e.svg()));
  }

  /** Fig. 9: input kinds. */
  private String fig9(Set<Integer> used) {
    String id = "fig9";
    String label = "Fig. 9";
    String title = "Effect of the input on power";
    List<Configuration> cs = slice(Models.INPUT, used, l -> true);
    if (cs.isEmpty()) {
      return absent(id, label, title, "the study does not sweep the input");
    }
    List<String> cats = cs.stream().map(c -> c.setting(Models.INPUT)).toList();
    return section(id, label, title, boxNote(), boxPanels(cs, cats, "input"));
  }

  /** Fig. 10: layers mapped inside the network vs the same layers as single-layer networks. */
  private String fig10(Set<Integer> used) {
    String id = "fig10";
    String label = "Fig. 10";
    String title =
        "Power, latency and energy of single layers: mapped in the network vs single-layer networks";
    List<Configuration> cs =
        slice(
            Models.MODEL, used, l -> l.stream().allMatch(c -> LAYER.matcher(c.model()).matches()));
    if (cs.isEmpty()) {
      return absent(id, label, title, "the study has no single-layer networks (NET-layerI)");
    }
    int n = cs.size();
    List<String> cats = new ArrayList<>();
    double[][] mapped = new double[4][n];
    double[][] single = new double[4][n];
    double[] mappedLat = new double[n];
    double[] singleLat = new double[n];
    double[] mappedE = new double[n];
    double[] singleE = new double[n];
    for (int i = 0; i < n; i++) {
      Configuration c = cs.get(i);
      Matcher m = LAYER.matcher(c.model());
      m.matches();
      int layer = Integer.parseInt(m.group(2));
      // the single-layer network: its last layer is the layer (the first is its own input reformat)
      Optional<LayerSummary> s =
          c.run().result().layers().stream().max(Comparator.comparingInt(LayerSummary::index));
      Configuration whole =
          configs.values().stream()
              .filter(k -> k.model().equals(m.group(1)) && results.sameExceptModel(k, c))
              .findFirst()
              .orElse(baseConfig);
      Optional<LayerSummary> w = whole == null ? Optional.empty() : whole.layer(layer);
      String type = s.map(LayerSummary::type).orElse("");
      cats.add("L" + layer + " " + type);
      fill(mapped, mappedLat, mappedE, w, i);
      fill(single, singleLat, singleE, s, i);
    }
    String x = "layer of " + LAYER.matcher(cs.get(0).model()).replaceFirst("$1");
    Chart p =
        Chart.categorical("Power (" + total + " rail), mean with 95% CI", x, "power (mW)", cats)
            .add(Series.bars("mapped in the network", IN_COLOR, mapped[0], mapped[1], mapped[2]))
            .add(Series.bars("single-layer network", CPU_COLOR, single[0], single[1], single[2]));
    Chart l =
        Chart.categorical("Latency of the layer", x, "latency (ms)", cats)
            .add(Series.bars("mapped in the network", IN_COLOR, mappedLat))
            .add(Series.bars("single-layer network", CPU_COLOR, singleLat));
    Chart e =
        Chart.categorical("Energy of the layer", x, "energy (mJ)", cats)
            .add(Series.bars("mapped in the network", IN_COLOR, mappedE))
            .add(Series.bars("single-layer network", CPU_COLOR, singleE));
    return section(
        id,
        label,
        title,
        "Left of each pair: the layer's mapped mean power inside the whole network (its"
            + " layer phase); right: the same layer alone behind its own input reformat, timed by the profiler so the"
            + " reformat is left out. The paper drew boxes over mapped samples; the store keeps each layer's mean and 95%"
            + " CI (over samples), shown as bar and whisker. Layers the mapping could not measure have no bar.",
        List.of(p.svg(), l.svg(), e.svg()));
  }

  private void fill(double[][] p, double[] lat, double[] e, Optional<LayerSummary> l, int i) {
    var power = l.map(x -> x.powerMw().get(total)).orElse(null);
    if (l.isEmpty() || power == null) {
      p[0][i] = p[1][i] = p[2][i] = lat[i] = e[i] = Double.NaN;
      return;
    }
    p[0][i] = power.mean();
    p[1][i] = power.ci95Low();
    p[2][i] = power.ci95High();
    lat[i] = l.get().durationMsMean();
    Double energy = l.get().energyMj().get(total);
    e[i] = energy == null ? Double.NaN : energy;
  }

  /** Fig. 11: one convolution, kernel / stride / output channels. */
  private String fig11(Set<Integer> used) {
    String id = "fig11";
    String label = "Fig. 11";
    String title = "Power of a convolution vs kernel size, stride and output channels";
    List<String> svgs = new ArrayList<>();
    String[] names = {
      "kernel size (pixels)",
      "stride (pixels)",
      "input channels",
      "output channels",
      "height (pixels)",
      "width (pixels)"
    };
    while (true) {
      List<Configuration> cs =
          slice(
              Models.MODEL, used, l -> l.stream().allMatch(c -> CONV.matcher(c.model()).matches()));
      if (cs.isEmpty()) {
        break;
      }
      int varies = -1;
      List<int[]> params = new ArrayList<>();
      for (Configuration c : cs) {
        Matcher m = CONV.matcher(c.model());
        m.matches();
        int[] v = new int[6];
        for (int g = 0; g < 6; g++) {
          v[g] = Integer.parseInt(m.group(g + 1));
        }
        params.add(v);
      }
      for (int g = 0; g < 6 && varies < 0; g++) {
        for (int[] v : params) {
          if (v[g] != params.get(0)[g]) {
            varies = g;
            break;
          }
        }
      }
      int g = Math.max(0, varies);
      List<String> cats = new ArrayList<>();
      Box[] boxes = new Box[cs.size()];
      for (int i = 0; i < cs.size(); i++) {
        int[] v = params.get(i);
        cats.add(g == 0 || g == 1 ? v[g] + "×" + v[g] : Integer.toString(v[g]));
        boxes[i] = Box.of(dist(cs.get(i)).powerMw());
      }
      svgs.add(
          Chart.categorical(
                  "Power vs " + names[g].replaceFirst(" \\(.*", ""), names[g], "power (mW)", cats)
              .add(Series.boxes("power (" + total + " rail) per inference", IN_COLOR, boxes))
              .svg());
    }
    if (svgs.isEmpty()) {
      return absent(
          id,
          label,
          title,
          "the study has no single-convolution networks (conv-kK-sS-cINxOUT-HxW)");
    }
    return section(
        id,
        label,
        title,
        "One convolution at 3×224×224 input; the rest of each sweep at kernel 1×1,"
            + " stride 1, 3 output channels. "
            + boxNote()
            + " These inferences last about one sample period or less, so"
            + " each holds 0–2 samples, some of them from the gap between inferences or the input reformat: the boxes are"
            + " wide and the mean sits below the median.",
        svgs);
  }

  /** Slices no paper figure drew: power, latency and energy vs their values. */
  private String otherSlices(Set<Integer> used) {
    StringBuilder sb = new StringBuilder();
    int n = 0;
    for (int i = 0; i < slices.size(); i++) {
      if (used.contains(i)) {
        continue;
      }
      StudyInput.Slice s = slices.get(i);
      List<Configuration> cs = members(s);
      if (cs.size() < 2) {
        continue;
      }
      n++;
      List<String> cats =
          cs.stream()
              .map(
                  c ->
                      String.join(
                          " ",
                          s.factors().stream()
                              .map(
                                  f ->
                                      s.factors().size() == 1
                                          ? pretty(f, c.setting(f))
                                          : f + "=" + pretty(f, c.setting(f)))
                              .toList()))
              .toList();
      String x =
          s.factors().size() == 1 ? axis(s.factors().get(0)) : String.join(", ", s.factors());
      Chart p =
          Chart.categorical("Power (" + total + " rail)", x, "power (mW)", cats)
              .add(line(total + " rail", IN_COLOR, cs, total));
      Chart e =
          Chart.categorical("Energy per input", x, "energy per input (mJ)", cats)
              .fromZero()
              .add(
                  Series.line(
                      total + " rail",
                      "#b07aa1",
                      cs.stream().mapToDouble(k -> k.energyPerInput(total)).toArray()));
      Chart l =
          Chart.categorical("Latency per input", x, "latency per input (ms)", cats)
              .fromZero()
              .add(
                  Series.line(
                      "mean",
                      "#e15759",
                      cs.stream().mapToDouble(Configuration::latencyPerInput).toArray()));
      sb.append(
          section(
              "slice" + i,
              "Sweep " + s.label(),
              "power, latency and energy",
              "A sweep of this study that" + " no figure of the paper draws.",
              List.of(p.svg(), e.svg(), l.svg())));
    }
    return n == 0 ? "" : sb.toString();
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

  private static String typeColor(String type) {
    String c = TYPE_COLORS.get(type);
    return c != null ? c : LIGHT[Math.floorMod(type.hashCode(), LIGHT.length)];
  }

  /** Layer types as bar colours. */
  private static String strongTypeColor(String type) {
    return switch (type) {
      case "Conv" -> "#4e79a7";
      case "DepthwiseConv" -> "#f28e2b";
      case "Add" -> "#76b7b2";
      case "Pool" -> "#b07aa1";
      case "Shuffle" -> "#e15759";
      case "Gemm" -> "#59a14f";
      case "Reformat" -> "#edc948";
      default -> Chart.PALETTE[Math.floorMod(type.hashCode(), Chart.PALETTE.length)];
    };
  }

  private static String railColor(String rail, int i) {
    return switch (rail) {
      case "in", "total" -> "#08306b";
      case "cpu" -> CPU_COLOR;
      case "gpu" -> GPU_COLOR;
      default -> Chart.PALETTE[(i + 3) % Chart.PALETTE.length];
    };
  }

  /** The axis label of a setting, with its unit. */
  static String axis(String setting) {
    return switch (setting) {
      case "cpu.cores" -> "active CPU cores";
      case "cpu.freq_khz" -> "CPU frequency (MHz)";
      case "gpu.freq_hz" -> "GPU frequency (MHz)";
      case "emc.freq_hz" -> "memory frequency (MHz)";
      case "batch" -> "batch (inputs)";
      case "mode" -> "execution mode";
      case "input" -> "input";
      case "model" -> "network";
      case "gpu.clock_mhz" -> "GPU clock (MHz)";
      case "gpu.power_limit_mw" -> "GPU power limit (mW)";
      default -> setting;
    };
  }

  /** A setting's value in the unit of its axis (frequencies in MHz). */
  static String pretty(String setting, String value) {
    if (value == null) {
      return "-";
    }
    try {
      if (setting.endsWith("_khz")) {
        return trim(Double.parseDouble(value) / 1e3);
      }
      if (setting.endsWith("_hz")) {
        return trim(Double.parseDouble(value) / 1e6);
      }
    } catch (NumberFormatException e) {
      return value;
    }
    return value;
  }

  /**
   * {@code cpu.freq 1479 MHz}, {@code cpu.cores 4}: a setting with its value in the unit people
   * read.
   */
  static String setting(String key, String value) {
    if (key.endsWith("_khz") || key.endsWith("_hz")) {
      return key.replaceFirst("_k?hz$", "") + " " + pretty(key, value) + " MHz";
    }
    return key + " " + value;
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.1f", v);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }

  private static String range(String f, List<String> vs) {
    List<String> p = vs.stream().map(v -> pretty(f, v)).toList();
    return p.size() <= 3
        ? String.join(", ", p)
        : p.get(0) + " … " + p.get(p.size() - 1) + " (" + p.size() + " values)";
  }

  private static String describe(Configuration c) {
    StringBuilder sb = new StringBuilder(c.model());
    c.row().settings().forEach((k, v) -> sb.append(", ").append(setting(k, v)));
    return sb.toString();
  }

  private static String cap(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static String num(double v, int decimals) {
    if (Double.isNaN(v)) {
      return "<td class=\"n\">n/a</td>";
    }
    return "<td class=\"n\" data-v=\"" + v + "\">" + Chart.fmt(v, decimals) + "</td>";
  }

  /** The {@code pct} percentile of {@code v}'s values other than NaN; NaN for none. */
  private static double percentile(double[] v, double pct) {
    return Analyzer.percentile(
        java.util.Arrays.stream(v).filter(x -> !Double.isNaN(x)).sorted().toArray(), pct);
  }

  /** {@code 3x224x224}, as the store writes a shape. */
  private static String shape(List<Integer> dims) {
    StringBuilder sb = new StringBuilder();
    for (Integer d : dims) {
      sb.append(sb.length() == 0 ? "" : "x").append(d);
    }
    return sb.toString();
  }

  private static double d(String s) {
    if (s == null) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static double[] arr(List<Double> l) {
    return l.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  private static String esc(String s) {
    return Chart.esc(s);
  }
}
