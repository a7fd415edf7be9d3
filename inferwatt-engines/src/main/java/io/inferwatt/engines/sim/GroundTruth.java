package io.inferwatt.engines.sim;

import java.util.List;

/**
 * What the virtual board really does for one workload at its current settings, before any jitter
 * and sensor noise: each layer's nominal duration and its (piecewise constant) power, the
 * unattributed tail after the last layer, the gap to the next inference and the idle power. Power
 * values are those the sensor sees while the power logger runs, so they include {@link
 * #sensingMw()} on the input rail.
 *
 * <p>One inference on the time axis: layers back to back from the inference's start, then the tail
 * (the inference ends after it), then the gap before the next inference starts.
 *
 * @param layers every layer in execution order
 * @param tailNs time from the end of the last layer to the end of the inference, ns
 * @param tailPower power during the tail
 * @param gapNs time from the end of one inference to the start of the next, ns
 * @param gapPower power during the gap
 * @param idlePower power with no inference running (the idle phase)
 * @param sensingMw extra input-rail power drawn while the power logger runs, mW
 */
public record GroundTruth(
    List<LayerTruth> layers,
    long tailNs,
    RailPowerMw tailPower,
    long gapNs,
    RailPowerMw gapPower,
    RailPowerMw idlePower,
    double sensingMw) {

  public GroundTruth {
    layers = List.copyOf(layers);
  }

  /** Nominal latency of one inference (layers plus tail), ns. */
  public long latencyNs() {
    long sum = tailNs;
    for (LayerTruth l : layers) {
      sum += l.durationNs();
    }
    return sum;
  }

  /**
   * One layer's truth.
   *
   * @param index position in the network
   * @param name the layer's name
   * @param type the layer's type
   * @param durationNs nominal duration for the whole batch, ns
   * @param power its constant power
   */
  public record LayerTruth(
      int index, String name, String type, long durationNs, RailPowerMw power) {}
}
