package io.inferwatt.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferwatt.core.model.LayerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WorkLassoTest {

  @Test
  void nonNegativeLeastSquaresRecoversPositiveWeightsAndZeroesTheRest() {
    Random r = new Random(1);
    int n = 200;
    double[][] phi = new double[n][3];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      phi[i][0] = 1;
      phi[i][1] = Math.exp(r.nextDouble() * 8);
      phi[i][2] = Math.exp(r.nextDouble() * 8);
      y[i] = Math.log(0.5 + 2e-3 * phi[i][1]); // the third term has no weight
    }
    double[] w = WorkLasso.nnls(phi, y);
    assertThat(w[0]).isCloseTo(0.5, within(1e-3));
    assertThat(w[1]).isCloseTo(2e-3, within(1e-6));
    assertThat(w[2]).isCloseTo(0, within(1e-9));
  }

  /**
   * Time = MACs at one per GPU cycle + elements at a fixed memory rate + a launch of 5 µs: a sum
   * whose dominant term changes with the layer and the clock. Fitted on small layers, the work
   * model carries the sum to layers ten times larger than any it saw.
   */
  @Test
  void aSumOfWorkTermsExtrapolatesToLargerLayers() {
    FeatureSpace space = FeatureSpace.of(List.of(Map.of("gpu.freq_hz", "200000000", "batch", "1")));
    WorkLasso.Basis basis = WorkLasso.Basis.of(space);
    assertThat(basis.clocks()).hasSize(1);
    assertThat(basis.batch()).isPositive();
    List<double[]> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    Random r = new Random(2);
    for (int i = 0; i < 300; i++) {
      LayerSpec l = conv(8 + r.nextInt(56), 7 + r.nextInt(50));
      double f = 1e8 * (1 + r.nextInt(9));
      int b = 1 + r.nextInt(4);
      xs.add(row(space, l, f, b));
      ys.add(Math.log(truthMs(l, f, b)));
      groups.add("n" + (i % 10));
    }
    double[][] x = xs.toArray(new double[0][]);
    double[] y = ys.stream().mapToDouble(Double::doubleValue).toArray();
    Fitter.Folds folds = Fitter.Folds.of(groups);
    Fit<WorkLasso> fit =
        WorkLasso.fit(basis, x, new LassoPoly.Designs(x, folds.fold(), folds.k()), y);
    assertThat(Errors.meanFoldMedianPct(y, fit.outOfFold(), folds.fold(), folds.k())).isLessThan(1);
    LayerSpec big = conv(256, 112); // 20× the MACs of the largest training layer
    double pred = fit.model().predict(new double[][] {row(space, big, 6e8, 2)})[0];
    assertThat(Math.exp(pred) / truthMs(big, 6e8, 2)).isCloseTo(1, within(0.05));
  }

  @Test
  void itSurvivesItsJsonForm() {
    FeatureSpace space = FeatureSpace.of(List.of(Map.of("gpu.freq_hz", "2e8")));
    List<double[]> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      LayerSpec l = conv(8 + i, 14);
      xs.add(row(space, l, 2e8 + 1e7 * i, 1));
      ys.add(Math.log(truthMs(l, 2e8 + 1e7 * i, 1)));
      groups.add("n" + (i % 4));
    }
    double[][] x = xs.toArray(new double[0][]);
    double[] y = ys.stream().mapToDouble(Double::doubleValue).toArray();
    Fitter.Folds folds = Fitter.Folds.of(groups);
    WorkLasso m =
        WorkLasso.fit(
                WorkLasso.Basis.of(space), x, new LassoPoly.Designs(x, folds.fold(), folds.k()), y)
            .model();
    Regressor back = Regressor.fromJson(m.toJson());
    assertThat(back.learner()).isEqualTo(WorkLasso.NAME);
    assertThat(back.predict(x)).containsExactly(m.predict(x));
  }

  private static double truthMs(LayerSpec l, double gpuHz, int batch) {
    double elements = l.inputElements() + l.outputElements();
    return batch * (l.macs() / gpuHz * 1000 + elements * 2e-7) + 0.005;
  }

  static LayerSpec conv(int c, int hw) {
    return new LayerSpec(
        "c",
        "Conv",
        List.of(c, hw, hw),
        List.of(c, hw, hw),
        3,
        1,
        1,
        9L * c * c * hw * hw,
        9L * c * c);
  }

  private static double[] row(FeatureSpace space, LayerSpec l, double gpuHz, int batch) {
    return space.row(
        l,
        FeatureSpace.Context.of(List.of(l)),
        Map.of("gpu.freq_hz", Double.toString(gpuHz), "batch", Integer.toString(batch)));
  }
}
