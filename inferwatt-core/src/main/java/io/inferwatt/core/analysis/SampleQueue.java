package io.inferwatt.core.analysis;

/**
 * Samples held until the events up to their time have arrived: a ring of primitive values (time,
 * read end, one value per reported rail), no object per sample.
 */
final class SampleQueue {
  private long[] t = new long[256];
  private long[] readEnd = new long[256];
  private double[] v;
  private int width = -1;
  private int head;
  private int size;
  private double[] out;

  boolean isEmpty() {
    return size == 0;
  }

  int size() {
    return size;
  }

  long firstT() {
    return t[head];
  }

  /** Adds a sample, keeping the values {@code all[idx[r]]}. */
  void add(long tNs, long readEndNs, double[] all, int[] idx) {
    if (width < 0) {
      width = idx.length;
      v = new double[t.length * width];
      out = new double[width];
    }
    if (size == t.length) {
      grow();
    }
    int at = (head + size) % t.length;
    t[at] = tNs;
    readEnd[at] = readEndNs;
    for (int r = 0; r < width; r++) {
      v[at * width + r] = all[idx[r]];
    }
    size++;
  }

  /** Hands the oldest sample to {@code stream} and drops it. */
  void pollInto(AnalysisStream stream) {
    int at = head;
    System.arraycopy(v, at * width, out, 0, width);
    long tt = t[at];
    long re = readEnd[at];
    head = (head + 1) % t.length;
    size--;
    stream.processHeld(tt, re, out);
  }

  private void grow() {
    int n = t.length * 2;
    long[] t2 = new long[n];
    long[] r2 = new long[n];
    double[] v2 = new double[n * width];
    for (int i = 0; i < size; i++) {
      int at = (head + i) % t.length;
      t2[i] = t[at];
      r2[i] = readEnd[at];
      System.arraycopy(v, at * width, v2, i * width, width);
    }
    t = t2;
    readEnd = r2;
    v = v2;
    head = 0;
  }
}
