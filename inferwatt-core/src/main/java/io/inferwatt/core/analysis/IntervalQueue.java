package io.inferwatt.core.analysis;

import java.util.Arrays;

/**
 * The streaming form of {@link IntervalSweep}: intervals {@code [start, end)} are appended as they
 * become known (in non-decreasing start, or a little back: they are inserted in place, after equal
 * starts) and visited by one forward sweep; intervals the sweep has left are dropped from the front
 * when room is needed, so memory holds only the intervals around the sweep's time, not the run. Ids
 * are absolute (the n-th interval in start order has id n); an id is valid while active.
 */
final class IntervalQueue {
  private long[] starts = new long[64];
  private long[] ends = new long[64];
  private int[] tags = new int[64];
  private long base; // id of starts[0]
  private int size;
  private long next; // id of the first interval not yet entered
  private long[] active = new long[8];
  private int activeCount;

  /** Appends an interval with a tag (its slot or owner); it must not start before the sweep. */
  void add(long start, long end, int tag) {
    if (size == starts.length) {
      compact();
    }
    if (size == starts.length) {
      int n = size * 2;
      starts = Arrays.copyOf(starts, n);
      ends = Arrays.copyOf(ends, n);
      tags = Arrays.copyOf(tags, n);
    }
    int at = size;
    while (at > 0 && starts[at - 1] > start && base + at - 1 >= next) {
      at--;
    }
    if (at < size) {
      System.arraycopy(starts, at, starts, at + 1, size - at);
      System.arraycopy(ends, at, ends, at + 1, size - at);
      System.arraycopy(tags, at, tags, at + 1, size - at);
    }
    starts[at] = start;
    ends[at] = end;
    tags[at] = tag;
    size++;
  }

  /** As {@link IntervalSweep#advanceWindow}: the intervals overlapping {@code [from, to)}. */
  int advanceWindow(long from, long to) {
    long limit = base + size;
    while (next < limit && starts[(int) (next - base)] < to) {
      if (activeCount == active.length) {
        active = Arrays.copyOf(active, activeCount * 2);
      }
      active[activeCount++] = next++;
    }
    int w = 0;
    for (int i = 0; i < activeCount; i++) {
      long id = active[i];
      if (ends[(int) (id - base)] > from) {
        active[w++] = id;
      }
    }
    activeCount = w;
    return activeCount;
  }

  /** As {@link IntervalSweep#advance}. */
  int advance(long t) {
    return advanceWindow(t, t + 1);
  }

  long active(int i) {
    return active[i];
  }

  long start(long id) {
    return starts[(int) (id - base)];
  }

  long end(long id) {
    return ends[(int) (id - base)];
  }

  int tag(long id) {
    return tags[(int) (id - base)];
  }

  /** Drops the intervals the sweep has entered and left, when they are a good part of all. */
  private void compact() {
    long keep = next;
    for (int i = 0; i < activeCount; i++) {
      keep = Math.min(keep, active[i]);
    }
    int n = (int) (keep - base);
    if (n < size / 4) {
      return;
    }
    System.arraycopy(starts, n, starts, 0, size - n);
    System.arraycopy(ends, n, ends, 0, size - n);
    System.arraycopy(tags, n, tags, 0, size - n);
    size -= n;
    base += n;
  }
}
