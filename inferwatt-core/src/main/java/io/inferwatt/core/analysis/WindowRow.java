package io.inferwatt.core.analysis;

/** A sparse row of the design matrix over a dense scratch array. */
final class WindowRow {
  final double[] vals;
  final int[] cols;
  int m;

  WindowRow(int k) {
    vals = new double[k];
    cols = new int[k];
  }

  void add(int col, double v) {
    if (vals[col] == 0) {
      cols[m++] = col;
    }
    vals[col] += v;
  }

  void clear() {
    for (int i = 0; i < m; i++) {
      vals[cols[i]] = 0;
    }
    m = 0;
  }
}
