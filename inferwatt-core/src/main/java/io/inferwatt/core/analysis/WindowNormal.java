package io.inferwatt.core.analysis;

/** The normal equations, accumulated sample by sample; size independent of the samples. */
final class WindowNormal {
  final int k;
  final int rails;
  final double[] ata; // upper triangle, row-major k×k
  final double[] aty; // k×rails
  final double[] yty;
  final double[] ySum;
  final double[] colSum;
  long n;

  WindowNormal(int k, int rails) {
    this.k = k;
    this.rails = rails;
    ata = new double[k * k];
    aty = new double[k * rails];
    yty = new double[rails];
    ySum = new double[rails];
    colSum = new double[k];
  }

  /**
   * Adds one row. Each cell of the upper triangle takes the product of its two columns' weights
   * (the same in either order), so the row's columns need no sorting.
   */
  void add(WindowRow row, double[] y, int yOff) {
    n++;
    int m = row.m;
    int[] cols = row.cols;
    double[] w = row.vals;
    for (int i = 0; i < m; i++) {
      int ci = cols[i];
      double vi = w[ci];
      colSum[ci] += vi;
      int base = ci * k;
      ata[base + ci] += vi * vi;
      for (int j = i + 1; j < m; j++) {
        int cj = cols[j];
        double p = vi * w[cj];
        if (ci < cj) {
          ata[base + cj] += p;
        } else {
          ata[cj * k + ci] += p;
        }
      }
      int at = ci * rails;
      for (int r = 0; r < rails; r++) {
        aty[at + r] += vi * y[yOff + r];
      }
    }
    for (int r = 0; r < rails; r++) {
      double v = y[yOff + r];
      yty[r] += v * v;
      ySum[r] += v;
    }
  }
}
