package io.inferwatt.predict;

import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.store.TrainingData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A training set with known functions: convolutions take MACs / GPU frequency, additions elements /
 * GPU frequency; the input rail draws a base plus a part ∝ GPU frequency, the GPU rail a part ∝
 * frequency; a network takes 2 % longer and 1 % more energy than its layers.
 */
final class Synthetic {

  private Synthetic() {}

  static final String BOARD = "sim:test";

  static NetworkSpec network(int n) {
    List<LayerSpec> layers = new ArrayList<>();
    int c = 8 + 4 * n;
    int hw = 56 - 4 * n;
    for (int i = 0; i < 6; i++) {
      int k = 1 + 2 * (i % 2);
      int out = c * (1 + i % 3);
      long macs = (long) k * k * c * out * hw * hw;
      layers.add(
          new LayerSpec(
              "conv" + i,
              "Conv",
              List.of(c, hw, hw),
              List.of(out, hw, hw),
              k,
              1,
              1,
              macs,
              (long) k * k * c * out));
      layers.add(
          new LayerSpec(
              "add" + i, "Add", List.of(out, hw, hw), List.of(out, hw, hw), 0, 0, 0, 0, 0));
      c = out;
    }
    return new NetworkSpec("net" + n, List.of(8, 56, 56), layers);
  }

  static double latencyMs(LayerSpec l, double gpuHz, int batch) {
    double work = l.type().equals("Conv") ? l.macs() : 50.0 * l.outputElements();
    return batch * work / (gpuHz * 0.5) * 1000 + 0.01;
  }

  static Map<String, Double> powerMw(LayerSpec l, double gpuHz) {
    Map<String, Double> p = new LinkedHashMap<>();
    double dyn = (l.type().equals("Conv") ? 1.0 : 0.6) * gpuHz / 1e6;
    p.put("in", 1500 + 1.2 * dyn);
    p.put("gpu", 100 + dyn);
    return p;
  }

  /** Networks 0 … {@code networks}-1 at three GPU frequencies, two batches and two modes. */
  static TrainingData data(int networks) {
    List<TrainingData.Layer> layers = new ArrayList<>();
    List<TrainingData.Network> nets = new ArrayList<>();
    long run = 0;
    for (int n = 0; n < networks; n++) {
      NetworkSpec net = network(n);
      for (long gpu : new long[] {200_000_000L, 500_000_000L, 900_000_000L}) {
        for (int batch : new int[] {1, 4}) {
          for (String mode : new String[] {"sync", "async"}) {
            run++;
            Map<String, String> s = new LinkedHashMap<>();
            s.put("gpu.freq_hz", Long.toString(gpu));
            s.put("batch", Integer.toString(batch));
            s.put("mode", mode);
            double sumLat = 0;
            Map<String, Double> sumE = new LinkedHashMap<>();
            for (int i = 0; i < net.layers().size(); i++) {
              LayerSpec l = net.layers().get(i);
              double lat = latencyMs(l, gpu, batch);
              Map<String, Double> p = powerMw(l, gpu);
              layers.add(
                  new TrainingData.Layer(run, BOARD, "s", net.name(), s, i, l, lat, p, Double.NaN));
              sumLat += lat;
              p.forEach((r, v) -> sumE.merge(r, v * lat / 1000, Double::sum));
            }
            Map<String, Double> energy = new LinkedHashMap<>();
            Map<String, Double> power = new LinkedHashMap<>();
            double netLat = sumLat * 1.02;
            sumE.forEach(
                (r, e) -> {
                  energy.put(r, e * 1.01);
                  power.put(r, e * 1.01 / netLat * 1000);
                });
            nets.add(
                new TrainingData.Network(
                    run, BOARD, "s", net.name(), s, netLat, "in", power, energy, Double.NaN));
          }
        }
      }
    }
    return new TrainingData(layers, nets);
  }

  /**
   * A latency-only training set built run by run (study {@code s}): each run a row per layer and
   * the network's row with the sums of its layers' mean and median times.
   */
  static final class Runs {
    private final String board;
    private final List<TrainingData.Layer> layers = new ArrayList<>();
    private final List<TrainingData.Network> networks = new ArrayList<>();
    private long run;

    Runs(String board) {
      this.board = board;
    }

    /**
     * Adds a run of network {@code model} at {@code settings}: each layer of {@code ls} takes
     * {@code meanMs} per cycle, {@code p50Ms} in its median cycle (NaN: no median stored).
     */
    void add(
        String model,
        Map<String, String> settings,
        List<LayerSpec> ls,
        ToDoubleFunction<LayerSpec> meanMs,
        ToDoubleFunction<LayerSpec> p50Ms) {
      run++;
      double mean = 0;
      double p50 = 0;
      for (int i = 0; i < ls.size(); i++) {
        LayerSpec l = ls.get(i);
        double m = meanMs.applyAsDouble(l);
        double p = p50Ms.applyAsDouble(l);
        layers.add(new TrainingData.Layer(run, board, "s", model, settings, i, l, m, Map.of(), p));
        mean += m;
        p50 += p;
      }
      networks.add(
          new TrainingData.Network(
              run, board, "s", model, settings, mean, "", Map.of(), Map.of(), p50));
    }

    TrainingData data() {
      return new TrainingData(layers, networks);
    }
  }
}
