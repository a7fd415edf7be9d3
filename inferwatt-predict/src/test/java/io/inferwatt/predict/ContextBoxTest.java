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
 * A layer type measured only in networks of one size (a batch norm alone behind its input
 * reformat), predicted inside a network of 200 layers: its models do without the network-context
 * inputs, which never varied in its rows (and are kept within their training range where they did,
 * {@link Boxed}), so it is predicted as it was measured rather than along a polynomial of a layer
 * count and network size that only correlated with its own size. Fitted with the context, the same
 * layers came out 3.9 times their latency.
 */
class ContextBoxTest {

  private static final String BOARD = "sim:test";

  private static LayerSpec norm(String name, int c, int hw) {
    return new LayerSpec(name, "Scale", List.of(c, hw, hw), List.of(c, hw, hw), 0, 0, 0, 0, 2L * c);
  }

  private static LayerSpec conv(String name, int c, int hw) {
    long macs = 9L * c * c * hw * hw;
    return new LayerSpec(
        name, "Conv", List.of(c, hw, hw), List.of(c, hw, hw), 3, 1, 1, macs, 9L * c * c);
  }

  private static double latencyMs(LayerSpec l, double gpuHz) {
    double work = l.type().equals("Conv") ? l.macs() : 20.0 * l.outputElements();
    return work / gpuHz * 1000 + 0.01;
  }

  /** Norms alone in 2-layer networks; convolutions in networks of 2 to 40 layers. */
  private static TrainingData data() {
    List<TrainingData.Layer> layers = new ArrayList<>();
    List<TrainingData.Network> nets = new ArrayList<>();
    long run = 0;
    List<List<LayerSpec>> networks = new ArrayList<>();
    for (int c : new int[] {8, 16, 32, 64, 128}) {
      for (int hw : new int[] {7, 14, 28, 56}) {
        networks.add(List.of(conv("in", 3, hw), norm("n", c, hw)));
      }
    }
    for (int n : new int[] {2, 5, 10, 20, 40}) {
      for (int c : new int[] {16, 48}) {
        List<LayerSpec> ls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          ls.add(conv("c" + i, c, 28));
        }
        networks.add(ls);
      }
    }
    int id = 0;
    for (List<LayerSpec> ls : networks) {
      id++;
      for (long gpu : new long[] {200_000_000L, 500_000_000L, 900_000_000L}) {
        run++;
        Map<String, String> s = new LinkedHashMap<>();
        s.put("gpu.freq_hz", Long.toString(gpu));
        double sum = 0;
        for (int i = 0; i < ls.size(); i++) {
          double lat = latencyMs(ls.get(i), gpu);
          sum += lat;
          layers.add(
              new TrainingData.Layer(
                  run,
                  BOARD,
                  "s",
                  "net" + id,
                  s,
                  i,
                  ls.get(i),
                  lat,
                  Map.of("in", 3000.0),
                  Double.NaN));
        }
        double e = 3000.0 * (sum + 0.3) / 1000;
        nets.add(
            new TrainingData.Network(
                run,
                BOARD,
                "s",
                "net" + id,
                s,
                sum + 0.3,
                "in",
                Map.of("in", 3000.0),
                Map.of("in", e),
                Double.NaN));
      }
    }
    return new TrainingData(layers, nets);
  }

  @Test
  void aTypeMeasuredAloneIsPredictedInsideALargeNetworkAsMeasured() {
    ModelSet m = Fitter.fit(data(), null, false, Set.of(LassoPoly.NAME)).models();
    List<LayerSpec> ls = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ls.add(conv("c" + i, 32, 28));
      ls.add(norm("n" + i, 16 + 16 * (i % 4), 14));
    }
    Prediction p =
        new Predictor(m)
            .predict(
                new NetworkSpec("large", List.of(32, 28, 28), ls),
                List.of(Map.of("gpu.freq_hz", "500000000")))
            .get(0);
    for (Prediction.Layer l : p.layers()) {
      if (l.type().equals("Scale")) {
        double truth = latencyMs(ls.get(l.index()), 5e8);
        assertThat(l.latencyMs().value() / truth).as(l.name()).isBetween(0.8, 1.25);
      }
    }
  }
}
