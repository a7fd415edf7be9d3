package io.inferwatt.core.analysis;

import java.util.Arrays;

/**
 * Samples kept for the search: every {@code stride}-th selected sample, with a private copy of the
 * layer intervals its candidate windows can touch (the search reads them many times; copied, they
 * sit together in memory instead of scattered over the whole layout). Bounded: at most {@value
 * WindowMapping#BUFFER_CAP} samples and {@value WindowMapping#ENTRY_CAP} interval copies; when
 * full, every other sample is dropped and the stride doubles.
 */
final class WindowBuffer {
  final int rails;
  long[] endNs = new long[1024];
  double[] y;
  int[] off = new int[1025]; // sample i's intervals: [off[i], off[i + 1])
  long[] locStart = new long[4096];
  long[] locEnd = new long[4096];
  int[] locSlot = new int[4096];
  int size;
  long stride = 1;
  long seen;

  WindowBuffer(int rails) {
    this.rails = rails;
    this.y = new double[1024 * rails];
  }

  /**
   * Offers one sample read until {@code endNs} with its values and the intervals {@code [from, to)}
   * of the layout that its candidate windows can touch.
   */
  void offer(
      long endNs, double[] values, long[] starts, long[] ends, int[] slots, int from, int to) {
    if (seen++ % stride != 0) {
      return;
    }
    int n = to - from;
    if (size >= 2
        && (size == WindowMapping.BUFFER_CAP || off[size] + n > WindowMapping.ENTRY_CAP)) {
      compact();
      if ((seen - 1) % stride != 0) {
        return;
      }
    }
    if (size == this.endNs.length) {
      int cap = Math.min(WindowMapping.BUFFER_CAP, size * 2);
      this.endNs = Arrays.copyOf(this.endNs, cap);
      y = Arrays.copyOf(y, cap * rails);
      off = Arrays.copyOf(off, cap + 1);
    }
    int e = off[size];
    if (e + n > locStart.length) {
      int cap = Math.max(e + n, locStart.length * 2);
      locStart = Arrays.copyOf(locStart, cap);
      locEnd = Arrays.copyOf(locEnd, cap);
      locSlot = Arrays.copyOf(locSlot, cap);
    }
    System.arraycopy(starts, from, locStart, e, n);
    System.arraycopy(ends, from, locEnd, e, n);
    System.arraycopy(slots, from, locSlot, e, n);
    this.endNs[size] = endNs;
    System.arraycopy(values, 0, y, size * rails, rails);
    size++;
    off[size] = e + n;
  }

  /** Keeps every other sample: the buffer stays an even thinning of all samples seen. */
  private void compact() {
    int w = 0;
    int e = 0;
    for (int i = 0; i < size; i += 2, w++) {
      endNs[w] = endNs[i];
      System.arraycopy(y, i * rails, y, w * rails, rails);
      int a = off[i];
      int n = off[i + 1] - a;
      System.arraycopy(locStart, a, locStart, e, n);
      System.arraycopy(locEnd, a, locEnd, e, n);
      System.arraycopy(locSlot, a, locSlot, e, n);
      off[w] = e;
      e += n;
    }
    off[w] = e;
    size = w;
    stride *= 2;
  }
}
