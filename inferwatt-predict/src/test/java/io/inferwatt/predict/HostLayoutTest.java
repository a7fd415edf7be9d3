package io.inferwatt.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.engines.ort.OrtFusion;
import io.inferwatt.store.TrainingData;
import io.inferwatt.study.boards.Boards;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * On the host's CPU whether ONNX Runtime runs a convolution in its NCHWc blocks is an input of the
 * models: a depthwise convolution whose channels fill no block runs in the plain layout, several
 * times slower per output element, and its shapes barely differ from one that fills them.
 */
class HostLayoutTest {

  /** How much slower a depthwise convolution runs in the plain layout, in these data. */
  private static final double PLAIN = 6;

  private static LayerSpec dw(int i, int c, int hw) {
    return new LayerSpec(
        "dw" + i,
        "DepthwiseConv",
        List.of(c, hw, hw),
        List.of(c, hw, hw),
        3,
        1,
        c,
        9L * c * hw * hw,
        9L * c,
        "",
        "");
  }

  /**
   * Networks of depthwise convolutions, half of them with channels that fill ONNX Runtime's blocks
   * (multiples of 16) and half with one channel less.
   */
  private static TrainingData data(String board) {
    Synthetic.Runs runs = new Synthetic.Runs(board);
    for (int n = 0; n < 12; n++) {
      for (int less : new int[] {0, 1}) {
        int c = 16 * (1 + n % 6) - less;
        List<LayerSpec> ls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          ls.add(dw(i, c, 8 + 4 * n));
        }
        for (int batch : new int[] {1, 4}) {
          runs.add(
              "net" + n + "c" + c,
              Map.of("batch", Integer.toString(batch)),
              ls,
              l -> batch * l.outputElements() * 1e-6 * (less == 0 ? 1 : PLAIN),
              l -> Double.NaN);
        }
      }
    }
    return runs.data();
  }

  private static ModelSet fit(String board) {
    return Fitter.fit(data(board), "s", false, Set.of(LassoPoly.NAME)).models();
  }

  private static double latencyMs(Predictor p, LayerSpec l) {
    NetworkSpec net = new NetworkSpec("n", l.inputShape(), List.of(l));
    return p.predict(net, List.of(Map.of())).get(0).layers().get(0).latencyMs().value();
  }

  @Test
  void aConvolutionInThePlainLayoutIsPredictedSlowerOnTheHostOnly() {
    assumeThat(OrtFusion.hostBlockSize()).as("ONNX Runtime's NCHWc layout (x86-64)").isPositive();
    ModelSet host = fit(Boards.LOCAL);
    assertThat(host.space().names()).contains("nchwc");
    assertThat(host.space().nchwcBlock()).isEqualTo(OrtFusion.hostBlockSize());
    Predictor p = new Predictor(host);
    double blocks = latencyMs(p, dw(0, 64, 24));
    double plain = latencyMs(p, dw(0, 63, 24));
    assertThat(plain / blocks).isBetween(0.7 * PLAIN, 1.3 * PLAIN);

    ModelSet sim = fit(Synthetic.BOARD);
    assertThat(sim.space().names()).doesNotContain("nchwc");
    assertThat(sim.space().nchwcBlock()).isZero();
  }

  @Test
  void theBlockTravelsWithTheModels() {
    assumeThat(OrtFusion.hostBlockSize()).as("ONNX Runtime's NCHWc layout (x86-64)").isPositive();
    FeatureSpace space = fit(Boards.LOCAL).space();
    assertThat(FeatureSpace.fromJson(space.toJson())).isEqualTo(space);
    assertThat(FeatureSpace.fromJson(space.withNchwc(0).toJson()).nchwcBlock()).isZero();
  }
}
