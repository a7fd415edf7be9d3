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
 * On the host's CPU (ONNX Runtime) a layer's activation is an input of its models, and an addition
 * ONNX Runtime runs inside the convolution before it is predicted as 0 ms; on a virtual board
 * neither changes anything.
 */
class HostActivationTest {

  private static LayerSpec conv(int i, int c, int hw, String act) {
    long macs = 9L * c * c * hw * hw;
    return new LayerSpec(
        "conv" + i,
        "Conv",
        List.of(c, hw, hw),
        List.of(c, hw, hw),
        3,
        1,
        1,
        macs,
        9L * c * c,
        act,
        "");
  }

  private static LayerSpec add(int i, int c, int hw, String into) {
    return new LayerSpec(
        "add" + i, "Add", List.of(c, hw, hw), List.of(c, hw, hw), 0, 0, 0, 0, 0, "Relu", into);
  }

  /** Networks of convolutions (ReLU or Swish, a Swish costing twice the time) and additions. */
  private static TrainingData data(String board) {
    return data(board, "Swish", 2);
  }

  /**
   * Networks of convolutions (ReLU or {@code other}, which costs {@code factor} times the time) and
   * additions.
   */
  private static TrainingData data(String board, String other, double factor) {
    Synthetic.Runs runs = new Synthetic.Runs(board);
    for (int n = 0; n < 12; n++) {
      int c = 8 * (1 + n % 6);
      int hw = 8 + 4 * n;
      for (String act : new String[] {"Relu", other}) {
        List<LayerSpec> ls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          ls.add(conv(i, c, hw, act));
          ls.add(add(i, c, hw, ""));
        }
        for (int batch : new int[] {1, 4}) {
          runs.add(
              "net" + n + act,
              Map.of("batch", Integer.toString(batch)),
              ls,
              l ->
                  l.type().equals("Conv")
                      ? batch * l.macs() * 1e-8 * (l.activation().equals(other) ? factor : 1)
                      : batch * l.outputElements() * 1e-6 + 0.01,
              l -> Double.NaN);
        }
      }
    }
    return runs.data();
  }

  private static ModelSet fit(String board) {
    return Fitter.fit(data(board), "s", false, Set.of(LassoPoly.NAME)).models();
  }

  @Test
  void theActivationIsAnInputOnTheHostOnly() {
    // a ReLU runs inside its convolution's kernel (as none), a Swish as a kernel of its own
    assertThat(fit(Boards.LOCAL).space().activations()).containsExactly("", "Swish");
    assertThat(fit(Boards.LOCAL).space().names()).contains("activation=", "activation=Swish");
    assertThat(fit(Synthetic.BOARD).space().activations()).isEmpty();
    assertThat(fit(Synthetic.BOARD).space().names()).noneMatch(n -> n.startsWith("activation="));
  }

  @Test
  void aSwishConvolutionIsPredictedSlowerThanTheSameWithRelu() {
    Predictor p = new Predictor(fit(Boards.LOCAL));
    LayerSpec in =
        new LayerSpec(
            "input_reformat", "Reformat", List.of(24, 20, 20), List.of(24, 20, 20), 0, 0, 0, 0, 0);
    double relu = secondLayerLatencyMs(p, in, conv(0, 24, 20, "Relu"));
    double swish = secondLayerLatencyMs(p, in, conv(0, 24, 20, "Swish"));
    assertThat(swish / relu).isBetween(1.6, 2.5);
  }

  private static double secondLayerLatencyMs(Predictor p, LayerSpec first, LayerSpec second) {
    NetworkSpec net = new NetworkSpec("n", first.inputShape(), List.of(first, second));
    return p.predict(net, List.of(Map.of())).get(0).layers().get(1).latencyMs().value();
  }

  @Test
  void aClipIsAnInputOfItsOwnAndAReluCountsAsNone() {
    // ONNX Runtime applies a clip inside the convolution, but as a second pass over its output
    ModelSet m =
        Fitter.fit(data(Boards.LOCAL, "Clip", 1.3), "s", false, Set.of(LassoPoly.NAME)).models();
    assertThat(m.space().activations()).containsExactly("", "Clip");
    Predictor p = new Predictor(m);
    LayerSpec in =
        new LayerSpec(
            "input_reformat", "Reformat", List.of(24, 20, 20), List.of(24, 20, 20), 0, 0, 0, 0, 0);
    double relu = secondLayerLatencyMs(p, in, conv(0, 24, 20, "Relu"));
    double none = secondLayerLatencyMs(p, in, conv(0, 24, 20, ""));
    double clip = secondLayerLatencyMs(p, in, conv(0, 24, 20, "Clip"));
    assertThat(none).isEqualTo(relu);
    assertThat(clip / relu).isBetween(1.15, 1.45);
  }

  @Test
  void anAdditionRunInsideItsConvolutionIsZeroOnTheHostOnly() {
    assumeThat(OrtFusion.hostBlockSize()).as("ONNX Runtime's NCHWc layout (x86-64)").isPositive();
    NetworkSpec net =
        new NetworkSpec(
            "n",
            List.of(16, 20, 20),
            List.of(
                conv(0, 16, 20, ""),
                add(1, 16, 20, "conv0"),
                conv(2, 16, 20, "Relu"),
                add(3, 16, 20, "")));
    Prediction host = new Predictor(fit(Boards.LOCAL)).predict(net, List.of(Map.of())).get(0);
    Prediction.Layer fused = host.layers().get(1);
    assertThat(fused.predicted()).isTrue();
    assertThat(fused.latencyMs().value()).isZero();
    assertThat(fused.why()).contains("inside the kernel of layer conv0");
    assertThat(host.layers().get(3).latencyMs().value()).isPositive();
    assertThat(host.layers().get(3).why()).isNull();

    Prediction sim = new Predictor(fit(Synthetic.BOARD)).predict(net, List.of(Map.of())).get(0);
    assertThat(sim.layers().get(1).latencyMs().value()).isPositive();
    assertThat(sim.layers().get(1).why()).isNull();
  }
}
