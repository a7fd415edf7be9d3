package io.inferwatt.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
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
  void lassoPolyPredictsWhatItsLinearModelGivesOnTheExpandedRow() {
    double[][] x = rows(300, 6, 8);
    double[] y = new double[x.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = x[i][0] * x[i][3] + Math.sin(3 * x[i][1]) + x[i][5] * x[i][5];
    }
    LassoPoly m = LassoPoly.fit(x, y, folds(x.length, 5), 5).model();
    Lasso.Linear linear = LassoPoly.fromJson(m.toJson()).linear();
    assertThat(linear.nonZero()).isGreaterThan(3);
    double[][] held = rows(50, 6, 9);
    double[] p = m.predict(held);
    for (int i = 0; i < held.length; i++) {
      assertThat(p[i]).isEqualTo(linear.predict(Poly.expand(held[i])));
    }
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

  @Test
  void gbtTreesEvaluatedInJavaGiveWhatXgboostGives() throws Exception {
    double[][] x = rows(300, 4, 6);
    double[] y = new double[x.length];
    float[] label = new float[x.length];
    float[] flat = new float[x.length * 4];
    for (int i = 0; i < y.length; i++) {
      y[i] = Math.exp(x[i][0]) + x[i][1] * x[i][2] - 3 * Math.max(0, x[i][3]);
      label[i] = (float) y[i];
      for (int j = 0; j < 4; j++) {
        flat[i * 4 + j] = (float) x[i][j];
      }
    }
    DMatrix d = new DMatrix(flat, x.length, 4, Float.NaN);
    d.setLabel(label);
    Map<String, Object> p =
        Map.of(
            "objective",
            "reg:squarederror",
            "max_depth",
            5,
            "eta",
            0.2,
            "tree_method",
            "hist",
            "max_bin",
            64,
            "nthread",
            1,
            "seed",
            0,
            "verbosity",
            0);
    Booster b = XGBoost.train(d, p, 100, new HashMap<>(), null, null);
    float[][] native_ = b.predict(d);
    Gbt java = Gbt.of(b);
    double[][] held = rows(200, 4, 7);
    float[] heldFlat = new float[held.length * 4];
    for (int i = 0; i < held.length; i++) {
      for (int j = 0; j < 4; j++) {
        heldFlat[i * 4 + j] = (float) held[i][j];
      }
    }
    float[][] nativeHeld = b.predict(new DMatrix(heldFlat, held.length, 4, Float.NaN));
    double[] mine = java.predict(x);
    double[] mineHeld = java.predict(held);
    for (int i = 0; i < x.length; i++) {
      assertThat(mine[i]).isCloseTo(native_[i][0], within(1e-5));
    }
    for (int i = 0; i < held.length; i++) {
      assertThat(mineHeld[i]).isCloseTo(nativeHeld[i][0], within(1e-5));
    }
    // a model stored in XGBoost's own format by an earlier fit reads into the same trees
    ObjectNode old = JsonNodeFactory.instance.objectNode();
    old.put("learner", Gbt.NAME);
    old.put("ubj_base64", Base64.getEncoder().encodeToString(b.toByteArray("ubj")));
    assertThat(Regressor.fromJson(old).predict(held)).containsExactly(mineHeld);
    b.dispose();
  }
}
