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
    // selection, not a sort: it runs once per analysis, mostly before the JIT has compiled it
    long hi = select(s, n / 2);
    return n % 2 == 1 ? hi : (maxBelow(s, n / 2) + hi) / 2.0;
  }

  /** The k-th smallest value (0-based); leaves the k smallest in {@code a[0, k)}. */
  private static long select(long[] a, int k) {
    int lo = 0;
    int hi = a.length - 1;
    while (lo < hi) {
      long pivot = a[(lo + hi) >>> 1];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          long t = a[i];
          a[i] = a[j];
          a[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return a[k];
      }
    }
    return a[k];
  }

  /** The largest of {@code a[0, k)}. */
  private static long maxBelow(long[] a, int k) {
    long m = Long.MIN_VALUE;
    for (int i = 0; i < k; i++) {
      m = Math.max(m, a[i]);
    }
    return m;
  }
}
