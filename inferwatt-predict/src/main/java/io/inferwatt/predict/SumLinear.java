package io.inferwatt.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A network's latency as a linear map of its layers' sum: {@code latency = a + b·Σ + c·n} (Σ the
 * sum of its layer latencies in ms, n its layer count), fitted by least squares on relative errors
 * over the training networks, with {@code b} kept within {@link #B_MIN}–{@link #B_MAX}. Where the
 * layers are timed with a profiler that costs something per layer (ONNX Runtime's), the network
 * without it runs in {@code b} times the layers' sum less a per-layer cost, which an additive gap
 * bounded by the gaps measured cannot follow on a network larger than every training network.
 *
 * <p>As a {@link Regressor} of a network row it gives the gap, {@code a + (b − 1)·Σ + c·n}, in ms:
 * Σ is read from {@link FeatureSpace#BUSY} (its log) and n from the row's layer count (its log), so
 * the network row must carry the layers' sum ({@link #withSum}).
 */
final class SumLinear implements Regressor {

  static final String NAME = "sum-linear";

  /** The bounds of the factor on the layers' sum. */
  static final double B_MIN = 0.25;

  static final double B_MAX = 4;

  private final double a;
  private final double b;
  private final double c;

  SumLinear(double a, double b, double c) {
    this.a = a;
    this.b = b;
    this.c = c;
  }

  /** The network row {@code x} with the layers' sum {@code sumMs} in its busy slot. */
  static double[] withSum(double[] x, double sumMs) {
    double[] r = x.clone();
    r[FeatureSpace.BUSY] = Math.log(Math.max(sumMs, 1e-6));
    return r;
  }

  /**
   * Fits {@code total ≈ a + b·sum + c·layers} minimising {@code Σ weight·((fit − total) / total)²};
   * {@code b} outside its bounds is held at the bound and {@code a}, {@code c} fitted again.
   */
  static SumLinear fit(double[] sum, double[] layers, double[] total, double[] weight) {
    double[] abc = solve(sum, layers, total, weight, Double.NaN);
    if (abc == null) {
      return new SumLinear(0, 1, 0);
    }
    if (abc[1] < B_MIN || abc[1] > B_MAX) {
      abc = solve(sum, layers, total, weight, Math.max(B_MIN, Math.min(B_MAX, abc[1])));
      if (abc == null) {
        return new SumLinear(0, 1, 0);
      }
    }
    return new SumLinear(abc[0], abc[1], abc[2]);
  }

  /**
   * Weighted least squares for (a, b, c), or (a, c) with b fixed when {@code fixedB} is a number.
   */
  private static double[] solve(double[] s, double[] n, double[] t, double[] wt, double fixedB) {
    boolean fixed = !Double.isNaN(fixedB);
    int p = fixed ? 2 : 3;
    double[][] m = new double[p][p + 1];
    for (int i = 0; i < t.length; i++) {
      double w = wt[i] / (t[i] * t[i]);
      double[] row = fixed ? new double[] {1, n[i]} : new double[] {1, s[i], n[i]};
      double y = fixed ? t[i] - fixedB * s[i] : t[i];
      for (int j = 0; j < p; j++) {
        for (int k = 0; k < p; k++) {
          m[j][k] += w * row[j] * row[k];
        }
        m[j][p] += w * row[j] * y;
      }
    }
    // a small ridge on the per-layer term keeps the system solvable when every row has one count
    m[p - 1][p - 1] += 1e-9 * Math.max(1, m[p - 1][p - 1]);
    double[] sol = gauss(m);
    if (sol == null) {
      return null;
    }
    return fixed ? new double[] {sol[0], fixedB, sol[1]} : sol;
  }

  /**
   * Solves the augmented system {@code m} by elimination with partial pivoting; null if singular.
   */
  private static double[] gauss(double[][] m) {
    int p = m.length;
    for (int col = 0; col < p; col++) {
      int piv = col;
      for (int r = col + 1; r < p; r++) {
        if (Math.abs(m[r][col]) > Math.abs(m[piv][col])) {
          piv = r;
        }
      }
      if (Math.abs(m[piv][col]) < 1e-300) {
        return null;
      }
      double[] t = m[col];
      m[col] = m[piv];
      m[piv] = t;
      for (int r = 0; r < p; r++) {
        if (r != col) {
          double f = m[r][col] / m[col][col];
          for (int k = col; k <= p; k++) {
            m[r][k] -= f * m[col][k];
          }
        }
      }
    }
    double[] x = new double[p];
    for (int j = 0; j < p; j++) {
      x[j] = m[j][p] / m[j][j];
      if (!Double.isFinite(x[j])) {
        return null;
      }
    }
    return x;
  }

  /** The network's latency for its layers' sum {@code sumMs} and {@code layers}. */
  double total(double sumMs, double layers) {
    return a + b * sumMs + c * layers;
  }

  @Override
  public String learner() {
    return NAME;
  }

  @Override
  public String hyperParameters() {
    return String.format(java.util.Locale.ROOT, "a=%.6g,b=%.6g,c=%.6g", a, b, c);
  }

  @Override
  public double[] predict(double[][] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double sum = Math.exp(x[i][FeatureSpace.BUSY]);
      double layers = Math.exp(x[i][FeatureSpace.CONTEXT_FROM]);
      out[i] = total(sum, layers) - sum;
    }
    return out;
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("learner", NAME);
    o.put("a", a);
    o.put("b", b);
    o.put("c", c);
    return o;
  }

  static SumLinear fromJson(JsonNode o) {
    return new SumLinear(o.get("a").asDouble(), o.get("b").asDouble(), o.get("c").asDouble());
  }
}
