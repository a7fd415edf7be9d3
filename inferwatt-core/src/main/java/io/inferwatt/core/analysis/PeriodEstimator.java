package io.inferwatt.core.analysis;

import java.util.Arrays;

/**
 * The median time between consecutive samples. Keeps the first {@value #CAP} gaps: enough for a
 * stable median, bounded memory for any recording.
 */
final class PeriodEstimator {
  private static final int CAP = 1 << 20;
  private long[] gaps = new long[1024];
  private int n;

  void add(long gapNs) {
    if (n == CAP) {
      return;
    }
    if (n == gaps.length) {
      gaps = Arrays.copyOf(gaps, Math.min(CAP, n * 2));
    }
    gaps[n++] = gapNs;
  }

  /** Median gap in ns, NaN without gaps. */
  double medianNs() {
    if (n == 0) {
      return Double.NaN;
    }
    long[] s = Arrays.copyOf(gaps, n);
    Arrays.sort(s);
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
  }
}
