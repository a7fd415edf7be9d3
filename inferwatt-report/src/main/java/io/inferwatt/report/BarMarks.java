package io.inferwatt.report;

import static io.inferwatt.report.Chart.esc;
import static io.inferwatt.report.Chart.fmt;
import static io.inferwatt.report.ChartAxes.at;

import io.inferwatt.report.Chart.Series;
import io.inferwatt.report.ChartAxes.Plot;
import java.util.List;
import java.util.Locale;

/**
 * Bars over categories, side by side or stacked, with error bars; each bar's value is its tooltip.
 */
final class BarMarks {

  private BarMarks() {}

  /**
   * Draws {@code bars} (their y by category).
   *
   * @param band a category's width (px)
   * @param inner the part of it the bars fill (px)
   * @param y0 the y axis's lowest value
   */
  static void draw(
      StringBuilder sb,
      Plot p,
      List<Series> bars,
      List<String> categories,
      int left,
      double band,
      double inner,
      boolean stacked,
      double y0) {
    int groups = stacked ? Math.min(1, bars.size()) : bars.size();
    double[] stack = new double[categories.size()];
    for (int b = 0; b < bars.size(); b++) {
      Series s = bars.get(b);
      double w = groups == 0 ? inner : inner / Math.max(1, groups);
      for (int i = 0; i < categories.size(); i++) {
        double v = at(s.y(), i);
        if (Double.isNaN(v)) {
          continue;
        }
        double xLeft = left + band * i + (band - inner) / 2 + (stacked ? 0 : w * b);
        double base = stacked ? stack[i] : Math.max(0, y0);
        double topV = stacked ? stack[i] + v : v;
        double yTop = p.ys().applyAsDouble(Math.max(base, topV));
        double yBot = p.ys().applyAsDouble(Math.min(base, topV));
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
        errorBar(sb, p, xLeft + w / 2, s, i);
        if (stacked) {
          stack[i] += v;
        }
      }
    }
  }

  /** The error bar of series {@code s} at category {@code i} (its low and high), if it has one. */
  static void errorBar(StringBuilder sb, Plot p, double cx, Series s, int i) {
    double lo = at(s.low(), i);
    double hi = at(s.high(), i);
    if (Double.isNaN(lo) || Double.isNaN(hi)) {
      return;
    }
    double a = p.ys().applyAsDouble(hi);
    double b = p.ys().applyAsDouble(lo);
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
}
