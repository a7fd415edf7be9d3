package io.inferwatt.core.analysis;

import java.util.Arrays;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * A non-parametric sensor response: a weight density on the lags {@code [0, K·tapNs]} after the
 * reading's offset, linear between {@code K + 1} evenly spaced knots and non-negative, with total
 * weight 1. It describes any response that is short against the recording (two low-pass poles, two
 * boxcars in series, a meter's own shape) where the parametric shapes of {@link SensorResponse}
 * describe only theirs. Knot {@code m} carries the weight {@code weights[m]} of its hat function
 * (the density's share that falls to it), so the weights add up to 1.
 */
final class TapKernel {

  final long tapNs;
  private final double[] weights;
  private final double[] density;
  private final double[] prefix;

  /**
   * @param tapNs the knots' spacing, ns (positive)
   * @param weights the knots' weights from lag 0 on (at least two knots); negative ones count as 0,
   *     the rest are scaled to a sum of 1
   */
  TapKernel(long tapNs, double[] weights) {
    if (tapNs <= 0 || weights.length < 2) {
      throw new IllegalArgumentException("a tap kernel needs two knots or more, spaced apart");
    }
    int n = weights.length;
    this.tapNs = tapNs;
    this.weights = new double[n];
    double sum = 0;
    for (int m = 0; m < n; m++) {
      this.weights[m] = Math.max(0, weights[m]);
      sum += this.weights[m];
    }
    if (!(sum > 0)) {
      throw new IllegalArgumentException("a tap kernel needs a positive weight");
    }
    density = new double[n];
    for (int m = 0; m < n; m++) {
      this.weights[m] /= sum;
      density[m] = this.weights[m] / hatArea(m);
    }
    prefix = new double[n];
    for (int m = 0; m + 1 < n; m++) {
      prefix[m + 1] = prefix[m] + (density[m] + density[m + 1]) * tapNs / 2;
    }
  }

  /** Knot {@code m}'s hat alone (weight 1). */
  static TapKernel hat(long tapNs, int knots, int m) {
    double[] w = new double[knots];
    w[m] = 1;
    return new TapKernel(tapNs, w);
  }

  private double hatArea(int m) {
    return m == 0 || m == weights.length - 1 ? tapNs / 2.0 : tapNs;
  }

  int knots() {
    return weights.length;
  }

  double[] weights() {
    return weights.clone();
  }

  long lengthNs() {
    return tapNs * (weights.length - 1);
  }

  /** The weight on lags {@code [0, lagNs]}. */
  double cumulative(double lagNs) {
    if (lagNs <= 0) {
      return 0;
    }
    double x = lagNs / tapNs;
    int j = (int) x;
    if (j >= weights.length - 1) {
      return 1;
    }
    double u = (x - j) * tapNs;
    return prefix[j] + density[j] * u + (density[j + 1] - density[j]) * u * u / (2.0 * tapNs);
  }

  /** The width of the boxcar with the same spread (standard deviation), ns: {@code √(12·var)}. */
  double equivalentWidthNs() {
    // moments of each linear piece, on the knot grid (units of tapNs)
    double mass = 0;
    double first = 0;
    double second = 0;
    for (int j = 0; j + 1 < weights.length; j++) {
      double a = density[j] * tapNs;
      double b = density[j + 1] * tapNs;
      // density a + (b − a) u on [j, j + 1], u in [0, 1]
      mass += (a + b) / 2;
      first += a * (j / 1.0 + 0.5) + (b - a) * (j / 2.0 + 1.0 / 3);
      second +=
          a * (j * (double) j + j + 1.0 / 3) + (b - a) * (j * (double) j / 2 + 2.0 * j / 3 + 0.25);
    }
    double mean = first / mass;
    double var = second / mass - mean * mean;
    return tapNs * Math.sqrt(Math.max(0, 12 * var));
  }

  /** {@code kernel:<knots>x<spacing>ms[w0,w1,…]}, the knots' weights from lag 0 on. */
  String spec() {
    StringJoiner w = new StringJoiner(",", "[", "]");
    for (double v : weights) {
      w.add(String.format(Locale.ROOT, "%.3f", v));
    }
    return String.format(Locale.ROOT, "kernel:%dx%.4fms", weights.length, tapNs / 1e6) + w;
  }

  @Override
  public String toString() {
    return spec();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TapKernel t && t.tapNs == tapNs && Arrays.equals(t.weights, weights);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(tapNs) * 31 + Arrays.hashCode(weights);
  }
}
