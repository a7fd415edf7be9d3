package io.inferwatt.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The network latency as a bounded linear map of its layers' sum and count. */
class SumLinearTest {

  private static double[] ones(int n) {
    double[] w = new double[n];
    java.util.Arrays.fill(w, 1);
    return w;
  }

  @Test
  void recoversAnExactLinearMapAndGivesTheGapOfANetworkRow() {
    double[] sum = {1, 2, 5, 10, 20, 40, 3, 7};
    double[] layers = {10, 30, 50, 80, 150, 60, 200, 20};
    double[] total = new double[sum.length];
    for (int i = 0; i < sum.length; i++) {
      total[i] = 0.05 + 0.8 * sum[i] - 0.002 * layers[i];
    }
    SumLinear m = SumLinear.fit(sum, layers, total, ones(sum.length));
    assertThat(m.total(100, 300)).isCloseTo(0.05 + 80 - 0.6, within(1e-6));
    double[] row = new double[FeatureSpace.LAYER.size()];
    row[FeatureSpace.CONTEXT_FROM] = Math.log(300);
    double[] x = SumLinear.withSum(row, 100);
    // as a gap: what the network adds to its layers' sum
    assertThat(m.predict(new double[][] {x})[0]).isCloseTo(0.05 + 80 - 0.6 - 100, within(1e-6));
  }

  @Test
  void theFactorOnTheSumStaysWithinItsBounds() {
    double[] sum = {1, 2, 4, 8};
    double[] layers = {5, 9, 3, 12};
    double[] total = {10, 20, 40, 80};
    SumLinear m = SumLinear.fit(sum, layers, total, ones(4));
    assertThat(m.hyperParameters()).contains("b=" + (int) SumLinear.B_MAX);
    assertThat(m.total(1000, 0)).isLessThan(SumLinear.B_MAX * 1000 + 50);
  }

  @Test
  void readsBackWhatItWrites() throws Exception {
    SumLinear m = new SumLinear(0.1, 0.9, -0.003);
    JsonNode o = new ObjectMapper().readTree(m.toJson().toString());
    Regressor r = Regressor.fromJson(o);
    double[] row = SumLinear.withSum(new double[FeatureSpace.LAYER.size()], 12);
    row[FeatureSpace.CONTEXT_FROM] = Math.log(40);
    assertThat(r.learner()).isEqualTo(SumLinear.NAME);
    assertThat(r.predict(new double[][] {row})[0])
        .isCloseTo(m.predict(new double[][] {row})[0], within(1e-12));
  }
}
