package io.inferwatt.report;

import static io.inferwatt.report.Chart.esc;
import static io.inferwatt.report.Chart.fmt;
import static io.inferwatt.report.ChartAxes.at;

import io.inferwatt.report.Chart.Band;
import io.inferwatt.report.Chart.Kind;
import io.inferwatt.report.Chart.Series;
import io.inferwatt.report.ChartAxes.Plot;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

/**
 * Lines and points: over categories (a dot per category with its error bar), or over a numeric x
 * axis (paths, dots, labelled points placed clear of each other, and shaded bands behind them).
 * Each dot's tooltip carries its value.
 */
final class LineMarks {

  private LineMarks() {}

  /** The line and point series of a categorical chart, in order. */
  static void categorical(
      StringBuilder sb,
      Plot p,
      List<Series> series,
      List<String> categories,
      int left,
      double band) {
    DoubleUnaryOperator ys = p.ys();
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
        double cx = left + band * (i + 0.5);
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
        double cx = left + band * (i + 0.5);
        BarMarks.errorBar(sb, p, cx, s, i);
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

  /** The bands, the x axis and the series of a numeric chart from {@code x0} to {@code x1}. */
  static void numeric(
      StringBuilder sb,
      Plot p,
      List<Series> series,
      List<Band> bands,
      int left,
      double x0,
      double x1,
      double[] xt) {
    DoubleUnaryOperator ys = p.ys();
    int top = p.top();
    double plotW = p.plotW();
    double plotH = p.plotH();
    DoubleUnaryOperator xs = v -> left + (v - x0) / (x1 - x0) * plotW;
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
    ChartAxes.numericTicks(sb, p, xt, xs, x0, x1);
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
          label(sb, p, left, placed, cx, cy, label);
        }
      }
    }
  }

  /** A point's label, at the first of six places that is inside the plot and clear of others. */
  private static void label(
      StringBuilder sb,
      Plot p,
      int left,
      List<double[]> placed,
      double cx,
      double cy,
      String label) {
    int top = p.top();
    double w = 7.2 * label.length();
    double[][] tries = {{8, -7}, {8, 16}, {-8 - w, -7}, {-8 - w, 16}, {8, -22}, {8, 31}};
    double[] at = tries[0];
    for (double[] t : tries) {
      double lx = cx + t[0];
      double ly = cy + t[1];
      boolean inside =
          lx >= left && lx + w <= left + p.plotW() && ly - 12 >= top && ly <= top + p.plotH();
      boolean free =
          placed.stream()
              .noneMatch(
                  q -> lx < q[0] + q[2] && q[0] < lx + w && ly - 12 < q[1] && q[1] - 12 < ly);
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
