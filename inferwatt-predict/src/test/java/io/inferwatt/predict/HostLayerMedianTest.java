package io.inferwatt.predict;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.store.TrainingData;
import io.inferwatt.study.boards.Boards;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * On the host's CPU the layers are learnt from their median cycle ({@code duration_ms_p50}), as the
 * network from its median latency: a mean that carries cycles which waited for other work is not
 * what a quiet run of the layer takes. A virtual board's layers keep their mean (its power × its
 * mean duration is the layer's energy).
 */
class HostLayerMedianTest {

  /** Convolutions whose mean cycle is 1.5 times their median (one slow cycle in a few). */
  private static TrainingData data(String board) {
    Synthetic.Runs runs = new Synthetic.Runs(board);
    for (int n = 0; n < 12; n++) {
      List<LayerSpec> ls = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ls.add(conv(i, 8 * (1 + n % 6), 8 + 4 * n));
      }
      for (int batch : new int[] {1, 4}) {
        runs.add(
            "net" + n,
            Map.of("batch", Integer.toString(batch)),
            ls,
            l -> 1.5 * medianMs(l, batch),
            l -> medianMs(l, batch));
      }
    }
    return runs.data();
  }

  private static LayerSpec conv(int i, int c, int hw) {
    return new LayerSpec(
        "conv" + i,
        "Conv",
        List.of(c, hw, hw),
        List.of(c, hw, hw),
        3,
        1,
        1,
        9L * c * c * hw * hw,
        9L * c * c,
        "Relu",
        "");
  }

  private static double medianMs(LayerSpec l, int batch) {
    return batch * l.macs() * 1e-8 + 0.005;
  }

  /**
   * Predicted over median latency of a convolution the fit never saw (between the training ones).
   */
  private static double predictedOverMedian(String board) {
    ModelSet models = Fitter.fit(data(board), "s", false, Set.of(LassoPoly.NAME)).models();
    LayerSpec in =
        new LayerSpec(
            "input_reformat", "Reformat", List.of(40, 24, 24), List.of(40, 24, 24), 0, 0, 0, 0, 0);
    LayerSpec conv = conv(0, 40, 24);
    NetworkSpec net = new NetworkSpec("n", in.inputShape(), List.of(in, conv));
    Prediction p = new Predictor(models).predict(net, List.of(Map.of("batch", "1"))).get(0);
    return p.layers().get(1).latencyMs().value() / medianMs(conv, 1);
  }

  @Test
  void theHostsLayersAreLearntFromTheirMedianAVirtualBoardsFromTheirMean() {
    System.out.println(
        "DEBUG " + predictedOverMedian(Boards.LOCAL) + " " + predictedOverMedian(Synthetic.BOARD));
    System.out.println(
        "DEBUG " + predictedOverMedian(Boards.LOCAL) + " " + predictedOverMedian(Synthetic.BOARD));
    assertThat(predictedOverMedian(Boards.LOCAL)).isBetween(0.95, 1.05);
    assertThat(predictedOverMedian(Synthetic.BOARD)).isBetween(1.42, 1.58);
  }
}
