package io.inferwatt.engines.sim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a virtual board really did in its last recording, as it generated it: nominal durations and
 * true power, before timing jitter and before any sensor saw it. Every value is simulated. Maps are
 * keyed by rail name in the board's rail order.
 *
 * @param board the virtual board's name
 * @param rails the rails, in the board's order
 * @param latencyNs nominal latency of one inference (layers plus the tail after the last one), ns
 * @param inferenceEnergyMj true energy of one inference (layers plus tail) per rail, mJ
 * @param layers every layer in execution order
 */
public record Truth(
    String board,
    List<String> rails,
    long latencyNs,
    Map<String, Double> inferenceEnergyMj,
    List<Layer> layers) {

  public Truth {
    rails = List.copyOf(rails);
    inferenceEnergyMj = Collections.unmodifiableMap(new LinkedHashMap<>(inferenceEnergyMj));
    layers = List.copyOf(layers);
  }

  /** The total of {@code rail} over all layers, mJ (the inference without its tail). */
  public double layersEnergyMj(String rail) {
    return layers.stream().mapToDouble(l -> l.energyMj().get(rail)).sum();
  }

  /**
   * One layer's truth.
   *
   * @param index position in the network
   * @param name the layer's name
   * @param durationNs nominal duration for the whole batch, ns
   * @param powerMw its constant power per rail, mW
   */
  public record Layer(int index, String name, long durationNs, Map<String, Double> powerMw) {
    public Layer {
      powerMw = Collections.unmodifiableMap(new LinkedHashMap<>(powerMw));
    }

    /** Power × duration per rail, mJ. */
    public Map<String, Double> energyMj() {
      Map<String, Double> e = new LinkedHashMap<>();
      powerMw.forEach((r, p) -> e.put(r, p * durationNs / 1e9));
      return e;
    }
  }

  /** A virtual board that tells the truth of its last recording. */
  public interface Source {
    /** The truth behind the last recording; empty before the first one. */
    java.util.Optional<Truth> lastTruth();
  }

  /** The truth of a Nano recording from its generated {@link GroundTruth}. */
  static Truth of(String board, List<String> rails, GroundTruth g) {
    List<Layer> layers =
        g.layers().stream()
            .map(l -> new Layer(l.index(), l.name(), l.durationNs(), byRail(rails, l.power())))
            .toList();
    Map<String, Double> e = new LinkedHashMap<>();
    for (int r = 0; r < rails.size(); r++) {
      double mwNs = g.tailPower().rail(r) * g.tailNs();
      for (GroundTruth.LayerTruth l : g.layers()) {
        mwNs += l.power().rail(r) * l.durationNs();
      }
      e.put(rails.get(r), mwNs / 1e9);
    }
    return new Truth(board, rails, g.latencyNs(), e, layers);
  }

  private static Map<String, Double> byRail(List<String> rails, RailPowerMw p) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int r = 0; r < rails.size(); r++) {
      m.put(rails.get(r), p.rail(r));
    }
    return m;
  }
}
