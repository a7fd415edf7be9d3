package io.inferwatt.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.store.TrainingData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A mode the layers were never profiled in (asynchronous runs have no per-layer profile on the
 * virtual Nano) is predicted from the network-level mode models: the profiled mode's prediction,
 * scaled by the latency and energy ratios of the networks measured both ways.
 */
class UnprofiledModeTest {

  private static final double LATENCY_RATIO = 0.8;
  private static final double ENERGY_RATIO = 0.9;

  /** {@link Synthetic#data}, its async runs without layers, 20 % faster and 10 % cheaper. */
  private static TrainingData asyncWithoutLayers(int networks) {
    TrainingData d = Synthetic.data(networks);
    List<TrainingData.Layer> layers = new ArrayList<>();
    d.layers()
        .forEach(
            l -> {
              if (l.settings().get("mode").equals("sync")) {
                layers.add(l);
              }
            });
    Map<String, TrainingData.Network> sync = new java.util.HashMap<>();
    d.networks()
        .forEach(
            n -> {
              if (n.settings().get("mode").equals("sync")) {
                sync.put(
                    n.model() + n.settings().get("gpu.freq_hz") + n.settings().get("batch"), n);
              }
            });
    List<TrainingData.Network> nets = new ArrayList<>();
    for (TrainingData.Network n : d.networks()) {
      if (n.settings().get("mode").equals("sync")) {
        if (n.model().equals("net0")) {
          // a network without power samples on one rail: its pairs leave that rail's ratio only
          Map<String, Double> e = new java.util.LinkedHashMap<>(n.energyMj());
          Map<String, Double> p = new java.util.LinkedHashMap<>(n.powerMw());
          e.remove("gpu");
          p.remove("gpu");
          nets.add(
              new TrainingData.Network(
                  n.runId(),
                  n.board(),
                  n.study(),
                  n.model(),
                  n.settings(),
                  n.latencyMs(),
                  "in",
                  p,
                  e,
                  Double.NaN));
        } else {
          nets.add(n);
        }
        continue;
      }
      TrainingData.Network s =
          sync.get(n.model() + n.settings().get("gpu.freq_hz") + n.settings().get("batch"));
      Map<String, Double> e = new java.util.LinkedHashMap<>();
      Map<String, Double> p = new java.util.LinkedHashMap<>();
      double lat = s.latencyMs() * LATENCY_RATIO;
      s.energyMj()
          .forEach(
              (r, v) -> {
                e.put(r, v * ENERGY_RATIO);
                p.put(r, v * ENERGY_RATIO / lat * 1000);
              });
      nets.add(
          new TrainingData.Network(
              n.runId(),
              n.board(),
              n.study(),
              n.model(),
              n.settings(),
              lat,
              "in",
              p,
              e,
              Double.NaN));
    }
    return new TrainingData(layers, nets);
  }

  @Test
  void anUnprofiledModeIsTheProfiledOneScaledByTheNetworksMeasuredBothWays() {
    ModelSet m = Fitter.fit(asyncWithoutLayers(5), null, false, Set.of(LassoPoly.NAME)).models();
    assertThat(m.network())
        .containsKey(Fitter.modeKey("async", "latency"))
        .containsKey(Fitter.modeKey("async", "energy:in"))
        .containsKey(Fitter.modeKey("async", "energy:gpu"));
    Predictor p = new Predictor(m);
    NetworkSpec net = Synthetic.network(2);
    List<Prediction> ps =
        p.predict(
            net,
            List.of(
                Map.of("gpu.freq_hz", "500000000", "mode", "sync"),
                Map.of("gpu.freq_hz", "500000000", "mode", "async")));
    Prediction sync = ps.get(0);
    Prediction async = ps.get(1);
    assertThat(async.settings()).containsEntry("mode", "async");
    assertThat(async.latencyMs().value() / sync.latencyMs().value())
        .isCloseTo(LATENCY_RATIO, org.assertj.core.data.Offset.offset(0.01));
    assertThat(async.energyMj().get("in").value() / sync.energyMj().get("in").value())
        .isCloseTo(ENERGY_RATIO, org.assertj.core.data.Offset.offset(0.01));
    assertThat(async.layers().get(0).latencyMs().value() / sync.layers().get(0).latencyMs().value())
        .isCloseTo(LATENCY_RATIO, org.assertj.core.data.Offset.offset(0.01));
    // a mode neither profiled nor measured both ways is still refused
    assertThatThrownBy(() -> p.predict(net, List.of(Map.of("mode", "turbo"))))
        .isInstanceOf(BadInputException.class);
  }

  @Test
  void withoutNetworksMeasuredBothWaysTheModeIsRefused() {
    TrainingData d = asyncWithoutLayers(5);
    List<TrainingData.Network> syncOnly =
        d.networks().stream().filter(n -> n.settings().get("mode").equals("sync")).toList();
    ModelSet m =
        Fitter.fit(new TrainingData(d.layers(), syncOnly), null, false, Set.of(LassoPoly.NAME))
            .models();
    assertThatThrownBy(
            () -> new Predictor(m).predict(Synthetic.network(2), List.of(Map.of("mode", "async"))))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("never measured");
  }
}
