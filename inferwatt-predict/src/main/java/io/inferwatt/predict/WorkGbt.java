package io.inferwatt.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A power's work model with trees for the rest: the non-negative fit of {@link WorkLasso} on the
 * power's clock terms (1 and each clock's f, f², f³), then {@link Gbt} on the log of what it
 * leaves. Trees alone are constant between the clock steps they split on, and at a combination of
 * settings few rows have (2 cores at a slow CPU clock at a GPU clock measured only with 4 cores)
 * they hardly move with the GPU clock; under the clock terms they carry only the layer's activity.
 */
final class WorkGbt implements Regressor {

  static final String NAME = "work-xgboost";

  private final WorkLasso.Basis basis;
  private final double[] weights;
  private final Gbt residual;

  WorkGbt(WorkLasso.Basis basis, double[] weights, Gbt residual) {
    this.basis = basis;
    this.weights = weights;
    this.residual = residual;
  }

  static Fit<WorkGbt> fit(WorkLasso.Basis basis, double[][] x, double[] y, int[] fold, int k) {
    double[][] phi = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      phi[i] = basis.terms(x[i]);
    }
    double[] w = WorkLasso.nnls(phi, y);
    double[] work = new double[y.length];
    double[] r = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      work[i] = WorkLasso.logWork(phi[i], w);
      r[i] = y[i] - work[i];
    }
    Fit<Gbt> g = Gbt.fit(x, r, fold, k);
    double[] oof = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      oof[i] = work[i] + g.outOfFold()[i];
    }
    return new Fit<>(new WorkGbt(basis, w, g.model()), oof);
  }

  @Override
  public String learner() {
    return NAME;
  }

  @Override
  public String hyperParameters() {
    return "work_terms=" + weights.length + "," + residual.hyperParameters();
  }

  @Override
  public double[] predict(double[][] x) {
    double[] r = residual.predict(x);
    for (int i = 0; i < x.length; i++) {
      r[i] += WorkLasso.logWork(basis.terms(x[i]), weights);
    }
    return r;
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("learner", NAME);
    o.put("batch", basis.batch());
    ArrayNode cl = o.putArray("clocks");
    for (int c : basis.clocks()) {
      cl.add(c);
    }
    ArrayNode w = o.putArray("weights");
    for (double v : weights) {
      w.add(v);
    }
    o.set("residual", residual.toJson());
    return o;
  }

  static WorkGbt fromJson(JsonNode o) {
    int[] clocks = new int[o.get("clocks").size()];
    for (int i = 0; i < clocks.length; i++) {
      clocks[i] = o.get("clocks").get(i).asInt();
    }
    double[] w = new double[o.get("weights").size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = o.get("weights").get(i).asDouble();
    }
    return new WorkGbt(
        new WorkLasso.Basis(o.get("batch").asInt(), clocks, true, -1, new double[0]),
        w,
        Gbt.fromJson(o.get("residual")));
  }
}
