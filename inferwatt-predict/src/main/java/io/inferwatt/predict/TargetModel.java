package io.inferwatt.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The chosen model of one target (latency, a rail's power or energy) of one layer type, on the log
 * scale, with the 2.5 % and 97.5 % quantiles of its out-of-fold log residuals (measured −
 * predicted): the 95 % prediction interval is {@code exp(prediction + quantile)}.
 *
 * @param model the regressor, or null for a rail's energy taken as power × latency ({@link
 *     #PRODUCT})
 * @param cvErrorPct the mean over folds of the median absolute out-of-fold error, %
 */
record TargetModel(
    Regressor model, double qLow, double qHigh, double cvErrorPct, double yMin, double yMax) {

  TargetModel(Regressor model, double qLow, double qHigh, double cvErrorPct) {
    this(model, qLow, qHigh, cvErrorPct, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
  }

  /** {@code logValue} kept inside the range the training targets spanned (no extrapolation). */
  double clamp(double logValue) {
    return Math.max(yMin, Math.min(yMax, logValue));
  }

  /** This model, its predictions kept within {@code [min, max]} (log scale). */
  TargetModel bounded(double min, double max) {
    return new TargetModel(model, qLow, qHigh, cvErrorPct, min, max);
  }

  /** The learner name of an energy that is power × latency rather than a model of its own. */
  static final String PRODUCT = "power*latency";

  String learner() {
    return model == null ? PRODUCT : model.learner();
  }

  ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("learner", learner());
    o.put("q_low", qLow);
    o.put("q_high", qHigh);
    o.put("cv_error_pct", cvErrorPct);
    if (Double.isFinite(yMin) && Double.isFinite(yMax)) {
      o.put("y_min", yMin);
      o.put("y_max", yMax);
    }
    if (model != null) {
      o.set("model", model.toJson());
    }
    return o;
  }

  static TargetModel fromJson(JsonNode o) {
    return new TargetModel(
        o.has("model") ? Regressor.fromJson(o.get("model")) : null,
        o.get("q_low").asDouble(),
        o.get("q_high").asDouble(),
        o.get("cv_error_pct").asDouble(),
        o.has("y_min") ? o.get("y_min").asDouble() : Double.NEGATIVE_INFINITY,
        o.has("y_max") ? o.get("y_max").asDouble() : Double.POSITIVE_INFINITY);
  }
}
