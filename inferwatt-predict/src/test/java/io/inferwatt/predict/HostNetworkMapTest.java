package io.inferwatt.predict;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.store.StoredModel;
import io.inferwatt.store.TrainingData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime on the host's CPU (board {@code local}): its profiler costs something per layer, so
 * a network's plain latency is a fraction of its profiled layers' sum less a per-layer cost. The
 * network model is then the linear map of the sum, chosen over the additive gap by holding out
 * whole families, and it follows a network larger than every training network.
 */
class HostNetworkMapTest {

  private static final double B = 0.8;
  private static final double PER_LAYER_MS = 0.004;

  /** A convolution's profiled time: 20 GMAC/s plus 10 µs. */
  private static double layerMs(LayerSpec l) {
    return l.macs() / 20e9 * 1000 + 0.01;
  }

  private static LayerSpec conv(String name, int c, int hw) {
    long macs = 9L * c * c * hw * hw;
    return new LayerSpec(
        name, "Conv", List.of(c, hw, hw), List.of(c, hw, hw), 3, 1, 1, macs, 9L * c * c);
  }

  private static List<LayerSpec> net(int depth, int width, int hw) {
    List<LayerSpec> ls = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      ls.add(conv("c" + i, width * (1 + i % 3), hw >> (i % 2)));
    }
    return ls;
  }

  private static double plainMs(List<LayerSpec> ls) {
    return B * ls.stream().mapToDouble(HostNetworkMapTest::layerMs).sum()
        - PER_LAYER_MS * ls.size()
        + 0.05;
  }

  /** Five families, each at three widths and three resolutions. */
  private static TrainingData data() {
    List<TrainingData.Layer> layers = new ArrayList<>();
    List<TrainingData.Network> nets = new ArrayList<>();
    long run = 0;
    Map<String, String> s = Map.of("batch", "1");
    int f = 0;
    for (int depth : new int[] {8, 14, 20, 30, 40}) {
      f++;
      for (int w : new int[] {8, 16, 24}) {
        for (int hw : new int[] {14, 28, 56}) {
          run++;
          String model = "fam" + f + "-w" + w + "-r" + hw;
          List<LayerSpec> ls = net(depth, w, hw);
          for (int i = 0; i < ls.size(); i++) {
            layers.add(
                new TrainingData.Layer(
                    run,
                    "local",
                    "s",
                    model,
                    s,
                    i,
                    ls.get(i),
                    layerMs(ls.get(i)),
                    Map.of(),
                    Double.NaN));
          }
          nets.add(
              new TrainingData.Network(
                  run, "local", "s", model, s, plainMs(ls), null, Map.of(), Map.of(), Double.NaN));
        }
      }
    }
    return new TrainingData(layers, nets);
  }

  @Test
  void aNetworkOfAnUnseenFamilyFollowsTheMapOfItsLayersSum() {
    Fitter.Result r = Fitter.fit(data(), null, false, Set.of(LassoPoly.NAME));
    assertThat(r.models().network().get("latency").learner()).isEqualTo(SumLinear.NAME);
    assertThat(r.stored().folds())
        .filteredOn(x -> x.target().equals(Fitter.BY_FAMILY) && x.chosen())
        .extracting(StoredModel.Fold::learner)
        .containsOnly(SumLinear.NAME);
    // twice as deep as the deepest training family, its layers inside the trained sizes
    List<LayerSpec> ls = net(80, 16, 28);
    Prediction p =
        new Predictor(r.models())
            .predict(new NetworkSpec("unseen", List.of(16, 28, 28), ls), List.of(Map.of()))
            .get(0);
    double layers = p.layers().stream().mapToDouble(l -> l.latencyMs().value()).sum();
    double expected = B * layers - PER_LAYER_MS * ls.size() + 0.05;
    assertThat(p.latencyMs().value() / expected).isBetween(0.97, 1.03);
    // an additive gap bounded by the gaps measured would stay far above it
    assertThat(p.latencyMs().value()).isLessThan(0.9 * layers);
  }

  @Test
  void hostBoardLatencyModelsDoWithoutTheOtherLayersTime() {
    ModelSet m = Fitter.fit(data(), null, false, Set.of(LassoPoly.NAME)).models();
    double[] row = new double[m.space().size()];
    double[] other = row.clone();
    other[FeatureSpace.OTHERS] = Math.log(500);
    Regressor conv = m.types().get("Conv").targets().get("latency").model();
    assertThat(conv.predict(new double[][] {other})[0])
        .isEqualTo(conv.predict(new double[][] {row})[0]);
  }
}
