package io.inferwatt.report;

import static io.inferwatt.report.Chart.esc;
import static io.inferwatt.report.Chart.fmt;

import io.inferwatt.report.Chart.Box;
import io.inferwatt.report.Chart.Series;
import io.inferwatt.report.ChartAxes.Plot;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

/**
 * Box plots over categories: whiskers at min and max, the quartiles' box, the median's line and the
 * mean's dot; the tooltip gives all five numbers, the mean and n.
 */
final class BoxMarks {

  private BoxMarks() {}

  /**
   * Draws {@code boxes} (one box per category each), side by side.
   *
   * @param band a category's width (px)
   * @param inner the part of it the boxes fill (px)
   */
  static void draw(
      StringBuilder sb,
      Plot p,
      List<Series> boxes,
      List<String> categories,
      int left,
      double band,
      double inner) {
    DoubleUnaryOperator ys = p.ys();
    for (int b = 0; b < boxes.size(); b++) {
      Series s = boxes.get(b);
      double w = inner / boxes.size();
      for (int i = 0; i < categories.size(); i++) {
        Box x = s.boxes() == null || i >= s.boxes().length ? null : s.boxes()[i];
        if (x == null) {
          continue;
        }
        double cx = left + band * i + (band - inner) / 2 + w * (b + 0.5);
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
  }
}
