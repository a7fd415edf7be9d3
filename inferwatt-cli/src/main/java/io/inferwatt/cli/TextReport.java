package io.inferwatt.cli;

import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import io.inferwatt.core.analysis.Estimate;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The text form of an analysis, for people. When the numbers are simulated, every line starts with
 * {@code [simulated]}. The analysis warns about every layer short of samples; that list (dozens of
 * lines on a small board) is summarised in two lines, and printed whole only when verbose.
 */
final class TextReport {
  /** The layers that "matter": the fewest, largest first, that hold this share of the energy. */
  static final double ENERGY_SHARE = 0.95;

  /** How the analysis words a warning about one layer ("layer 12 (block4.dw) got ..."). */
  private static final Pattern LAYER_WARNING = Pattern.compile("^layer \\d+ \\(");

  private final PrintWriter out;
  private final String prefix;
  private final boolean verbose;

  TextReport(PrintWriter out, boolean simulated, boolean verbose) {
    this.out = out;
    this.prefix = simulated ? "[simulated] " : "";
    this.verbose = verbose;
  }

  void line(String fmt, Object... args) {
    out.println(prefix + String.format(Locale.ROOT, fmt, args));
  }

  void analysis(AnalysisResult r) {
    AnalysisResult.LatencyMs l = r.inferences().latencyMs();
    line(
        "latency ms: mean %s  p50 %s  p95 %s  p99 %s  (%d inferences, batch %d)",
        f(l.mean(), 3),
        f(l.p50(), 3),
        f(l.p95(), 3),
        f(l.p99(), 3),
        l.count(),
        r.inferences().batch());
    if (r.rails().isEmpty()) {
      line("power and energy: not measured (no power sensor)");
    } else {
      powerTable(r);
    }
    mapping(r);
  }

  private void powerTable(AnalysisResult r) {
    line(
        "%-8s %10s %23s %12s %14s %10s",
        "rail", "power mW", "95% CI mW", "energy mJ", "P x latency mJ", "idle mW");
    for (String rail : r.rails()) {
      Estimate p = r.inferences().powerMw().get(rail);
      Estimate idle = r.idlePowerMw().get(rail);
      line(
          "%-8s %10s %23s %12s %14s %10s",
          rail,
          f(p.mean(), 1),
          ci(p),
          f(r.inferences().energyMj().get(rail), 3),
          f(r.inferences().energyMjPaper().get(rail), 3),
          f(idle.mean(), 1));
    }
    line(
        "energy per inference: trapezoidal integration over each inference (energy mJ) and mean"
            + " power x mean latency (P x latency mJ, the paper's)");
  }

  private void mapping(AnalysisResult r) {
    AnalysisResult.MappingInfo m = r.mapping();
    line(
        "sample period %s ms; layer mapping: %s%s",
        f(r.samplePeriodMs(), 3),
        m.method(),
        m.method().equals("window")
            ? " (sensor response "
                + m.response()
                + ", offset "
                + f(m.offsetMs(), 3)
                + " ms, estimated from the data)"
            : m.response().isEmpty() ? "" : " (estimated sensor response " + m.response() + ")");
    if (!m.residualCurve().isEmpty()) {
      StringBuilder curve = new StringBuilder();
      for (AnalysisResult.ResidualPoint p : m.residualCurve()) {
        curve
            .append(curve.length() == 0 ? "" : ", ")
            .append(p.response().equals("boxcar") ? "boxcar:" : p.response() + ":")
            .append(f(p.response().equals("lowpass") ? p.tauMs() : p.windowMs(), 3))
            .append("ms ")
            .append(String.format(Locale.ROOT, "%.3g", p.relativeResidual()));
      }
      line("response search, relative residual per candidate: %s", curve);
    }
    if (!m.reason().isEmpty()) {
      line("mapping: %s", m.reason());
    }
    if (!r.layers().isEmpty()) {
      StringBuilder head =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%4s %-28s %-14s %8s %9s %9s",
                  "#",
                  "layer",
                  "type",
                  "samples",
                  "dur ms",
                  "p50 ms"));
      for (String rail : r.rails()) {
        head.append(String.format(Locale.ROOT, " %9s", rail + " mW"));
      }
      for (String rail : r.rails()) {
        head.append(String.format(Locale.ROOT, " %9s", rail + " mJ"));
      }
      line("%s", head);
      for (LayerSummary ls : r.layers()) {
        StringBuilder b =
            new StringBuilder(
                String.format(
                    Locale.ROOT,
                    "%4d %-28s %-14s %8d %9s %9s",
                    ls.index(),
                    clip(ls.name(), 28),
                    clip(ls.type(), 14),
                    ls.samples(),
                    f(ls.durationMsMean(), 4),
                    f(ls.durationMsP50(), 4)));
        for (String rail : r.rails()) {
          b.append(String.format(Locale.ROOT, " %9s", f(ls.powerMw().get(rail).mean(), 1)));
        }
        for (String rail : r.rails()) {
          b.append(String.format(Locale.ROOT, " %9s", f(ls.energyMj().get(rail), 4)));
        }
        line("%s", b);
      }
      line(
          "unattributed tail: %d samples, mean %s ms per inference",
          r.unattributed().samples(), f(r.unattributed().durationMsMean(), 4));
    }
    int perLayer = 0;
    for (String w : r.warnings()) {
      boolean aboutOneLayer = LAYER_WARNING.matcher(w).find();
      perLayer += aboutOneLayer ? 1 : 0;
      if (verbose || !aboutOneLayer) {
        line("warning: %s", w);
      }
    }
    if (!r.rails().isEmpty()) {
      for (String l : LayerShortfall.of(r, ENERGY_SHARE).lines(perLayer > 0 && !verbose)) {
        line("%s", l);
      }
    }
  }

  static String f(Double v, int digits) {
    if (v == null || v.isNaN()) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%." + digits + "f", v);
  }

  private static String ci(Estimate e) {
    if (Double.isNaN(e.ci95Low())) {
      return "n/a";
    }
    return "[" + f(e.ci95Low(), 1) + ", " + f(e.ci95High(), 1) + "]";
  }

  private static String clip(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "~";
  }
}
