package io.inferwatt.predict;

import com.fasterxml.jackson.databind.JsonNode;
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
    WorkLasso.Work work = WorkLasso.Work.fit(basis, x, y);
    Fit<Gbt> g = Gbt.fit(x, work.rest(y), fold, k);
    double[] oof = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      oof[i] = work.logWork()[i] + g.outOfFold()[i];
    }
    return new Fit<>(new WorkGbt(basis, work.weights(), g.model()), oof);
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
    basis.toJson(o, weights);
    o.set("residual", residual.toJson());
    return o;
  }

  static WorkGbt fromJson(JsonNode o) {
    return new WorkGbt(
        WorkLasso.Basis.fromJson(o), WorkLasso.weightsOf(o), Gbt.fromJson(o.get("residual")));
  }
}
