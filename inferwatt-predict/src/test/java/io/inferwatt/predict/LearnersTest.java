package io.inferwatt.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LearnersTest {

  /** Rows of {@code p} uniform features in [-1, 1] and their fold (row i in fold i mod k). */
  private static double[][] rows(int n, int p, long seed) {
    Random r = new Random(seed);
    double[][] x = new double[n][p];
    for (double[] row : x) {
      for (int j = 0; j < p; j++) {
        row[j] = 2 * r.nextDouble() - 1;
      }
    }
    return x;
  }

  private static int[] folds(int n, int k) {
    int[] f = new int[n];
    for (int i = 0; i < n; i++) {
      f[i] = i % k;
    }
    return f;
  }

  @Test
  void lassoRecoversASparsePolynomial() {
    double[][] x = rows(400, 5, 1);
    double[] y = new double[x.length];
    Random noise = new Random(2);
    for (int i = 0; i < y.length; i++) {
      y[i] = 2 + 3 * x[i][0] - 1.5 * x[i][1] * x[i][2] + 0.01 * noise.nextGaussian();
    }
    LassoPoly m = LassoPoly.fit(x, y, folds(x.length, 5), 5).model();
    var json = m.toJson();
    double[] coef = new double[json.get("size").asInt()];
    for (int i = 0; i < json.get("index").size(); i++) {
      coef[json.get("index").get(i).asInt()] = json.get("coef").get(i).asDouble();
    }
    String[] names = Poly.names(new String[] {"a", "b", "c", "d", "e"});
    for (int j = 0; j < coef.length; j++) {
      switch (names[j]) {
        case "a" -> assertThat(coef[j]).as(names[j]).isCloseTo(3, within(0.05));
        case "b*c" -> assertThat(coef[j]).as(names[j]).isCloseTo(-1.5, within(0.05));
        default -> assertThat(coef[j]).as(names[j]).isCloseTo(0, within(0.02));
      }
    }
    double[] p = m.predict(new double[][] {{0.5, 0.5, -0.5, 0.9, -0.9}});
    assertThat(p[0]).isCloseTo(2 + 1.5 + 0.375, within(0.05));
  }

  @Test
  void lassoWithAStrongPenaltyKeepsOnlyTheMean() {
    double[][] x = rows(100, 3, 3);
    double[] y = new double[x.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = 5 + x[i][0];
    }
    Lasso.Design d = new Lasso.Design(x);
    Lasso.Target t = d.target(y);
    Lasso.Linear m = d.path(t, new double[] {t.lambdaMax() * 1.01}).get(0);
    assertThat(m.nonZero()).isZero();
    assertThat(m.intercept()).isCloseTo(5, within(0.2));
  }

  @Test
  void gbtFitsAStepFunction() {
    double[][] x = rows(500, 2, 4);
    double[] y = new double[x.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = x[i][0] > 0.2 ? 3 : 1;
    }
    Fit<Gbt> fit = Gbt.fit(x, y, folds(x.length, 3), 3);
    double[] p = fit.model().predict(new double[][] {{-0.5, 0}, {0.1, 0.7}, {0.3, -0.7}, {0.9, 0}});
    assertThat(p[0]).isCloseTo(1, within(0.05));
    assertThat(p[1]).isCloseTo(1, within(0.05));
    assertThat(p[2]).isCloseTo(3, within(0.05));
    assertThat(p[3]).isCloseTo(3, within(0.05));
    // a polynomial cannot follow the step as closely
    double lassoErr =
        Errors.meanFoldMedianPct(
            y, LassoPoly.fit(x, y, folds(x.length, 3), 3).outOfFold(), folds(x.length, 3), 3);
    double gbtErr = Errors.meanFoldMedianPct(y, fit.outOfFold(), folds(x.length, 3), 3);
    assertThat(gbtErr).isLessThan(lassoErr);
  }

  @Test
  void gbtSurvivesItsSerializedForm() {
    double[][] x = rows(200, 2, 5);
    double[] y = new double[x.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = x[i][0] * x[i][1];
    }
    Gbt m = Gbt.train(x, y);
    Regressor back = Regressor.fromJson(m.toJson());
    assertThat(back.predict(x)).containsExactly(m.predict(x));
  }
}
