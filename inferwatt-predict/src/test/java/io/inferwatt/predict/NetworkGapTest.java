package io.inferwatt.predict;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.store.TrainingData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The network-level model is additive: a network costs the sum of its layers plus a gap (the tail
 * after the last layer) modelled in ms and mJ. A ratio model (network / Σ layers) learnt on single
 * layers, whose fixed tail is several times their own time, would multiply a large unseen network's
 * sum by that ratio; the gap cannot.
 */
class NetworkGapTest {

  private static final String BOARD = "sim:test";
  private static final double GAP_MS = 0.3;
  private static final double GAP_MW = 2000;
  private static final double LAYER_MW = 3000;

  /** A convolution's true latency: MACs at 1 MAC per GPU cycle, plus a 5 µs launch. */
  private static double latencyMs(LayerSpec l, double gpuHz) {
    return l.macs() / gpuHz * 1000 + 0.005;
  }

  private static LayerSpec conv(String name, int c, int hw) {
    long macs = 9L * c * c * hw * hw;
    return new LayerSpec(
        name, "Conv", List.of(c, hw, hw), List.of(c, hw, hw), 3, 1, 1, macs, 9L * c * c);
  }

  /**
   * Networks of one small layer each (the single-layer samples of a training plan): their layers
   * take 0.01–0.1 ms, the tail 0.3 ms, so the network is 4–30 times its layers' sum.
   */
  private static TrainingData singleLayers() {
    List<TrainingData.Layer> layers = new ArrayList<>();
    List<TrainingData.Network> nets = new ArrayList<>();
    long run = 0;
    int n = 0;
    for (int c : new int[] {8, 12, 16, 24, 32}) {
      for (int hw : new int[] {7, 14, 28}) {
        n++;
        LayerSpec l = conv("c", c, hw);
        for (long gpu : new long[] {200_000_000L, 500_000_000L, 900_000_000L}) {
          run++;
          Map<String, String> s = new LinkedHashMap<>();
          s.put("gpu.freq_hz", Long.toString(gpu));
          double lat = latencyMs(l, gpu);
          layers.add(
              new TrainingData.Layer(
                  run, BOARD, "s", "single" + n, s, 0, l, lat, Map.of("in", LAYER_MW), Double.NaN));
          double netLat = lat + GAP_MS;
          double energy = (LAYER_MW * lat + GAP_MW * GAP_MS) / 1000;
          nets.add(
              new TrainingData.Network(
                  run,
                  BOARD,
                  "s",
                  "single" + n,
                  s,
                  netLat,
                  "in",
                  Map.of("in", energy / netLat * 1000),
                  Map.of("in", energy),
                  Double.NaN));
        }
      }
    }
    return new TrainingData(layers, nets);
  }

  @Test
  void anUnseenLargeNetworkAddsTheGapInsteadOfMultiplyingItsLayers() {
    ModelSet m = Fitter.fit(singleLayers(), null, false, Set.of(LassoPoly.NAME)).models();
    // 30 layers, each inside the trained sizes: the network is ≈100 times a single layer
    List<LayerSpec> ls = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ls.add(conv("c" + i, 16 + 8 * (i % 3), 14 + 14 * (i % 2)));
    }
    NetworkSpec net = new NetworkSpec("unseen-family", List.of(16, 28, 28), ls);
    Prediction p =
        new Predictor(m).predict(net, List.of(Map.of("gpu.freq_hz", "500000000"))).get(0);
    double sum = 0;
    for (LayerSpec l : ls) {
      sum += latencyMs(l, 5e8);
    }
    double truthMs = sum + GAP_MS;
    double truthMj = (LAYER_MW * sum + GAP_MW * GAP_MS) / 1000;
    assertThat(p.partial()).isFalse();
    // a ratio model would give ≈(sum × 4…30): several hundred % too much
    assertThat(Math.abs(p.latencyMs().value() / truthMs - 1)).isLessThan(0.10);
    assertThat(Math.abs(p.energyMj().get("in").value() / truthMj - 1)).isLessThan(0.10);
    assertThat(p.latencyMs().low()).isLessThanOrEqualTo(p.latencyMs().value());
    assertThat(p.latencyMs().high()).isGreaterThanOrEqualTo(p.latencyMs().value());
  }

  @Test
  void theGapStaysWithinTheGapsMeasuredForAFarLargerNetwork() {
    ModelSet m = Fitter.fit(singleLayers(), null, false, Set.of(LassoPoly.NAME)).models();
    TargetModel gap = m.network().get("latency");
    assertThat(gap.yMin()).isGreaterThan(GAP_MS - 0.01);
    assertThat(gap.yMax()).isLessThan(GAP_MS + 0.01);
    // a network of 2 000 large layers, far outside every training row
    List<LayerSpec> ls = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      ls.add(conv("c" + i, 32, 28));
    }
    Prediction p =
        new Predictor(m)
            .predict(
                new NetworkSpec("huge", List.of(32, 28, 28), ls),
                List.of(Map.of("gpu.freq_hz", "900000000")))
            .get(0);
    double layers = p.layers().stream().mapToDouble(l -> l.latencyMs().value()).sum();
    assertThat(p.latencyMs().value() - layers).isBetween(GAP_MS - 0.01, GAP_MS + 0.01);
  }
}
