package io.inferwatt.hardware.sensors;

/**
 * Counts of non-negative ns values in log-linear buckets (exact below 64, then 32 buckets per power
 * of two: about 3 % resolution), for percentiles without storing every value. Owned by one thread;
 * {@link #copy()} makes the snapshot another thread reads.
 */
final class LogHistogram {
  private static final int SUB = 32;
  private final long[] counts = new long[64 + 58 * SUB];
  private long n;
  private double sum;

  void add(long v) {
    if (v < 0) {
      v = 0;
    }
    counts[index(v)]++;
    n++;
    sum += v;
  }

  private static int index(long v) {
    if (v < 64) {
      return (int) v;
    }
    int e = 63 - Long.numberOfLeadingZeros(v); // >= 6
    int sub = (int) ((v >>> (e - 5)) & (SUB - 1));
    return 64 + (e - 6) * SUB + sub;
  }

  private static double midpoint(int i) {
    if (i < 64) {
      return i;
    }
    int e = (i - 64) / SUB + 6;
    int sub = (i - 64) % SUB;
    double width = Math.pow(2, e - 5);
    return (SUB + sub) * width + width / 2;
  }

  long count() {
    return n;
  }

  /** Mean in ns; NaN when empty. */
  double mean() {
    return n == 0 ? Double.NaN : sum / n;
  }

  /** The {@code q} quantile (0..1) in ns, to the bucket's resolution; NaN when empty. */
  double quantile(double q) {
    if (n == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.ceil(q * n);
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= Math.max(rank, 1)) {
        return midpoint(i);
      }
    }
    return Double.NaN;
  }

  LogHistogram copy() {
    LogHistogram h = new LogHistogram();
    System.arraycopy(counts, 0, h.counts, 0, counts.length);
    h.n = n;
    h.sum = sum;
    return h;
  }
}
