package io.inferwatt.core.analysis;

import java.util.Arrays;

/**
 * The layer lines of the inference being read, held until its group closes ({@link
 * AnalysisStream}): one entry per line, sorted by layer index before they are laid out.
 */
final class LayerGroup {
  int size;
  int[] index = new int[64];
  String[] name = new String[64];
  String[] type = new String[64];
  long[] durationNs = new long[64];

  /** The layer's own start, {@link Long#MIN_VALUE} when the line gave none. */
  long[] ownStartNs = new long[64];

  /** The line the layer came from (0: not from a file). */
  long[] line = new long[64];

  void clear() {
    size = 0;
  }

  void add(int idx, String nm, String tp, long dur, long ownStart, long ln) {
    if (size == index.length) {
      int n = size * 2;
      index = Arrays.copyOf(index, n);
      name = Arrays.copyOf(name, n);
      type = Arrays.copyOf(type, n);
      durationNs = Arrays.copyOf(durationNs, n);
      ownStartNs = Arrays.copyOf(ownStartNs, n);
      line = Arrays.copyOf(line, n);
    }
    int i = size++;
    index[i] = idx;
    name[i] = nm;
    type[i] = tp;
    durationNs[i] = dur;
    ownStartNs[i] = ownStart;
    line[i] = ln;
  }

  /** Sorts the entries by layer index (insertion sort: they usually come in order). */
  void sortByIndex() {
    for (int i = 1; i < size; i++) {
      for (int j = i; j > 0 && index[j - 1] > index[j]; j--) {
        swap(j - 1, j);
      }
    }
  }

  private void swap(int a, int b) {
    int i = index[a];
    index[a] = index[b];
    index[b] = i;
    String s = name[a];
    name[a] = name[b];
    name[b] = s;
    s = type[a];
    type[a] = type[b];
    type[b] = s;
    long l = durationNs[a];
    durationNs[a] = durationNs[b];
    durationNs[b] = l;
    l = ownStartNs[a];
    ownStartNs[a] = ownStartNs[b];
    ownStartNs[b] = l;
    l = line[a];
    line[a] = line[b];
    line[b] = l;
  }
}
