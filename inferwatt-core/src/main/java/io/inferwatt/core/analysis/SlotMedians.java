package io.inferwatt.core.analysis;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Each layer slot's median profiled duration, in memory that stops growing with the run: every
 * duration is kept up to {@link #CAPACITY} cycles of a slot, so the median is exact there (every
 * layer profile a study takes); beyond that a slot keeps a uniform sample of {@link #CAPACITY} of
 * its durations (reservoir sampling) and the median is that sample's. The sample is drawn with a
 * fixed seed, so the same recording analysed again gives the same median.
 */
final class SlotMedians {

  /** Durations kept per slot: its median is exact up to this many cycles. */
  static final int CAPACITY = 1024;

  private static final long SEED = 0x5EEDL;

  private long[][] kept = new long[16][];

  /** Durations taken in per slot; the first {@code min(seen, CAPACITY)} of {@code kept} hold. */
  private long[] seen = new long[16];

  private final SplittableRandom random = new SplittableRandom(SEED);

  /** Takes in one cycle's duration of {@code slot}. */
  void add(int slot, long durationNs) {
    if (slot >= kept.length) {
      int n = Math.max(slot + 1, kept.length * 2);
      kept = Arrays.copyOf(kept, n);
      seen = Arrays.copyOf(seen, n);
    }
    long n = seen[slot]++;
    long[] k = kept[slot];
    if (n < CAPACITY) {
      if (k == null || n == k.length) {
        k = k == null ? new long[8] : Arrays.copyOf(k, Math.min(CAPACITY, 2 * k.length));
        kept[slot] = k;
      }
      k[(int) n] = durationNs;
    } else {
      long j = random.nextLong(n + 1);
      if (j < CAPACITY) {
        k[(int) j] = durationNs;
      }
    }
  }

  /**
   * The median duration of {@code slot} in ns (of the two middle ones, their mean); NaN if none.
   */
  double medianNs(int slot) {
    if (slot >= kept.length || seen[slot] == 0) {
      return Double.NaN;
    }
    long[] v = Arrays.copyOf(kept[slot], (int) Math.min(seen[slot], CAPACITY));
    Arrays.sort(v);
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : (v[m - 1] + (double) v[m]) / 2;
  }
}
