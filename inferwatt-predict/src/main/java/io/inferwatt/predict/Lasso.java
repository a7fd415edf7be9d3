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
      double[] beta = new double[p];
      double[] grad = t.xty().clone(); // xty - G·beta
      boolean[] active = new boolean[p];
      List<Linear> out = new ArrayList<>();
      for (double lambda : lambdas) {
        for (int round = 0; round < 20; round++) {
          // a full sweep finds the active set; sweeps over it alone converge it
          if (sweep(beta, grad, active, lambda, false) < TOLERANCE) {
            break;
          }
          for (int inner = 0; inner < 300; inner++) {
            if (sweep(beta, grad, active, lambda, true) < TOLERANCE) {
              break;
            }
          }
        }
        out.add(unscale(t.yMean(), beta));
      }
      return out;
    }

    private double sweep(
        double[] beta, double[] grad, boolean[] active, double lambda, boolean activeOnly) {
      double maxChange = 0;
      for (int j = 0; j < p; j++) {
        if (scale[j] == 0 || (activeOnly && !active[j])) {
          continue;
        }
        double gjj = gram[j][j];
        if (gjj == 0) {
          continue;
        }
        double rho = grad[j] + gjj * beta[j];
        double next = soft(rho, lambda) / gjj;
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
