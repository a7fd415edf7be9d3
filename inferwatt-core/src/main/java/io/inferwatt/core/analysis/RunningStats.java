package io.inferwatt.core.analysis;

/** Mean and variance in one pass (Welford), numerically stable. Not thread-safe. */
final class RunningStats {
  private long n;
  private double mean;
  private double m2;

  void add(double x) {
    n++;
    double d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
  }

  long count() {
    return n;
  }

  double mean() {
    return n == 0 ? Double.NaN : mean;
  }

  /** Sample variance (n - 1), NaN below two values. */
  double variance() {
    return n < 2 ? Double.NaN : m2 / (n - 1);
  }

  Estimate estimate() {
    return Estimate.of(mean(), variance(), n);
  }
}
