package io.inferwatt.core.analysis;

/** A set of longs by open addressing, 16 bytes per element at most: no boxing. */
final class LongSet {
  private static final long EMPTY = Long.MIN_VALUE;
  private long[] keys = newTable(1024);
  private boolean hasEmpty;
  private int size;

  private static long[] newTable(int n) {
    long[] a = new long[n];
    java.util.Arrays.fill(a, EMPTY);
    return a;
  }

  boolean contains(long k) {
    if (k == EMPTY) {
      return hasEmpty;
    }
    int mask = keys.length - 1;
    int i = hash(k) & mask;
    while (keys[i] != EMPTY) {
      if (keys[i] == k) {
        return true;
      }
      i = (i + 1) & mask;
    }
    return false;
  }

  void add(long k) {
    if (k == EMPTY) {
      hasEmpty = true;
      return;
    }
    if (2 * (size + 1) > keys.length) {
      long[] old = keys;
      keys = newTable(old.length * 2);
      size = 0;
      for (long o : old) {
        if (o != EMPTY) {
          insert(o);
        }
      }
    }
    insert(k);
  }

  private void insert(long k) {
    int mask = keys.length - 1;
    int i = hash(k) & mask;
    while (keys[i] != EMPTY) {
      if (keys[i] == k) {
        return;
      }
      i = (i + 1) & mask;
    }
    keys[i] = k;
    size++;
  }

  private static int hash(long k) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
