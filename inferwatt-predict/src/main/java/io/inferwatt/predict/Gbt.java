package io.inferwatt.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Gradient-boosted regression trees (XGBoost, squared error on the log scale). XGBoost trains; its
 * trees are then read out of the booster and evaluated here, in Java, as XGBoost does (features as
 * 32-bit floats, {@code x < split} goes left, a missing value the default way, the leaves summed in
 * 32-bit floats onto the base score): a prediction neither loads the native library nor starts its
 * threads, and a stored model is a packed array of nodes rather than XGBoost's own format.
 */
final class Gbt implements Regressor {

  static final String NAME = "xgboost";

  static final int ROUNDS = 100;
  static final int MAX_DEPTH = 5;
  static final double ETA = 0.2;
  static final int MAX_BIN = 64;
  static final int THREADS =
      1; // two OpenMP threads on a loaded 2-core machine ran 20× slower than one

  /**
   * Bytes per node of the packed form: feature, split (or leaf value), left, right, default left.
   */
  private static final int NODE_BYTES = 4 + 4 + 4 + 4 + 1;

  /**
   * Reads XGBoost's JSON form when fitting; in a holder, so that a prediction does not start it.
   */
  private static final class BoosterJson {
    static final ObjectMapper JSON = new ObjectMapper();
  }

  private final float baseScore;
  private final int[] treeStart; // each tree's first node in the arrays below
  private final int[] feature; // -1 for a leaf
  private final float[] split; // the split value, or the leaf's value
  private final int[] left; // absolute node indices
  private final int[] right;
  private final boolean[] defaultLeft;

  private Gbt(
      float baseScore,
      int[] treeStart,
      int[] feature,
      float[] split,
      int[] left,
      int[] right,
      boolean[] defaultLeft) {
    this.baseScore = baseScore;
    this.treeStart = treeStart;
    this.feature = feature;
    this.split = split;
    this.left = left;
    this.right = right;
    this.defaultLeft = defaultLeft;
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
      try {
        return of(b);
      } finally {
        b.dispose();
      }
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost failed: " + e.getMessage(), e);
    }
  }

  /** The trees of {@code booster}, read from its JSON form. */
  static Gbt of(Booster booster) throws XGBoostError {
    JsonNode model;
    try {
      model = BoosterJson.JSON.readTree(booster.toByteArray("json"));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("XGBoost's model cannot be read: " + e.getMessage(), e);
    }
    JsonNode learner = model.get("learner");
    float base = Float.parseFloat(learner.get("learner_model_param").get("base_score").asText());
    JsonNode trees = learner.get("gradient_booster").get("model").get("trees");
    int nodes = 0;
    for (JsonNode t : trees) {
      nodes += t.get("left_children").size();
    }
    int[] start = new int[trees.size()];
    int[] feature = new int[nodes];
    float[] split = new float[nodes];
    int[] left = new int[nodes];
    int[] right = new int[nodes];
    boolean[] defaultLeft = new boolean[nodes];
    int at = 0;
    for (int t = 0; t < trees.size(); t++) {
      JsonNode tree = trees.get(t);
      start[t] = at;
      JsonNode l = tree.get("left_children");
      for (int i = 0; i < l.size(); i++) {
        int n = at + i;
        boolean leaf = l.get(i).asInt() < 0;
        feature[n] = leaf ? -1 : tree.get("split_indices").get(i).asInt();
        split[n] = (float) tree.get("split_conditions").get(i).asDouble();
        left[n] = leaf ? -1 : at + l.get(i).asInt();
        right[n] = leaf ? -1 : at + tree.get("right_children").get(i).asInt();
        defaultLeft[n] = tree.get("default_left").get(i).asInt() != 0;
      }
      at += l.size();
    }
    return new Gbt(base, start, feature, split, left, right, defaultLeft);
  }

  /**
   * Cross-validates over {@code fold} and fits on every row: the k fold models and the final one
   * are independent (one XGBoost thread each) and trained side by side on the cores there are.
   */
  static Fit<Gbt> fit(double[][] x, double[] y, int[] fold, int k) {
    double[] oof = new double[y.length];
    Gbt[] all = new Gbt[1];
    IntStream.rangeClosed(0, k)
        .parallel()
        .forEach(
            f -> {
              if (f == k) {
                all[0] = train(x, y);
                return;
              }
              Subset s = Subset.of(x, y, fold, f);
              if (s.held().isEmpty()) {
                return;
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
            });
    return new Fit<>(all[0], oof);
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
    // tree by tree over every row (a tree stays in the cache), each row's sum in tree order as
    // XGBoost adds them
    float[] sum = new float[x.length];
    java.util.Arrays.fill(sum, baseScore);
    for (int root : treeStart) {
      for (int i = 0; i < x.length; i++) {
        double[] row = x[i];
        int n = root;
        while (feature[n] >= 0) {
          float v = (float) row[feature[n]];
          n =
              Float.isNaN(v)
                  ? (defaultLeft[n] ? left[n] : right[n])
                  : v < split[n] ? left[n] : right[n];
        }
        sum[i] += split[n];
      }
    }
    double[] out = new double[x.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = sum[i];
    }
    return out;
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("learner", NAME);
    o.put("hyper_parameters", hyperParameters());
    o.put("base_score", baseScore);
    ByteBuffer b =
        ByteBuffer.allocate(4 * treeStart.length + NODE_BYTES * feature.length)
            .order(ByteOrder.LITTLE_ENDIAN);
    for (int t : treeStart) {
      b.putInt(t);
    }
    for (int n = 0; n < feature.length; n++) {
      b.putInt(feature[n]).putFloat(split[n]).putInt(left[n]).putInt(right[n]);
      b.put((byte) (defaultLeft[n] ? 1 : 0));
    }
    o.put("trees", treeStart.length);
    o.put("nodes", feature.length);
    o.put("nodes_base64", Base64.getEncoder().encodeToString(b.array()));
    return o;
  }

  static Gbt fromJson(JsonNode o) {
    if (!o.has("nodes_base64")) {
      return fromBooster(o);
    }
    int trees = o.get("trees").asInt();
    int nodes = o.get("nodes").asInt();
    byte[] b = Base64.getDecoder().decode(o.get("nodes_base64").asText());
    if (trees < 0 || nodes < 0 || b.length != 4L * trees + (long) NODE_BYTES * nodes) {
      throw new IllegalArgumentException(
          "the trees hold "
              + b.length
              + " bytes, not those of "
              + trees
              + " trees, "
              + nodes
              + " nodes");
    }
    // read from the array itself rather than through a ByteBuffer: a prediction reads every model
    // once, and a ByteBuffer's calls cost several times more before the JIT compiles them
    int at = 0;
    int[] start = new int[trees];
    for (int t = 0; t < trees; t++, at += 4) {
      start[t] = int32(b, at);
    }
    int[] feature = new int[nodes];
    float[] split = new float[nodes];
    int[] left = new int[nodes];
    int[] right = new int[nodes];
    boolean[] defaultLeft = new boolean[nodes];
    for (int n = 0; n < nodes; n++, at += NODE_BYTES) {
      feature[n] = int32(b, at);
      split[n] = Float.intBitsToFloat(int32(b, at + 4));
      left[n] = int32(b, at + 8);
      right[n] = int32(b, at + 12);
      defaultLeft[n] = b[at + 16] != 0;
    }
    return new Gbt(
        (float) o.get("base_score").asDouble(), start, feature, split, left, right, defaultLeft);
  }

  /** The little-endian 32-bit integer at {@code at}. */
  private static int int32(byte[] b, int at) {
    return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | b[at + 3] << 24;
  }

  /** A model stored in XGBoost's own format (by earlier fits). */
  private static Gbt fromBooster(JsonNode o) {
    try {
      Booster b = XGBoost.loadModel(Base64.getDecoder().decode(o.get("ubj_base64").asText()));
      try {
        return of(b);
      } finally {
        b.dispose();
      }
    } catch (XGBoostError | java.io.IOException e) {
      throw new IllegalArgumentException(
          "the stored XGBoost model cannot be read: " + e.getMessage(), e);
    }
  }
}
