package io.inferwatt.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The NeuralPower baseline: polynomial features of degree 2 and a Lasso fit, its strength chosen by
 * cross-validation (the strength with the lowest mean of the folds' median absolute error).
 */
final class LassoPoly implements Regressor {

  static final String NAME = "lasso-poly2";

  /** Strengths tried: 20 from the largest useful one down to 10⁻⁴ of it. */
  static final int STRENGTHS = 20;

  static final double RATIO = 1e-4;

  private final Lasso.Linear linear;
  private final double lambda;

  LassoPoly(Lasso.Linear linear, double lambda) {
    this.linear = linear;
    this.lambda = lambda;
  }

  /**
   * Cross-validates the strength over {@code folds} and fits on every row with the best one.
   *
   * @param x features (not expanded)
   * @param y targets on their log scale
   * @param fold each row's fold, 0 … k-1
   * @return the model with every fold's held-out predictions at the chosen strength
   */
  static Fit<LassoPoly> fit(double[][] x, double[] y, int[] fold, int k) {
    return fit(new Designs(x, fold, k), y);
  }

  /**
   * The expanded rows and the Gram matrices of every fold and of all rows, computed once and shared
   * by every target fitted on the same rows.
   */
  static final class Designs {
    final double[][] z;
    final int[] fold;
    final int k;
    private final Lasso.Design[] byFold;
    private Lasso.Design all;

    Designs(double[][] x, int[] fold, int k) {
      this.z = new double[x.length][];
      for (int i = 0; i < x.length; i++) {
        z[i] = Poly.expand(x[i]);
      }
      this.fold = fold;
      this.k = k;
      this.byFold = new Lasso.Design[k];
    }

    /** Fold {@code f}'s design; one thread at a time per fold. */
    Lasso.Design fold(int f) {
      if (byFold[f] == null) {
        byFold[f] = new Lasso.Design(Subset.of(z, new double[z.length], fold, f).trainX());
      }
      return byFold[f];
    }

    Lasso.Design all() {
      if (all == null) {
        all = new Lasso.Design(z);
      }
      return all;
    }
  }

  static Fit<LassoPoly> fit(Designs d, double[] y) {
    double[][] z = d.z;
    int[] fold = d.fold;
    int k = d.k;
    Lasso.Target full = d.all().target(y);
    double[] lambdas = Lasso.strengths(full.lambdaMax(), RATIO, STRENGTHS);
    double[][] oof = new double[lambdas.length][y.length];
    // the folds are independent (each writes its own rows): on the cores there are
    IntStream.range(0, k)
        .parallel()
        .forEach(
            f -> {
              Subset s = Subset.of(z, y, fold, f);
              if (s.held().isEmpty() || s.trainY().length == 0) {
                return;
              }
              Lasso.Design design = d.fold(f);
              List<Lasso.Linear> path = design.path(design.target(s.trainY()), lambdas);
              for (int li = 0; li < lambdas.length; li++) {
                Lasso.Linear m = path.get(li);
                for (int i : s.held()) {
                  oof[li][i] = m.predict(z[i]);
                }
              }
            });
    int best = 0;
    double bestErr = Double.POSITIVE_INFINITY;
    for (int li = 0; li < lambdas.length; li++) {
      double err = Errors.meanFoldMedianPct(y, oof[li], fold, k);
      if (err < bestErr - 1e-12) {
        bestErr = err;
        best = li;
      }
    }
    double[] chosen = new double[best + 1];
    System.arraycopy(lambdas, 0, chosen, 0, best + 1);
    List<Lasso.Linear> path = d.all().path(full, chosen);
    return new Fit<>(new LassoPoly(path.get(best), lambdas[best]), oof[best]);
  }

  Lasso.Linear linear() {
    return linear;
  }

  @Override
  public String learner() {
    return NAME;
  }

  @Override
  public String hyperParameters() {
    return String.format(Locale.ROOT, "degree=2,lambda=%.6g,nonzero=%d", lambda, linear.nonZero());
  }

  @Override
  public double[] predict(double[][] x) {
    // the expansion's columns with a coefficient only, in the same order: the same sum as
    // linear.predict(Poly.expand(row)) without the expansion
    double[] c = linear.coef();
    int p = x.length == 0 ? 0 : x[0].length;
    int nz = linear.nonZero();
    int[] a = new int[nz];
    int[] b = new int[nz]; // -1: a column of its own
    double[] w = new double[nz];
    int k = 0;
    int col = 0;
    for (int i = 0; i < p; i++, col++) {
      if (c[col] != 0) {
        a[k] = i;
        b[k] = -1;
        w[k++] = c[col];
      }
    }
    for (int i = 0; i < p; i++) {
      for (int j = i; j < p; j++, col++) {
        if (c[col] != 0) {
          a[k] = i;
          b[k] = j;
          w[k++] = c[col];
        }
      }
    }
    double[] out = new double[x.length];
    for (int r = 0; r < x.length; r++) {
      double[] row = x[r];
      double y = linear.intercept();
      for (int m = 0; m < nz; m++) {
        y += w[m] * (b[m] < 0 ? row[a[m]] : row[a[m]] * row[b[m]]);
      }
      out[r] = y;
    }
    return out;
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("learner", NAME);
    o.put("lambda", lambda);
    o.put("intercept", linear.intercept());
    o.put("size", linear.coef().length);
    ArrayNode idx = o.putArray("index");
    ArrayNode val = o.putArray("coef");
    double[] c = linear.coef();
    for (int j = 0; j < c.length; j++) {
      if (c[j] != 0) {
        idx.add(j);
        val.add(c[j]);
      }
    }
    return o;
  }

  static LassoPoly fromJson(JsonNode o) {
    double[] c = new double[o.get("size").asInt()];
    JsonNode idx = o.get("index");
    JsonNode val = o.get("coef");
    for (int i = 0; i < idx.size(); i++) {
      c[idx.get(i).asInt()] = val.get(i).asDouble();
    }
    return new LassoPoly(
        new Lasso.Linear(o.get("intercept").asDouble(), c), o.get("lambda").asDouble());
  }
}
