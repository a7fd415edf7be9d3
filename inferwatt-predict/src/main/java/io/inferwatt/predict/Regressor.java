package io.inferwatt.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A fitted model of one target (on its log scale) from a row of features. */
interface Regressor {

  /**
   * The learner's name: {@code lasso-poly2}, {@code work-lasso}, {@code xgboost} or {@code
   * work-xgboost}.
   */
  String learner();

  /** Its hyper-parameters, {@code key=value} comma-separated. */
  String hyperParameters();

  /** Predictions for every row of {@code x}. */
  double[] predict(double[][] x);

  ObjectNode toJson();

  static Regressor fromJson(JsonNode o) {
    Regressor r =
        switch (o.get("learner").asText()) {
          case LassoPoly.NAME -> LassoPoly.fromJson(o);
          case Gbt.NAME -> Gbt.fromJson(o);
          case WorkLasso.NAME -> WorkLasso.fromJson(o);
          case WorkGbt.NAME -> WorkGbt.fromJson(o);
          case SumLinear.NAME -> SumLinear.fromJson(o);
          default ->
              throw new IllegalArgumentException("unknown learner " + o.get("learner").asText());
        };
    return Boxed.fromJson(r, o);
  }
}
