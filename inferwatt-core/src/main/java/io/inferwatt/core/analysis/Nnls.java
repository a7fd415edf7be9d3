package io.inferwatt.core.analysis;

/**
 * Non-negative least squares in Gram form: the {@code x ≥ 0} minimising {@code xᵀGx − 2cᵀx} for a
 * symmetric positive semi-definite {@code G} (Lawson and Hanson's active-set method). For the small
 * systems of the response search (tens of unknowns).
 */
final class Nnls {

  private static final int MAX_ITERATIONS = 500;

  private Nnls() {}

  static double[] solve(double[][] g, double[] c) {
    int n = c.length;
    double scale = 0;
    for (int i = 0; i < n; i++) {
      scale = Math.max(scale, Math.abs(g[i][i]));
    }
    double tol = 1e-12 * Math.max(scale, Double.MIN_NORMAL) * n;
    double[] x = new double[n];
    boolean[] passive = new boolean[n];
    for (int it = 0; it < MAX_ITERATIONS; it++) {
      // the gradient's negative half: c − Gx
      int enter = -1;
      double most = tol;
      for (int j = 0; j < n; j++) {
        if (passive[j]) {
          continue;
        }
        double gj = c[j];
        for (int k = 0; k < n; k++) {
          gj -= g[j][k] * x[k];
        }
        if (gj > most) {
          most = gj;
          enter = j;
        }
      }
      if (enter < 0) {
        break;
      }
      passive[enter] = true;
      while (true) {
        double[] z = restricted(g, c, passive);
        if (z == null) {
          passive[enter] = false;
          return x;
        }
        double alpha = 1;
        boolean feasible = true;
        for (int j = 0; j < n; j++) {
          if (passive[j] && z[j] <= 0) {
            feasible = false;
            double denom = x[j] - z[j];
            if (denom > 0) {
              alpha = Math.min(alpha, x[j] / denom);
            }
          }
        }
        if (feasible) {
          System.arraycopy(z, 0, x, 0, n);
          break;
        }
        for (int j = 0; j < n; j++) {
          x[j] += alpha * (z[j] - x[j]);
          if (passive[j] && x[j] <= 1e-15) {
            passive[j] = false;
            x[j] = 0;
          }
        }
      }
    }
    return x;
  }

  /** The unconstrained minimum over the passive unknowns (0 elsewhere); null when singular. */
  private static double[] restricted(double[][] g, double[] c, boolean[] passive) {
    int n = c.length;
    int[] idx = new int[n];
    int m = 0;
    for (int j = 0; j < n; j++) {
      if (passive[j]) {
        idx[m++] = j;
      }
    }
    double[][] a = new double[m][m + 1];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        a[i][j] = g[idx[i]][idx[j]];
      }
      a[i][m] = c[idx[i]];
    }
    for (int col = 0; col < m; col++) {
      int piv = col;
      for (int r = col + 1; r < m; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) {
          piv = r;
        }
      }
      if (!(Math.abs(a[piv][col]) > 0)) {
        return null;
      }
      double[] t = a[piv];
      a[piv] = a[col];
      a[col] = t;
      for (int r = col + 1; r < m; r++) {
        double f = a[r][col] / a[col][col];
        if (f != 0) {
          for (int j = col; j <= m; j++) {
            a[r][j] -= f * a[col][j];
          }
        }
      }
    }
    double[] sol = new double[m];
    for (int i = m - 1; i >= 0; i--) {
      double s = a[i][m];
      for (int j = i + 1; j < m; j++) {
        s -= a[i][j] * sol[j];
      }
      sol[i] = s / a[i][i];
    }
    double[] z = new double[n];
    for (int i = 0; i < m; i++) {
      z[idx[i]] = sol[i];
    }
    return z;
  }
}
