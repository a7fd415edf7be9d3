package io.inferwatt.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/** Gradient-boosted regression trees (XGBoost, squared error on the log scale). */
final class Gbt implements Regressor {

  static final String NAME = "xgboost";

  static final int ROUNDS = 100;
  static final int MAX_DEPTH = 5;
  static final double ETA = 0.2;
  static final int MAX_BIN = 64;
  static final int THREADS =
      1; // two OpenMP threads on a loaded 2-core machine ran 20× slower than one

  private final Booster booster;

  private Gbt(Booster booster) {
    this.booster = booster;
  }

  /** Fits on every row of {@code x}. */
  static Gbt train(double[][] x, double[] y) {
    try {
      DMatrix d = matrix(x);
      float[] label = new float[y.length];
      for (int i = 0; i < y.length; i++) {
        label[i] = (float) y[i];
      }
      d.setLabel(label);
      Map<String, Object> p = new HashMap<>();
      p.put("objective", "reg:squarederror");
      p.put("max_depth", MAX_DEPTH);
      p.put("eta", ETA);
      p.put("tree_method", "hist");
      p.put("max_bin", MAX_BIN);
      p.put("nthread", THREADS);
      p.put("seed", 0);
      p.put("verbosity", 0);
      Booster b = XGBoost.train(d, p, ROUNDS, new HashMap<>(), null, null);
      d.dispose();
      return new Gbt(b);
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost failed: " + e.getMessage(), e);
    }
  }

  /** Cross-validates over {@code fold} and fits on every row. */
  static Fit<Gbt> fit(double[][] x, double[] y, int[] fold, int k) {
    double[] oof = new double[y.length];
    for (int f = 0; f < k; f++) {
      Subset s = Subset.of(x, y, fold, f);
      if (s.held().isEmpty()) {
        continue;
      }
      Gbt m = train(s.trainX(), s.trainY());
      double[][] hx = new double[s.held().size()][];
      for (int i = 0; i < hx.length; i++) {
        hx[i] = x[s.held().get(i)];
      }
      double[] p = m.predict(hx);
      for (int i = 0; i < hx.length; i++) {
        oof[s.held().get(i)] = p[i];
      }
      m.booster.dispose();
    }
    return new Fit<>(train(x, y), oof);
  }

  private static DMatrix matrix(double[][] x) throws XGBoostError {
    int p = x.length == 0 ? 0 : x[0].length;
    float[] flat = new float[x.length * p];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < p; j++) {
        flat[i * p + j] = (float) x[i][j];
      }
    }
    return new DMatrix(flat, x.length, p, Float.NaN);
  }

  @Override
  public String learner() {
    return NAME;
  }

  @Override
  public String hyperParameters() {
    return "rounds=" + ROUNDS + ",max_depth=" + MAX_DEPTH + ",eta=" + ETA + ",max_bin=" + MAX_BIN;
  }

  @Override
  public double[] predict(double[][] x) {
    if (x.length == 0) {
      return new double[0];
    }
    try {
      DMatrix d = matrix(x);
      float[][] p = booster.predict(d);
      d.dispose();
      double[] out = new double[x.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = p[i][0];
      }
      return out;
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost failed: " + e.getMessage(), e);
    }
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("learner", NAME);
    o.put("hyper_parameters", hyperParameters());
    try {
      o.put("ubj_base64", Base64.getEncoder().encodeToString(booster.toByteArray("ubj")));
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost failed: " + e.getMessage(), e);
    }
    return o;
  }

  static Gbt fromJson(JsonNode o) {
    try {
      return new Gbt(XGBoost.loadModel(Base64.getDecoder().decode(o.get("ubj_base64").asText())));
    } catch (XGBoostError | java.io.IOException e) {
      throw new IllegalArgumentException(
          "the stored XGBoost model cannot be read: " + e.getMessage(), e);
    }
  }
}
