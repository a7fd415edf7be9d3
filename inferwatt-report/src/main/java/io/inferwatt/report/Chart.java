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
 *
 * <p>This class holds the chart's series and writes the SVG's frame (title, legend, plot area);
 * {@link ChartAxes} has the scales and axes, {@link BarMarks}, {@link BoxMarks} and {@link
 * LineMarks} draw the marks.
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

  // ------------------------------------------------------------------ the SVG

  /**
   * The chart as one SVG element: title, legend, plot frame and axes here; the marks are drawn by
   * {@link BarMarks}, {@link BoxMarks} and {@link LineMarks} over the scales of {@link ChartAxes}.
   */
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
    boolean rotate = !numeric && ChartAxes.rotated(categories, widthPx - LEFT - RIGHT);
    if (rotate) {
      int longest = categories.stream().mapToInt(String::length).max().orElse(0);
      bottom = Math.max(BOTTOM, (int) (longest * 6.2 * 0.5) + 40);
    }
    double plotW = widthPx - LEFT - RIGHT;
    double plotH = height - top - bottom;

    double[] yr = ChartAxes.yRange(series, categories.size(), stacked, zero);
    double[] yt = ChartAxes.ticks(yr[0], yr[1], 6);
    double y0 = yt[0];
    double y1 = yt[yt.length - 1];
    double[] xr = numeric ? ChartAxes.xRange(series, bands, zero) : null;
    double[] xt = numeric ? ChartAxes.ticks(xr[0], xr[1], 7) : null;
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
    ChartAxes.Plot p =
        new ChartAxes.Plot(v -> top + plotH - (v - y0) / (y1 - y0) * plotH, top, plotW, plotH);
    sb.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#bbb\"/>",
            LEFT,
            top,
            plotW,
            plotH));
    ChartAxes.labelled(sb, p, yt, LEFT, height, xLabel, yLabel);
    if (numeric) {
      LineMarks.numeric(sb, p, series, bands, LEFT, x0, x1, xt);
    } else {
      double band = plotW / Math.max(1, categories.size());
      double inner = band * 0.8;
      ChartAxes.categories(sb, p, categories, LEFT, band, rotate);
      BarMarks.draw(
          sb,
          p,
          series.stream().filter(s -> s.kind() == Kind.BAR).toList(),
          categories,
          LEFT,
          band,
          inner,
          stacked,
          y0);
      BoxMarks.draw(
          sb,
          p,
          series.stream().filter(s -> s.kind() == Kind.BOX).toList(),
          categories,
          LEFT,
          band,
          inner);
      LineMarks.categorical(sb, p, series, categories, LEFT, band);
    }
    sb.append("</svg>");
    return sb.toString();
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
