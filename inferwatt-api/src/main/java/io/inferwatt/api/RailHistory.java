package io.inferwatt.api;

/**
 * The recent readings of one rail with running sums from the first reading on (energy by the
 * trapezoid rule, covered time, count, sum and sum of squares of the readings), so that any window
 * is the difference of two interpolated points, whatever the number of windows. Touched only by the
 * meter's thread.
 */
final class RailHistory {

  /** Readings kept; a window edge older than this many readings can no longer be placed. */
  static final int CAPACITY = 1 << 14;

  /** A point of the running sums at one instant. */
  record Point(double energyMwNs, long coveredNs, long n, double sum, double sumSq, long failed) {}

  private final long maxGapNs;
  private final long[] t = new long[CAPACITY];
  private final double[] p = new double[CAPACITY];
  private final double[] e = new double[CAPACITY];
  private final long[] c = new long[CAPACITY];
  private final long[] n = new long[CAPACITY];
  private final double[] s1 = new double[CAPACITY];
  private final double[] s2 = new double[CAPACITY];
  private final long[] f = new long[CAPACITY];
  private long count;

  /**
   * @param maxGapNs the longest time between two readings that still counts as covered
   */
  RailHistory(long maxGapNs) {
    this.maxGapNs = maxGapNs;
  }

  /** Adds a reading (NaN: a failed read) at {@code tNs}, which must not go back in time. */
  void add(long tNs, double powerMw) {
    int i = (int) (count % CAPACITY);
    boolean valid = !Double.isNaN(powerMw);
    if (count == 0) {
      e[i] = 0;
      c[i] = 0;
      n[i] = valid ? 1 : 0;
      s1[i] = valid ? powerMw : 0;
      s2[i] = valid ? powerMw * powerMw : 0;
      f[i] = valid ? 0 : 1;
    } else {
      int j = (int) ((count - 1) % CAPACITY);
      long dt = tNs - t[j];
      boolean covered = valid && !Double.isNaN(p[j]) && dt <= maxGapNs;
      e[i] = e[j] + (covered ? dt * (p[j] + powerMw) / 2 : 0);
      c[i] = c[j] + (covered ? dt : 0);
      n[i] = n[j] + (valid ? 1 : 0);
      s1[i] = s1[j] + (valid ? powerMw : 0);
      s2[i] = s2[j] + (valid ? powerMw * powerMw : 0);
      f[i] = f[j] + (valid ? 0 : 1);
    }
    t[i] = tNs;
    p[i] = powerMw;
    count++;
  }

  /** The time of the newest reading, or {@link Long#MIN_VALUE} before the first. */
  long latestNs() {
    return count == 0 ? Long.MIN_VALUE : t[(int) ((count - 1) % CAPACITY)];
  }

  /** Whether the readings kept still reach back to {@code aNs}. */
  boolean reaches(long aNs) {
    long oldest = Math.max(0, count - CAPACITY);
    return count <= CAPACITY || t[(int) (oldest % CAPACITY)] <= aNs;
  }

  /**
   * The running sums at {@code aNs}: interpolated linearly between the readings on either side when
   * both are valid and close enough, else held at the reading before; before the first reading,
   * zero. Call only once a reading after {@code aNs} exists, or when no more will come.
   */
  Point at(long aNs) {
    if (count == 0) {
      return new Point(0, 0, 0, 0, 0, 0);
    }
    long lo = Math.max(0, count - CAPACITY);
    long hi = count; // first index with t > aNs, searched in [lo, count]
    long a = lo;
    long b = count;
    while (a < b) {
      long m = (a + b) >>> 1;
      if (t[(int) (m % CAPACITY)] > aNs) {
        b = m;
      } else {
        a = m + 1;
      }
    }
    hi = a;
    if (hi == 0) {
      return new Point(0, 0, 0, 0, 0, 0);
    }
    if (hi == lo) {
      return point((int) (lo % CAPACITY), 0, 0); // older than what is kept: the caller says so
    }
    int j = (int) ((hi - 1) % CAPACITY);
    if (hi == count) {
      return point(j, 0, 0);
    }
    int k = (int) (hi % CAPACITY);
    long dt = t[k] - t[j];
    if (Double.isNaN(p[j]) || Double.isNaN(p[k]) || dt > maxGapNs) {
      return point(j, 0, 0);
    }
    long da = aNs - t[j];
    double pa = p[j] + (p[k] - p[j]) * ((double) da / dt);
    return point(j, da * (p[j] + pa) / 2, da);
  }

  private Point point(int j, double extraMwNs, long extraNs) {
    return new Point(e[j] + extraMwNs, c[j] + extraNs, n[j], s1[j], s2[j], f[j]);
  }
}
