package io.inferwatt.predict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Errors of predictions made on the log scale, in percent of the measured value. */
final class Errors {

  private Errors() {}

  /** |predicted − measured| / measured, in %, from log-scale values. */
  static double absPct(double yLog, double predLog) {
    return Math.abs(Math.exp(predLog - yLog) - 1) * 100;
  }

  /** The median absolute error, in %, of each fold. */
  static double[] foldMedians(double[] y, double[] pred, int[] fold, int k) {
    double[] out = new double[k];
    for (int f = 0; f < k; f++) {
      List<Double> e = new ArrayList<>();
      for (int i = 0; i < y.length; i++) {
        if (fold[i] == f) {
          e.add(absPct(y[i], pred[i]));
        }
      }
      out[f] = median(e.stream().mapToDouble(Double::doubleValue).toArray());
    }
    return out;
  }

  static double meanFoldMedianPct(double[] y, double[] pred, int[] fold, int k) {
    return Arrays.stream(foldMedians(y, pred, fold, k))
        .filter(Double::isFinite)
        .average()
        .orElse(Double.NaN);
  }

  static double median(double[] v) {
    return quantile(v, 0.5);
  }

  /** The {@code q} quantile of {@code v} (linear between order statistics); NaN when empty. */
  static double quantile(double[] v, double q) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    double pos = q * (s.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, s.length - 1);
    return s[lo] + (pos - lo) * (s[hi] - s[lo]);
  }
}
