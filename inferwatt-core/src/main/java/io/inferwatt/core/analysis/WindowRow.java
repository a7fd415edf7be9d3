package io.inferwatt.core.analysis;

/** A sparse row of the design matrix over a dense scratch array. */
final class WindowRow {
  final double[] vals;
  final int[] cols;
  int m;

  WindowRow(int k) {
    vals = new double[k];
    cols = new int[k];
    packed = new double[k];
  }

  void add(int col, double v) {
    if (vals[col] == 0) {
      cols[m++] = col;
    }
    vals[col] += v;
  }

  /** The touched columns' values in the order of {@link #cols}, after {@link #sortColumns}. */
  final double[] packed;

  /**
   * Sorts the touched columns ascending (rows touch few columns) and packs their values; returns
   * their count.
   */
  int sortColumns() {
    for (int i = 1; i < m; i++) {
      int c = cols[i];
      int j = i - 1;
      while (j >= 0 && cols[j] > c) {
        cols[j + 1] = cols[j];
        j--;
      }
      cols[j + 1] = c;
    }
    for (int i = 0; i < m; i++) {
      packed[i] = vals[cols[i]];
    }
    return m;
  }

  void clear() {
    for (int i = 0; i < m; i++) {
      vals[cols[i]] = 0;
    }
    m = 0;
  }
}
