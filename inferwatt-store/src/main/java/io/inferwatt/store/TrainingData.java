package io.inferwatt.store;

import io.inferwatt.core.model.LayerSpec;
import java.util.List;
import java.util.Map;

/**
 * What prediction models are fitted on: every measured layer with its features, the run's settings
 * and its measured latency and power per rail, and every measured network with its latency and
 * power and energy per rail.
 *
 * @param layers per-layer rows, by run and layer index
 * @param networks per-run rows, by run
 */
public record TrainingData(List<Layer> layers, List<Network> networks) {

  public TrainingData {
    layers = List.copyOf(layers);
    networks = List.copyOf(networks);
  }

  /**
   * One measured layer.
   *
   * @param runId the run
   * @param board the board's name
   * @param study the study the run belongs to ({@code _none} outside every study)
   * @param model the network's name
   * @param settings the run's settings (knobs, batch, mode, input) as stored, in order
   * @param index the layer's index in the network
   * @param layer the layer's features
   * @param latencyMs mean duration of the layer per cycle, ms
   * @param powerMw mean power per rail while the layer ran, mW (rails without a value left out)
   * @param latencyMsP50 median duration of the layer per cycle, ms (NaN: not stored)
   */
  public record Layer(
      long runId,
      String board,
      String study,
      String model,
      Map<String, String> settings,
      int index,
      LayerSpec layer,
      double latencyMs,
      Map<String, Double> powerMw,
      double latencyMsP50) {

    /** This layer with its median duration as its latency (where the median is known). */
    public Layer withMedianLatency() {
      return Double.isNaN(latencyMsP50) || latencyMsP50 <= 0
          ? this
          : new Layer(
              runId,
              board,
              study,
              model,
              settings,
              index,
              layer,
              latencyMsP50,
              powerMw,
              latencyMsP50);
    }
  }

  /**
   * One measured network run.
   *
   * @param latencyMs mean latency per inference (one batch), ms
   * @param totalRail the rail the power source marks as the board's total
   * @param powerMw mean power per rail during the power phase, mW
   * @param energyMj energy per inference per rail, mJ
   * @param latencyMsP50 median latency per inference of the same run, ms (NaN: not stored)
   */
  public record Network(
      long runId,
      String board,
      String study,
      String model,
      Map<String, String> settings,
      double latencyMs,
      String totalRail,
      Map<String, Double> powerMw,
      Map<String, Double> energyMj,
      double latencyMsP50) {

    /** This run with its median latency as its latency (where the median is known). */
    public Network withMedianLatency() {
      return Double.isNaN(latencyMsP50) || latencyMsP50 <= 0
          ? this
          : new Network(
              runId,
              board,
              study,
              model,
              settings,
              latencyMsP50,
              totalRail,
              powerMw,
              energyMj,
              latencyMsP50);
    }
  }
}
