package io.inferwatt.predict;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.core.model.LayerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Trees under a power's clock terms ({@code work-xgboost}): a board whose power is static plus a
 * dynamic part rising with the GPU clock (f·V², the voltage rising with f), times the layer's
 * activity. Measured at four GPU clocks only, a clock between two of them is predicted along the
 * clock terms; trees alone give it the power of a clock measured.
 */
class WorkGbtTest {

  private static final FeatureSpace SPACE =
      FeatureSpace.of(
          List.of(Map.of("gpu.freq_hz", "200000000"), Map.of("gpu.freq_hz", "900000000")));

  private static double powerMw(LayerSpec l, double hz) {
    double g = hz * 1e-9;
    double activity = 0.5 + 0.5 * Math.tanh(Math.log(l.macs()) / 4 - 3);
    return 1500 + 4000 * g * g * g * activity + 800 * g * activity;
  }

  private static double[] row(LayerSpec l, double hz) {
    return SPACE.row(
        l, FeatureSpace.Context.of(List.of(l)), Map.of("gpu.freq_hz", Double.toString(hz)));
  }

  @Test
  void aClockBetweenTheStepsMeasuredIsPredictedAlongTheClockTerms() {
    Random r = new Random(4);
    List<double[]> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      LayerSpec l = WorkLassoTest.conv(8 + r.nextInt(120), 7 + r.nextInt(50));
      for (double hz : new double[] {2e8, 4e8, 6e8, 9e8}) {
        xs.add(row(l, hz));
        ys.add(Math.log(powerMw(l, hz)));
        groups.add("n" + (i % 10));
      }
    }
    double[][] x = xs.toArray(new double[0][]);
    double[] y = ys.stream().mapToDouble(Double::doubleValue).toArray();
    Fitter.Folds f = Fitter.Folds.of(groups);
    WorkGbt work = WorkGbt.fit(WorkLasso.Basis.forPower(SPACE), x, y, f.fold(), f.k()).model();
    Gbt trees = Gbt.fit(x, y, f.fold(), f.k()).model();

    double hz = 7.5e8; // never measured
    double workErr = 0;
    double treesErr = 0;
    List<LayerSpec> held = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      held.add(WorkLassoTest.conv(8 + r.nextInt(120), 7 + r.nextInt(50)));
    }
    for (LayerSpec l : held) {
      double truth = powerMw(l, hz);
      workErr += Math.abs(Math.exp(work.predict(new double[][] {row(l, hz)})[0]) / truth - 1);
      treesErr += Math.abs(Math.exp(trees.predict(new double[][] {row(l, hz)})[0]) / truth - 1);
    }
    workErr /= held.size();
    treesErr /= held.size();
    assertThat(workErr).isLessThan(0.02);
    assertThat(treesErr).isGreaterThan(2 * workErr);

    Regressor back = Regressor.fromJson(work.toJson());
    assertThat(back.learner()).isEqualTo(WorkGbt.NAME);
    assertThat(back.predict(x)).containsExactly(work.predict(x));
  }
}
