package io.inferwatt.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A model whose network-context inputs (the network's layer count, MACs, elements and times, see
 * {@link FeatureSpace#LAYER}) are kept within the range its training rows spanned. A network far
 * larger than every training network (DenseNet's 250 layers against blocks of a few) is then
 * predicted as the largest context seen, rather than along a polynomial of a feature that barely
 * varied in training: for a type measured only in small networks, a context coefficient is
 * unidentified and its product terms extrapolate by orders of magnitude. The context effects are
 * saturating ones (a board's power reaches its level after a few milliseconds of work; launches
 * hide behind long networks), so holding them at the edge is the physical extrapolation.
 */
final class Boxed implements Regressor {

  private final Regressor inner;
  private final int from;
  private final double[] lo;
  private final double[] hi;

  private Boxed(Regressor inner, int from, double[] lo, double[] hi) {
    this.inner = inner;
    this.from = from;
    this.lo = lo;
    this.hi = hi;
  }

  /** {@code inner}, its context inputs kept within their range over the rows {@code x}. */
  static Regressor of(Regressor inner, double[][] x) {
    int from = FeatureSpace.CONTEXT_FROM;
    int n = FeatureSpace.CONTEXT_TO - from;
    double[] lo = new double[n];
    double[] hi = new double[n];
    java.util.Arrays.fill(lo, Double.POSITIVE_INFINITY);
    java.util.Arrays.fill(hi, Double.NEGATIVE_INFINITY);
    for (double[] row : x) {
      for (int j = 0; j < n; j++) {
        lo[j] = Math.min(lo[j], row[from + j]);
        hi[j] = Math.max(hi[j], row[from + j]);
      }
    }
    return x.length == 0 ? inner : new Boxed(inner, from, lo, hi);
  }

  @Override
  public String learner() {
    return inner.learner();
  }

  @Override
  public String hyperParameters() {
    return inner.hyperParameters();
  }

  @Override
  public double[] predict(double[][] x) {
    double[][] boxed = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      double[] row = x[i].clone();
      for (int j = 0; j < lo.length; j++) {
        row[from + j] = Math.max(lo[j], Math.min(hi[j], row[from + j]));
      }
      boxed[i] = row;
    }
    return inner.predict(boxed);
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode o = inner.toJson();
    ObjectNode b = o.putObject("box");
    b.put("from", from);
    ArrayNode l = b.putArray("lo");
    ArrayNode h = b.putArray("hi");
    for (int j = 0; j < lo.length; j++) {
      l.add(lo[j]);
      h.add(hi[j]);
    }
    return o;
  }

  /** {@code inner} with the box stored in {@code o}'s {@code box}, or {@code inner} without one. */
  static Regressor fromJson(Regressor inner, JsonNode o) {
    JsonNode b = o.get("box");
    if (b == null) {
      return inner;
    }
    double[] lo = new double[b.get("lo").size()];
    double[] hi = new double[lo.length];
    for (int j = 0; j < lo.length; j++) {
      lo[j] = b.get("lo").get(j).asDouble();
      hi[j] = b.get("hi").get(j).asDouble();
    }
    return new Boxed(inner, b.get("from").asInt(), lo, hi);
  }
}
