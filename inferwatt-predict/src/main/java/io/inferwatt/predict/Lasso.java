package io.inferwatt.predict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lasso regression by cyclic coordinate descent over the Gram matrix of standardized columns
 * (covariance updates with an active set, as in glmnet), along a decreasing path of strengths with
 * warm starts. Columns with no spread are left out (their coefficient stays 0).
 */
final class Lasso {

  /** Coordinate descent stops when no standardized coefficient moves more than this. */
  static final double TOLERANCE = 1e-5;

  private Lasso() {}

  /** A fitted linear model on the original column scale: {@code y = intercept + Σ coef·x}. */
  record Linear(double intercept, double[] coef) {
    double predict(double[] x) {
      double y = intercept;
      for (int j = 0; j < coef.length; j++) {
        if (coef[j] != 0) {
          y += coef[j] * x[j];
        }
      }
      return y;
    }

    int nonZero() {
      int n = 0;
      for (double c : coef) {
        n += c != 0 ? 1 : 0;
      }
      return n;
    }
  }

  /** A target's mean and its standardized X'(y − ȳ)/n. */
  record Target(double yMean, double[] xty) {
    /** The largest strength at which some coefficient leaves zero. */
    double lambdaMax() {
      double m = 0;
      for (double v : xty) {
        m = Math.max(m, Math.abs(v));
      }
      return m;
    }
  }

  /**
   * Standardization and Gram matrix of one design, shared by every strength of a path and every
   * target fitted on the same rows.
   */
  static final class Design {
    final int n;
    final int p;
    final double[] mean;
    final double[] scale; // 0 for a column with no spread
    final double[][] gram; // standardized X'X / n
    private final double[][] z; // standardized rows

    Design(double[][] x) {
      n = x.length;
      p = n == 0 ? 0 : x[0].length;
      mean = new double[p];
      scale = new double[p];
      for (double[] row : x) {
        for (int j = 0; j < p; j++) {
          mean[j] += row[j];
        }
      }
      for (int j = 0; j < p; j++) {
        mean[j] /= n;
      }
      for (double[] row : x) {
        for (int j = 0; j < p; j++) {
          double d = row[j] - mean[j];
          scale[j] += d * d;
        }
      }
      for (int j = 0; j < p; j++) {
        double sd = Math.sqrt(scale[j] / n);
        scale[j] = sd > 1e-12 * (1 + Math.abs(mean[j])) ? sd : 0;
      }
      z = new double[n][p];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < p; j++) {
          z[i][j] = scale[j] == 0 ? 0 : (x[i][j] - mean[j]) / scale[j];
        }
      }
      gram = new double[p][p];
      for (int i = 0; i < n; i++) {
        double[] zi = z[i];
        for (int j = 0; j < p; j++) {
          double v = zi[j];
          if (v == 0) {
            continue;
          }
          double[] g = gram[j];
          for (int k = j; k < p; k++) {
            g[k] += v * zi[k];
          }
        }
      }
      for (int j = 0; j < p; j++) {
        for (int k = j; k < p; k++) {
          gram[j][k] /= n;
          gram[k][j] = gram[j][k];
        }
      }
    }

    /** The target's side of the normal equations. */
    Target target(double[] y) {
      double yMean = Arrays.stream(y).average().orElse(0);
      double[] xty = new double[p];
      for (int i = 0; i < n; i++) {
        double yi = y[i] - yMean;
        double[] zi = z[i];
        for (int j = 0; j < p; j++) {
          xty[j] += zi[j] * yi;
        }
      }
      for (int j = 0; j < p; j++) {
        xty[j] /= n;
      }
      return new Target(yMean, xty);
    }

    /**
     * Fits every strength of {@code lambdas} (decreasing), each from the previous solution.
     *
     * @return one linear model per strength, on the original scale
     */
    List<Linear> path(Target t, double[] lambdas) {
      Descent d = new Descent(t.xty());
      List<Linear> out = new ArrayList<>();
      for (double lambda : lambdas) {
        for (int round = 0; round < 20; round++) {
          // a full sweep finds the active set; sweeps over it alone converge it
          if (d.fullSweep(lambda) < TOLERANCE) {
            break;
          }
          d.compact();
          for (int inner = 0; inner < 300; inner++) {
            if (d.activeSweep(lambda) < TOLERANCE) {
              break;
            }
          }
          d.expand();
        }
        out.add(unscale(t.yMean(), d.beta));
      }
      return out;
    }

    /**
     * Coordinate descent's state. Sweeps over the active set work on a contiguous copy of the
     * active coordinates' Gram rows and gradient (O(|active|) per update instead of O(p)); what
     * they moved is applied to the other coordinates' gradient once, before the next full sweep.
     * Coordinates are visited in index order, so the iterates are those of updating every
     * coordinate's gradient at each move (up to rounding).
     */
    private final class Descent {
      final double[] beta = new double[p];
      final double[] grad; // xty − G·beta, for every coordinate outside compact()…expand()
      final boolean[] active = new boolean[p];
      int[] index = new int[0]; // the active coordinates, ascending
      double[][] g = new double[0][]; // their Gram matrix
      double[] gradA = new double[0];
      double[] betaA = new double[0];
      double[] moved = new double[0]; // each one's total move since compact()

      Descent(double[] xty) {
        grad = xty.clone();
      }

      void compact() {
        int n = 0;
        for (int j = 0; j < p; j++) {
          n += active[j] ? 1 : 0;
        }
        index = new int[n];
        n = 0;
        for (int j = 0; j < p; j++) {
          if (active[j]) {
            index[n++] = j;
          }
        }
        g = new double[n][n];
        gradA = new double[n];
        betaA = new double[n];
        moved = new double[n];
        for (int i = 0; i < n; i++) {
          double[] row = gram[index[i]];
          for (int m = 0; m < n; m++) {
            g[i][m] = row[index[m]];
          }
          gradA[i] = grad[index[i]];
          betaA[i] = beta[index[i]];
        }
      }

      void expand() {
        for (int i = 0; i < index.length; i++) {
          int a = index[i];
          beta[a] = betaA[i];
          grad[a] = gradA[i];
          double d = moved[i];
          if (d == 0) {
            continue;
          }
          double[] ga = gram[a];
          for (int k = 0; k < p; k++) {
            if (!active[k]) {
              grad[k] -= ga[k] * d; // the gram matrix is symmetric
            }
          }
        }
      }

      double fullSweep(double lambda) {
        double maxChange = 0;
        for (int j = 0; j < p; j++) {
          if (scale[j] == 0) {
            continue;
          }
          double gjj = gram[j][j];
          if (gjj == 0) {
            continue;
          }
          double next = soft(grad[j] + gjj * beta[j], lambda) / gjj;
          double delta = next - beta[j];
          if (delta != 0) {
            double[] gj = gram[j];
            for (int k = 0; k < p; k++) {
              grad[k] -= gj[k] * delta;
            }
            beta[j] = next;
            active[j] = active[j] || next != 0;
            maxChange = Math.max(maxChange, Math.abs(delta) * Math.sqrt(gjj));
          }
        }
        return maxChange;
      }

      double activeSweep(double lambda) {
        double maxChange = 0;
        int n = index.length;
        for (int i = 0; i < n; i++) {
          double[] gi = g[i];
          double gii = gi[i];
          double next = soft(gradA[i] + gii * betaA[i], lambda) / gii;
          double delta = next - betaA[i];
          if (delta != 0) {
            for (int m = 0; m < n; m++) {
              gradA[m] -= gi[m] * delta;
            }
            moved[i] += delta;
            betaA[i] = next;
            maxChange = Math.max(maxChange, Math.abs(delta) * Math.sqrt(gii));
          }
        }
        return maxChange;
      }
    }

    private Linear unscale(double yMean, double[] beta) {
      double[] coef = new double[p];
      double intercept = yMean;
      for (int j = 0; j < p; j++) {
        if (scale[j] != 0 && beta[j] != 0) {
          coef[j] = beta[j] / scale[j];
          intercept -= coef[j] * mean[j];
        }
      }
      return new Linear(intercept, coef);
    }
  }

  /** {@code count} strengths from {@code max} down to {@code max·ratio}, evenly on a log scale. */
  static double[] strengths(double max, double ratio, int count) {
    double[] out = new double[count];
    double top = Math.max(max, 1e-12);
    for (int i = 0; i < count; i++) {
      out[i] = top * Math.pow(ratio, i / (double) (count - 1));
    }
    return out;
  }

  private static double soft(double v, double t) {
    return v > t ? v - t : v < -t ? v + t : 0;
  }
}
