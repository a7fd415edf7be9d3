package io.inferwatt.core.analysis;

import java.util.Arrays;

/**
 * Intervals {@code [start, end)} sorted by start (they may overlap), visited by a single forward
 * sweep of increasing times: each call of {@link #advance} costs amortised O(1 + intervals entered
 * + intervals left), so a whole pass over S samples and I intervals is O(S + I).
 */
final class IntervalSweep {
  private final long[] starts;
  private final long[] ends;
  private final int count;
  private int next;
  private int[] active = new int[8];
  private int activeCount;

  /** {@code starts} must be non-decreasing; the arrays are not copied. */
  IntervalSweep(long[] starts, long[] ends, int count) {
    this.starts = starts;
    this.ends = ends;
    this.count = count;
  }

  /**
   * Moves to time {@code t} (never backwards) and returns the number of intervals containing it;
   * their ids are {@link #active(int)} for 0 ≤ i &lt; that number.
   */
  int advance(long t) {
    return advanceWindow(t, t + 1);
  }

  /**
   * Moves to the window {@code [from, to)} (both never backwards) and returns the number of
   * intervals that overlap it.
   */
  int advanceWindow(long from, long to) {
    while (next < count && starts[next] < to) {
      if (activeCount == active.length) {
        active = Arrays.copyOf(active, activeCount * 2);
      }
      active[activeCount++] = next++;
    }
    int w = 0;
    for (int i = 0; i < activeCount; i++) {
      int id = active[i];
      if (ends[id] > from) {
        active[w++] = id;
      }
    }
    activeCount = w;
    return activeCount;
  }

  int active(int i) {
    return active[i];
  }

  long start(int id) {
    return starts[id];
  }

  long end(int id) {
    return ends[id];
  }

  /** True once every interval has been entered and left. */
  boolean exhausted() {
    return next == count && activeCount == 0;
  }
}
