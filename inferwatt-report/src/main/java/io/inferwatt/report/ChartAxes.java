package io.inferwatt.report;

import static io.inferwatt.report.Chart.esc;
import static io.inferwatt.report.Chart.fmt;

import io.inferwatt.report.Chart.Band;
import io.inferwatt.report.Chart.Box;
import io.inferwatt.report.Chart.Kind;
import io.inferwatt.report.Chart.Series;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

/**
 * A chart's scales and axes: the value ranges its series need, round tick values, and the ticks and
 * labels of the y axis, the category axis and a numeric x axis.
 */
final class ChartAxes {

  private ChartAxes() {}

  /**
   * Where the plot area lies and how a y value becomes a pixel: what every mark painter reads.
   *
   * @param ys y value → pixel
   * @param top the plot area's top edge (px)
   * @param plotW the plot area's width (px)
   * @param plotH the plot area's height (px)
   */
  record Plot(DoubleUnaryOperator ys, int top, double plotW, double plotH) {}

  // ------------------------------------------------------------------ scales

  /** The y values the series need, padded (bars and {@code zero} charts include 0). */
  static double[] yRange(List<Series> series, int categories, boolean stacked, boolean zero) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    boolean bars = false;
    double[] stack = new double[Math.max(1, categories)];
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

  /** The x values of a numeric chart's series and bands, padded unless there are bands. */
  static double[] xRange(List<Series> series, List<Band> bands, boolean zero) {
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

  /** The digits after the point that the ticks' step needs. */
  static int decimals(double[] ticks) {
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

  /** {@code a[i]}, NaN when there is none. */
  static double at(double[] a, int i) {
    return a == null || i >= a.length ? Double.NaN : a[i];
  }

  // ------------------------------------------------------------------ axes

  /** The y axis's grid lines and tick labels, and both axis labels. */
  static void labelled(
      StringBuilder sb, Plot p, double[] yt, int left, int height, String xLabel, String yLabel) {
    int yDec = decimals(yt);
    for (double t : yt) {
      double y = p.ys().applyAsDouble(t);
      sb.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/><text x=\"%d\" y=\"%.1f\" class=\"yt\">%s</text>",
              left,
              left + p.plotW(),
              y,
              y,
              left - 5,
              y + 4,
              fmt(t, yDec)));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "<text transform=\"translate(16,%.1f) rotate(-90)\" class=\"al\">%s</text>",
            p.top() + p.plotH() / 2,
            esc(yLabel)));
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%.1f\" y=\"%d\" class=\"al\">%s</text>",
            left + p.plotW() / 2,
            height - 8,
            esc(xLabel)));
  }

  /** Whether the category labels are too long to stand side by side. */
  static boolean rotated(List<String> categories, int plotWidthPx) {
    int n = Math.max(1, categories.size());
    double band = plotWidthPx / (double) n;
    int every = (int) Math.ceil(n / 24.0);
    return categories.stream().anyMatch(c -> c.length() * 6.5 > band * every - 4);
  }

  /** The category labels under the plot (at most 24; turned when {@code rotate}). */
  static void categories(
      StringBuilder sb, Plot p, List<String> categories, int left, double band, boolean rotate) {
    int n = Math.max(1, categories.size());
    int every = (int) Math.ceil(n / 24.0);
    for (int i = 0; i < categories.size(); i++) {
      if (i % every != 0) {
        continue;
      }
      double cx = left + band * (i + 0.5);
      double ty = p.top() + p.plotH() + 14;
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
  }

  /** A numeric x axis's grid lines and tick labels between {@code x0} and {@code x1}. */
  static void numericTicks(
      StringBuilder sb, Plot p, double[] xt, DoubleUnaryOperator xs, double x0, double x1) {
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
              p.top(),
              p.top() + p.plotH(),
              x,
              p.top() + p.plotH() + 14,
              fmt(t, xDec)));
    }
  }
}
