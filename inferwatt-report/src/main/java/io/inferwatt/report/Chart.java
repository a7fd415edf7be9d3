package io.inferwatt.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A small SVG chart: a categorical x axis (bars, stacked bars, lines, box plots, error bars) or a
 * numeric one (lines, points, labelled points, shaded bands). Every axis carries a label with its
 * unit; every series is in the legend; every mark has a tooltip ({@code <title>}). The SVG is
 * self-contained and scales with its container ({@code viewBox}).
 */
final class Chart {

  /** How a series is drawn. */
  enum Kind {
    BAR,
    LINE,
    POINTS,
    BOX
  }

  /**
   * Five numbers and the mean of a distribution (whiskers at min and max).
   *
   * @param n values behind it
   */
  record Box(double min, double q1, double median, double q3, double max, double mean, int n) {

    /** The box of {@code values} (NaNs left out); null when there is no value. */
    static Box of(double[] values) {
      double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d)).sorted().toArray();
      if (v.length == 0) {
        return null;
      }
      return new Box(
          v[0],
          q(v, 25),
          q(v, 50),
          q(v, 75),
          v[v.length - 1],
          Arrays.stream(v).average().orElse(Double.NaN),
          v.length);
    }

    private static double q(double[] s, double pct) {
      double pos = (s.length - 1) * pct / 100.0;
      int lo = (int) Math.floor(pos);
      int hi = Math.min(lo + 1, s.length - 1);
      return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }
  }

  /**
   * One series. Categorical charts index {@code y}, {@code low}, {@code high} and {@code boxes} by
   * category; numeric charts pair {@code x} with {@code y}. NaN = no value.
   */
  record Series(
      String name,
      String color,
      Kind kind,
      double[] x,
      double[] y,
      double[] low,
      double[] high,
      Box[] boxes,
      String[] labels) {

    static Series bars(String name, String color, double[] y) {
      return new Series(name, color, Kind.BAR, null, y, null, null, null, null);
    }

    static Series bars(String name, String color, double[] y, double[] low, double[] high) {
      return new Series(name, color, Kind.BAR, null, y, low, high, null, null);
    }

    static Series line(String name, String color, double[] y) {
      return new Series(name, color, Kind.LINE, null, y, null, null, null, null);
    }

    static Series line(String name, String color, double[] y, double[] low, double[] high) {
      return new Series(name, color, Kind.LINE, null, y, low, high, null, null);
    }

    static Series boxes(String name, String color, Box[] boxes) {
      return new Series(name, color, Kind.BOX, null, null, null, null, boxes, null);
    }

    static Series xyLine(String name, String color, double[] x, double[] y) {
      return new Series(name, color, Kind.LINE, x, y, null, null, null, null);
    }

    static Series xyPoints(String name, String color, double[] x, double[] y, String[] labels) {
      return new Series(name, color, Kind.POINTS, x, y, null, null, null, labels);
    }
  }

  /** A shaded interval of a numeric x axis (a layer in a power trace). */
  record Band(double x0, double x1, String color, String title) {}

  static final String[] PALETTE = {
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac"
  };

  private static final int H = 330;
  private static final int LEFT = 70;
  private static final int RIGHT = 18;
  private static final int BOTTOM = 62;

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private List<String> categories = List.of();
  private final List<Series> series = new ArrayList<>();
  private final List<Band> bands = new ArrayList<>();
  private final List<String[]> extraLegend = new ArrayList<>();
  private boolean stacked;
  private boolean zero;
  private boolean numeric;
  private int height = H;
  private int widthPx = 600;

  private Chart(String title, String xLabel, String yLabel) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  /** A chart over named categories. */
  static Chart categorical(String title, String xLabel, String yLabel, List<String> categories) {
    Chart c = new Chart(title, xLabel, yLabel);
    c.categories = List.copyOf(categories);
    return c;
  }

  /** A chart over a numeric x axis. */
  static Chart numeric(String title, String xLabel, String yLabel) {
    Chart c = new Chart(title, xLabel, yLabel);
    c.numeric = true;
    return c;
  }

  Chart add(Series s) {
    series.add(s);
    return this;
  }

  Chart band(Band b) {
    bands.add(b);
    return this;
  }

  /** A legend entry that belongs to no series (band colours). */
  Chart legend(String name, String color) {
    extraLegend.add(new String[] {name, color});
    return this;
  }

  /** Bars stack instead of standing side by side. */
  Chart stacked() {
    this.stacked = true;
    return this;
  }

  /** The y axis starts at zero (bars always do). */
  Chart fromZero() {
    this.zero = true;
    return this;
  }

  Chart height(int h) {
    this.height = h;
    return this;
  }

  Chart width(int w) {
    this.widthPx = w;
    return this;
  }

  // ------------------------------------------------------------------ drawing

  String svg() {
    List<String[]> legend = new ArrayList<>();
    for (Series s : series) {
      legend.add(new String[] {s.name(), s.color()});
    }
    legend.addAll(extraLegend);
    // legend rows, about 7 px per character
    List<List<String[]>> rows = new ArrayList<>();
    double rowW = 0;
    List<String[]> row = new ArrayList<>();
    for (String[] item : legend) {
      double w = 26 + 6.6 * item[0].length();
      if (!row.isEmpty() && rowW + w > widthPx - LEFT - RIGHT) {
        rows.add(row);
        row = new ArrayList<>();
        rowW = 0;
      }
      row.add(item);
      rowW += w;
    }
    if (!row.isEmpty()) {
      rows.add(row);
    }
    int top = 34 + 18 * rows.size() + 6;
    int bottom = numeric ? 48 : BOTTOM;
    if (!numeric && rotated()) {
      int longest = categories.stream().mapToInt(String::length).max().orElse(0);
      bottom = Math.max(BOTTOM, (int) (longest * 6.2 * 0.5) + 40);
    }
    double plotW = widthPx - LEFT - RIGHT;
    double plotH = height - top - bottom;

    double[] yr = yRange();
    double[] yt = ticks(yr[0], yr[1], 6);
    double y0 = yt[0];
    double y1 = yt[yt.length - 1];
    double[] xr = numeric ? xRange() : null;
    double[] xt = numeric ? ticks(xr[0], xr[1], 7) : null;
    double x0 =
        numeric ? (bands.isEmpty() && !zero && (xt[0] >= 0 || xr[0] < 0) ? xt[0] : xr[0]) : 0;
    double x1 = numeric ? (bands.isEmpty() && !zero ? xt[xt.length - 1] : xr[1]) : 0;

    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">",
            widthPx,
            height,
            widthPx,
            height,
            esc(title)));
    sb.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>");
    sb.append(
        String.format(
            Locale.ROOT, "<text x=\"%d\" y=\"20\" class=\"ct\">%s</text>", LEFT, esc(title)));
    for (int r = 0; r < rows.size(); r++) {
      double lx = LEFT;
      int ly = 38 + 18 * r;
      for (String[] item : rows.get(r)) {
        sb.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%d\" width=\"14\" height=\"10\" fill=\"%s\"/><text x=\"%.1f\" y=\"%d\" class=\"lg\">%s</text>",
                lx,
                ly - 9,
                item[1],
                lx + 18,
                ly,
                esc(item[0])));
        lx += 26 + 6.6 * item[0].length();
      }
    }
    // the plot area
    java.util.function.DoubleUnaryOperator ys = v -> top + plotH - (v - y0) / (y1 - y0) * plotH;
    sb.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#bbb\"/>",
            LEFT,
            top,
            plotW,
            plotH));
    int yDec = decimals(yt);
    for (double t : yt) {
      double y = ys.applyAsDouble(t);
      sb.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text x=\"%d\" y=\"%.1f\" class=\"yt\">%s</text>",
              LEFT,
              LEFT + plotW,
              y,
              y,
              LEFT - 5,
              y + 4,
              fmt(t, yDec)));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "<text transform=\"translate(16,%.1f) rotate(-90)\" class=\"al\">%s</text>",
            top + plotH / 2,
            esc(yLabel)));
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%.1f\" y=\"%d\" class=\"al\">%s</text>",
            LEFT + plotW / 2,
            height - 8,
            esc(xLabel)));
    if (numeric) {
      drawNumeric(sb, ys, top, plotW, plotH, x0, x1, xt);
    } else {
      drawCategorical(sb, ys, top, plotW, plotH, y0);
    }
    sb.append("</svg>");
    return sb.toString();
  }

  private void drawCategorical(
      StringBuilder sb,
      java.util.function.DoubleUnaryOperator ys,
      int top,
      double plotW,
      double plotH,
      double y0) {
    int n = Math.max(1, categories.size());
    double band = plotW / n;
    int every = (int) Math.ceil(n / 24.0);
    boolean rotate = rotated();
    for (int i = 0; i < categories.size(); i++) {
      if (i % every != 0) {
        continue;
      }
      double cx = LEFT + band * (i + 0.5);
      double ty = top + plotH + 14;
      if (rotate) {
        sb.append(
            String.format(
                Locale.ROOT,
                "<text transform=\"translate(%.1f,%.1f) rotate(-30)\" class=\"xtr\">%s</text>",
                cx + 3,
                ty - 3,
                esc(categories.get(i))));
      } else {
        sb.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" class=\"xt\">%s</text>",
                cx,
                ty,
                esc(categories.get(i))));
      }
    }
    List<Series> bars = series.stream().filter(s -> s.kind() == Kind.BAR).toList();
    List<Series> boxes = series.stream().filter(s -> s.kind() == Kind.BOX).toList();
    int groups = stacked ? Math.min(1, bars.size()) : bars.size();
    double inner = band * 0.8;
    // bars
    double[] stack = new double[categories.size()];
    for (int b = 0; b < bars.size(); b++) {
      Series s = bars.get(b);
      double w = groups == 0 ? inner : inner / Math.max(1, groups);
      for (int i = 0; i < categories.size(); i++) {
        double v = at(s.y(), i);
        if (Double.isNaN(v)) {
          continue;
        }
        double xLeft = LEFT + band * i + (band - inner) / 2 + (stacked ? 0 : w * b);
        double base = stacked ? stack[i] : Math.max(0, y0);
        double topV = stacked ? stack[i] + v : v;
        double yTop = ys.applyAsDouble(Math.max(base, topV));
        double yBot = ys.applyAsDouble(Math.min(base, topV));
        sb.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s, %s: %s</title></rect>",
                xLeft,
                yTop,
                Math.max(0.5, w - (w > 4 ? 1 : 0)),
                Math.max(0.5, yBot - yTop),
                s.color(),
                esc(s.name()),
                esc(categories.get(i)),
                fmt(v, 3)));
        errorBar(sb, ys, xLeft + w / 2, s, i);
        if (stacked) {
          stack[i] += v;
        }
      }
    }
    // boxes
    for (int b = 0; b < boxes.size(); b++) {
      Series s = boxes.get(b);
      double w = inner / boxes.size();
      for (int i = 0; i < categories.size(); i++) {
        Box x = s.boxes() == null || i >= s.boxes().length ? null : s.boxes()[i];
        if (x == null) {
          continue;
        }
        double cx = LEFT + band * i + (band - inner) / 2 + w * (b + 0.5);
        double bw = Math.min(w * 0.7, 46);
        String tip =
            String.format(
                Locale.ROOT,
                "%s, %s: median %s, quartiles %s to %s, min %s, max %s, mean %s (n = %d)",
                esc(s.name()),
                esc(categories.get(i)),
                fmt(x.median(), 3),
                fmt(x.q1(), 3),
                fmt(x.q3(), 3),
                fmt(x.min(), 3),
                fmt(x.max(), 3),
                fmt(x.mean(), 3),
                x.n());
        sb.append("<g><title>").append(tip).append("</title>");
        sb.append(
            String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>",
                cx,
                cx,
                ys.applyAsDouble(x.max()),
                ys.applyAsDouble(x.min())));
        for (double v : new double[] {x.min(), x.max()}) {
          sb.append(
              String.format(
                  Locale.ROOT,
                  "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>",
                  cx - bw / 4,
                  cx + bw / 4,
                  ys.applyAsDouble(v),
                  ys.applyAsDouble(v)));
        }
        double yq3 = ys.applyAsDouble(x.q3());
        double yq1 = ys.applyAsDouble(x.q1());
        sb.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" fill-opacity=\"0.55\" stroke=\"%s\"/>",
                cx - bw / 2,
                yq3,
                bw,
                Math.max(1, yq1 - yq3),
                s.color(),
                s.color()));
        double ym = ys.applyAsDouble(x.median());
        sb.append(
            String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#111\" stroke-width=\"2\"/>",
                cx - bw / 2,
                cx + bw / 2,
                ym,
                ym));
        sb.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"#fff\" stroke=\"#111\"/>",
                cx,
                ys.applyAsDouble(x.mean())));
        sb.append("</g>");
      }
    }
    // lines and points
    for (Series s : series) {
      if (s.kind() != Kind.LINE && s.kind() != Kind.POINTS) {
        continue;
      }
      StringBuilder path = new StringBuilder();
      for (int i = 0; i < categories.size(); i++) {
        double v = at(s.y(), i);
        if (Double.isNaN(v)) {
          continue;
        }
        double cx = LEFT + band * (i + 0.5);
        path.append(path.length() == 0 ? "M" : "L")
            .append(String.format(Locale.ROOT, "%.1f,%.1f ", cx, ys.applyAsDouble(v)));
      }
      if (s.kind() == Kind.LINE && path.length() > 0) {
        sb.append(
            String.format(
                Locale.ROOT,
                "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>",
                path.toString().trim(),
                s.color()));
      }
      for (int i = 0; i < categories.size(); i++) {
        double v = at(s.y(), i);
        if (Double.isNaN(v)) {
          continue;
        }
        double cx = LEFT + band * (i + 0.5);
        errorBar(sb, ys, cx, s, i);
        sb.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s, %s: %s</title></circle>",
                cx,
                ys.applyAsDouble(v),
                s.color(),
                esc(s.name()),
                esc(categories.get(i)),
                fmt(v, 3)));
      }
    }
  }

  /** Whether the category labels are too long to stand side by side. */
  private boolean rotated() {
    int n = Math.max(1, categories.size());
    double band = (widthPx - LEFT - RIGHT) / (double) n;
    int every = (int) Math.ceil(n / 24.0);
    return categories.stream().anyMatch(c -> c.length() * 6.5 > band * every - 4);
  }

  private static void errorBar(
      StringBuilder sb, java.util.function.DoubleUnaryOperator ys, double cx, Series s, int i) {
    double lo = at(s.low(), i);
    double hi = at(s.high(), i);
    if (Double.isNaN(lo) || Double.isNaN(hi)) {
      return;
    }
    double a = ys.applyAsDouble(hi);
    double b = ys.applyAsDouble(lo);
    sb.append(
        String.format(
            Locale.ROOT,
            "<path d=\"M%.1f,%.1f L%.1f,%.1f M%.1f,%.1f L%.1f,%.1f M%.1f,%.1f L%.1f,%.1f\" stroke=\"#222\" fill=\"none\"/>",
            cx,
            a,
            cx,
            b,
            cx - 4,
            a,
            cx + 4,
            a,
            cx - 4,
            b,
            cx + 4,
            b));
  }

  private void drawNumeric(
      StringBuilder sb,
      java.util.function.DoubleUnaryOperator ys,
      int top,
      double plotW,
      double plotH,
      double x0,
      double x1,
      double[] xt) {
    java.util.function.DoubleUnaryOperator xs = v -> LEFT + (v - x0) / (x1 - x0) * plotW;
    List<double[]> placed = new ArrayList<>(); // labels placed so far: x, baseline y, width
    for (Band b : bands) {
      double a = Math.max(x0, b.x0());
      double c = Math.min(x1, b.x1());
      if (c <= a) {
        continue;
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%.1f\" fill=\"%s\"><title>%s</title></rect>",
              xs.applyAsDouble(a),
              top,
              xs.applyAsDouble(c) - xs.applyAsDouble(a),
              plotH,
              b.color(),
              esc(b.title())));
    }
    int xDec = decimals(xt);
    for (double t : xt) {
      if (t < x0 - 1e-9 || t > x1 + 1e-9) {
        continue;
      }
      double x = xs.applyAsDouble(t);
      sb.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%.1f\" class=\"grid\"/><text x=\"%.1f\" y=\"%.1f\" class=\"xt\">%s</text>",
              x,
              x,
              top,
              top + plotH,
              x,
              top + plotH + 14,
              fmt(t, xDec)));
    }
    for (Series s : series) {
      if (s.kind() == Kind.LINE) {
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < s.x().length; i++) {
          if (Double.isNaN(s.y()[i]) || Double.isNaN(s.x()[i])) {
            continue;
          }
          path.append(path.length() == 0 ? "M" : "L")
              .append(
                  String.format(
                      Locale.ROOT,
                      "%.1f,%.1f ",
                      xs.applyAsDouble(s.x()[i]),
                      ys.applyAsDouble(s.y()[i])));
        }
        sb.append(
            String.format(
                Locale.ROOT,
                "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\"><title>%s</title></path>",
                path.toString().trim(),
                s.color(),
                esc(s.name())));
      }
      boolean dots = s.kind() == Kind.POINTS || s.x().length <= 400;
      if (!dots) {
        continue;
      }
      double r = s.kind() == Kind.POINTS ? 5 : 2;
      for (int i = 0; i < s.x().length; i++) {
        if (Double.isNaN(s.y()[i]) || Double.isNaN(s.x()[i])) {
          continue;
        }
        double cx = xs.applyAsDouble(s.x()[i]);
        double cy = ys.applyAsDouble(s.y()[i]);
        String label = s.labels() == null ? null : s.labels()[i];
        sb.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"><title>%s%s: x %s, y %s</title></circle>",
                cx,
                cy,
                r,
                s.color(),
                esc(s.name()),
                label == null ? "" : " " + esc(label),
                fmt(s.x()[i], 3),
                fmt(s.y()[i], 3)));
        if (label != null) {
          double w = 7.2 * label.length();
          double[][] tries = {{8, -7}, {8, 16}, {-8 - w, -7}, {-8 - w, 16}, {8, -22}, {8, 31}};
          double[] at = tries[0];
          for (double[] t : tries) {
            double lx = cx + t[0];
            double ly = cy + t[1];
            boolean inside =
                lx >= LEFT && lx + w <= LEFT + plotW && ly - 12 >= top && ly <= top + plotH;
            boolean free =
                placed.stream()
                    .noneMatch(
                        p -> lx < p[0] + p[2] && p[0] < lx + w && ly - 12 < p[1] && p[1] - 12 < ly);
            if (inside && free) {
              at = t;
              break;
            }
          }
          placed.add(new double[] {cx + at[0], cy + at[1], w});
          sb.append(
              String.format(
                  Locale.ROOT,
                  "<text x=\"%.1f\" y=\"%.1f\" class=\"pl\">%s</text>",
                  cx + at[0],
                  cy + at[1],
                  esc(label)));
        }
      }
    }
  }

  // ------------------------------------------------------------------ scales

  private double[] yRange() {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    boolean bars = false;
    double[] stack = new double[Math.max(1, categories.size())];
    for (Series s : series) {
      if (s.kind() == Kind.BOX) {
        for (Box b : s.boxes()) {
          if (b != null) {
            lo = Math.min(lo, b.min());
            hi = Math.max(hi, b.max());
          }
        }
        continue;
      }
      bars |= s.kind() == Kind.BAR;
      for (int i = 0; i < s.y().length; i++) {
        double v = s.y()[i];
        if (Double.isNaN(v)) {
          continue;
        }
        if (stacked && s.kind() == Kind.BAR && i < stack.length) {
          stack[i] += v;
          v = stack[i];
        }
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
        double h = at(s.high(), i);
        double l = at(s.low(), i);
        if (!Double.isNaN(h)) {
          hi = Math.max(hi, h);
        }
        if (!Double.isNaN(l)) {
          lo = Math.min(lo, l);
        }
      }
    }
    if (lo == Double.POSITIVE_INFINITY) {
      return new double[] {0, 1};
    }
    if (bars || zero) {
      lo = Math.min(0, lo);
      hi = Math.max(0, hi);
    } else {
      double pad = (hi - lo) * 0.08;
      if (pad == 0) {
        pad = Math.abs(hi) * 0.05 + 1e-9;
      }
      lo -= pad;
      hi += pad;
    }
    if (hi == lo) {
      hi = lo + 1;
    }
    return new double[] {lo, hi};
  }

  private double[] xRange() {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (double v : s.x()) {
        if (!Double.isNaN(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    for (Band b : bands) {
      lo = Math.min(lo, b.x0());
      hi = Math.max(hi, b.x1());
    }
    if (lo == Double.POSITIVE_INFINITY) {
      return new double[] {0, 1};
    }
    if (bands.isEmpty()) {
      double pad = (hi - lo) * 0.08;
      if (pad == 0) {
        pad = Math.abs(hi) * 0.1 + 1;
      }
      boolean positive = lo >= 0;
      lo -= pad;
      hi += pad;
      if (positive && lo < 0) {
        lo = 0;
      }
    }
    if (zero) {
      lo = Math.min(lo, 0);
    }
    return new double[] {lo, hi};
  }

  /** Round tick values covering [lo, hi], about {@code n} of them. */
  static double[] ticks(double lo, double hi, int n) {
    double span = hi - lo;
    double raw = span / Math.max(1, n - 1);
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = mag;
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      step = m * mag;
      if (span / step <= n - 1) {
        break;
      }
    }
    double start = Math.floor(lo / step + 1e-9) * step;
    double end = Math.ceil(hi / step - 1e-9) * step;
    int count = (int) Math.round((end - start) / step) + 1;
    double[] t = new double[count];
    for (int i = 0; i < count; i++) {
      t[i] = start + i * step;
    }
    return t;
  }

  private static int decimals(double[] ticks) {
    if (ticks.length < 2) {
      return 0;
    }
    double step = Math.abs(ticks[1] - ticks[0]);
    for (int d = 0; d < 6; d++) {
      double scaled = step * Math.pow(10, d);
      if (Math.abs(scaled - Math.rint(scaled)) < 1e-6 * Math.max(1, scaled)) {
        return d;
      }
    }
    return 6;
  }

  private static double at(double[] a, int i) {
    return a == null || i >= a.length ? Double.NaN : a[i];
  }

  /** A number with {@code decimals} digits after the point; thousands unseparated. */
  static String fmt(double v, int decimals) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
