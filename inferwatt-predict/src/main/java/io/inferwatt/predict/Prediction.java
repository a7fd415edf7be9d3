package io.inferwatt.predict;

import java.util.List;
import java.util.Map;

/**
 * The predicted cost of a network at one setting.
 *
 * @param board the board the models were fitted on
 * @param settings every setting the prediction used (the models' defaults, then what was given)
 * @param partial whether some layer was not predicted (the totals then cover the others only)
 * @param latencyMs latency per inference (one batch), ms
 * @param powerMw mean power per rail, mW
 * @param energyMj energy per inference per rail, mJ
 * @param layers per layer, in network order
 */
public record Prediction(
    String board,
    Map<String, String> settings,
    boolean partial,
    Value latencyMs,
    Map<String, Value> powerMw,
    Map<String, Value> energyMj,
    List<Layer> layers) {

  /** A predicted value with its 95 % prediction interval. */
  public record Value(double value, double low, double high) {}

  /**
   * One layer's prediction; the values are null when {@code predicted} is false, and {@code why}
   * says why.
   */
  public record Layer(
      int index,
      String name,
      String type,
      boolean predicted,
      String why,
      Value latencyMs,
      Map<String, Value> powerMw,
      Map<String, Value> energyMj) {}
}
