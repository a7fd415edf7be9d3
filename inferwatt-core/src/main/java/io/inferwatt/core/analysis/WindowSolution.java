package io.inferwatt.core.analysis;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.NormOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/** The least-squares solution of one set of normal equations. */
final class WindowSolution {
  final WindowNormal ne;
  final int[] active;
  final DMatrixRMaj x; // active × rails
  final double[] rss;
  final boolean choleskyOk;
  double[] invDiag;
  double condition = Double.NaN;

  private WindowSolution(WindowNormal ne, int[] active, DMatrixRMaj x, double[] rss, boolean ok) {
    this.ne = ne;
    this.active = active;
    this.x = x;
    this.rss = rss;
    this.choleskyOk = ok;
  }

  static WindowSolution of(WindowNormal ne, boolean withStats) {
    int k = ne.k;
    int[] act = new int[k];
    int m = 0;
    for (int c = 0; c < k; c++) {
      if (ne.colSum[c] >= WindowMapping.MIN_COLUMN_SAMPLES) {
        act[m++] = c;
      }
    }
    int[] active = Arrays.copyOf(act, m);
    DMatrixRMaj a = new DMatrixRMaj(m, m);
    DMatrixRMaj b = new DMatrixRMaj(m, ne.rails);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        int ci = Math.min(active[i], active[j]);
        int cj = Math.max(active[i], active[j]);
        a.unsafe_set(i, j, ne.ata[ci * k + cj]);
      }
      for (int r = 0; r < ne.rails; r++) {
        b.unsafe_set(i, r, ne.aty[active[i] * ne.rails + r]);
      }
    }
    DMatrixRMaj x = new DMatrixRMaj(m, ne.rails);
    LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.chol(m);
    boolean ok = m > 0 && chol.setA(a.copy());
    if (ok) {
      chol.solve(b.copy(), x);
      ok = Double.isFinite(x.data.length == 0 ? 0 : sumAbs(x));
    }
    if (!ok && m > 0) {
      LinearSolverDense<DMatrixRMaj> pinv = LinearSolverFactory_DDRM.pseudoInverse(true);
      pinv.setA(a.copy());
      pinv.solve(b.copy(), x);
    }
    double[] rss = new double[ne.rails];
    for (int r = 0; r < ne.rails; r++) {
      double fit = 0;
      for (int i = 0; i < m; i++) {
        fit += x.unsafe_get(i, r) * b.unsafe_get(i, r);
      }
      rss[r] = Math.max(0, ne.yty[r] - fit);
    }
    WindowSolution s = new WindowSolution(ne, active, x, rss, ok);
    if (withStats && m > 0) {
      s.condition = scaledCondition(a);
      if (ok) {
        DMatrixRMaj inv = new DMatrixRMaj(m, m);
        chol.invert(inv);
        s.invDiag = new double[m];
        for (int i = 0; i < m; i++) {
          s.invDiag[i] = inv.unsafe_get(i, i);
        }
      }
    }
    return s;
  }

  private static double sumAbs(DMatrixRMaj x) {
    double s = 0;
    for (double v : x.data) {
      s += Math.abs(v);
    }
    return s;
  }

  /** Condition number of {@code D^-1/2 A D^-1/2}, D = diag(A): collinearity, not scale. */
  private static double scaledCondition(DMatrixRMaj a) {
    int m = a.numRows;
    DMatrixRMaj s = new DMatrixRMaj(m, m);
    double[] inv = new double[m];
    for (int i = 0; i < m; i++) {
      inv[i] = 1 / Math.sqrt(a.unsafe_get(i, i));
    }
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        s.unsafe_set(i, j, a.unsafe_get(i, j) * inv[i] * inv[j]);
      }
    }
    return NormOps_DDRM.conditionP2(s);
  }

  /** Σ over rails of RSS / TSS (rails without variation are left out). */
  double relativeResidual() {
    double sum = 0;
    for (int r = 0; r < ne.rails; r++) {
      double tss = ne.yty[r] - ne.ySum[r] * ne.ySum[r] / ne.n;
      if (tss > 0) {
        sum += rss[r] / tss;
      }
    }
    return sum;
  }

  WindowMapping.Fit fit(int slots) {
    int k = ne.k;
    int rails = ne.rails;
    Estimate[][] p = new Estimate[k][rails];
    double[] eq = new double[k];
    Arrays.fill(eq, Double.NaN);
    for (Estimate[] row : p) {
      Arrays.fill(row, Estimate.NONE);
    }
    long dof = ne.n - active.length;
    double t = StudentT.quantile975(dof);
    for (int i = 0; i < active.length; i++) {
      int c = active[i];
      eq[c] = 1 / invDiag[i];
      long n = Math.max(1, Math.round(eq[c]));
      for (int r = 0; r < rails; r++) {
        double mean = x.unsafe_get(i, r);
        if (dof < 1) {
          p[c][r] = new Estimate(mean, Double.NaN, Double.NaN, n);
          continue;
        }
        double half = t * Math.sqrt(rss[r] / dof * invDiag[i]);
        p[c][r] = new Estimate(mean, mean - half, mean + half, n);
      }
    }
    return new WindowMapping.Fit(slots, p, eq);
  }
}
