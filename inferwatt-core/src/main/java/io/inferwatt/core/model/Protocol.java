package io.inferwatt.core.model;

import io.inferwatt.core.BadInputException;

/**
 * The measurement protocol of one configuration (ARCHITECTURE.md): warm-up, latency phase (power
 * logger off), power phase, layer phase, idle phase.
 *
 * @param warmupCycles inferences discarded first
 * @param latencyCycles inferences timed with the power logger off
 * @param powerCycles inferences with the power logger on
 * @param layerCycles inferences with the layer profiler on; 0 = as many as the fastest layer needs
 *     for {@code minSamplesPerLayer} samples, at most {@code maxLayerCycles}
 * @param maxLayerCycles upper bound when {@code layerCycles} is 0
 * @param minSamplesPerLayer samples wanted on the fastest layer
 * @param idleNs length of the idle phase in ns
 */
public record Protocol(
    int warmupCycles,
    int latencyCycles,
    int powerCycles,
    int layerCycles,
    int maxLayerCycles,
    int minSamplesPerLayer,
    long idleNs) {

  public Protocol {
    if (warmupCycles < 0 || latencyCycles < 0 || powerCycles < 0 || layerCycles < 0) {
      throw new BadInputException("cycle counts must not be negative");
    }
    if (minSamplesPerLayer < 1) {
      throw new BadInputException("minimum samples per layer must be >= 1");
    }
    if (idleNs < 0) {
      throw new BadInputException("idle duration must not be negative");
    }
  }

  /** The defaults of {@code inferwatt profile}: short phases, automatic layer cycles. */
  public static Protocol defaults() {
    return new Protocol(50, 500, 500, 0, 30_000, 100, 2_000_000_000L);
  }
}
