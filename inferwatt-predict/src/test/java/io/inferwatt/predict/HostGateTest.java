package io.inferwatt.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.core.model.LayerSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The work model's host terms: the reciprocal of the host's clock paces the host's launches, which
 * a layer waits for only where the rest of the network does not hide them. Its terms are therefore
 * gated by logistic steps in the host's work per inference over the other layers' time ({@code
 * log_network_host_per_others_ms}): closed for a layer inside a long network, open for a layer
 * alone. What this gains on networks never measured is measured by
 * scripts/bench-predict-families.sh (docs/prediction.md).
 */
class HostGateTest {

  private static final LayerSpec CONV =
      new LayerSpec("c", "Conv", List.of(16, 14, 14), List.of(16, 14, 14), 3, 1, 1, 451_584, 2304);

  private static final FeatureSpace SPACE =
      FeatureSpace.of(
          List.of(
              Map.of("cpu.freq_khz", "1479000", "gpu.freq_hz", "600000000", "batch", "1"),
              Map.of("cpu.freq_khz", "307200", "gpu.freq_hz", "900000000", "batch", "2")));

  private static final int CPU = SPACE.indexOf("cpu.freq_khz");

  private static final int GPU = SPACE.indexOf("gpu.freq_hz");

  /** A row of {@link #CONV} in a network of {@code layers} layers whose others take {@code ms}. */
  private static double[] row(int layers, double othersMs, String khz) {
    return SPACE.row(
        CONV,
        new FeatureSpace.Context(layers, 1, 1, Double.NaN, othersMs),
        Map.of("cpu.freq_khz", khz, "gpu.freq_hz", "600000000", "batch", "1"));
  }

  @Test
  void theHostClockPacesTheLaunchTermsOfATimeApartFromTheOtherClocks() {
    WorkLasso.Basis time = WorkLasso.Basis.of(SPACE);
    assertThat(time.host()).isEqualTo(CPU);
    assertThat(time.clocks()).containsExactly(GPU);
    assertThat(time.gates()).isEmpty();
    // a power takes every clock's f, f², f³ (the CPU rail's dynamic power): no host terms
    WorkLasso.Basis power = WorkLasso.Basis.forPower(SPACE);
    assertThat(power.host()).isEqualTo(-1);
    assertThat(power.clocks()).containsExactly(CPU, GPU);
  }

  @Test
  void aLaunchTermIsClosedInsideALongNetworkAndOpenForALayerAlone() {
    // training rows: single layers (others: an input reformat) and networks up to 200 layers
    double[][] x = {
      row(1, 0.02, "307200"),
      row(2, 0.05, "1479000"),
      row(8, 0.5, "307200"),
      row(30, 4, "1479000"),
      row(100, 15, "307200"),
      row(200, 40, "1479000")
    };
    WorkLasso.Basis b = WorkLasso.Basis.of(SPACE).gated(x);
    assertThat(b.gates()).hasSize(WorkLasso.Basis.GATES);
    double lo = x[5][FeatureSpace.HOST_PER_OTHERS];
    double hi = x[0][FeatureSpace.HOST_PER_OTHERS];
    assertThat(b.gates()[0]).isGreaterThan(lo);
    assertThat(b.gates()[WorkLasso.Basis.GATES - 1]).isLessThan(hi);
    assertThat(b.size()).isEqualTo(3 * (1 + 1 + WorkLasso.Basis.GATES));

    // the launch term of size 1 (batch 1): 1e9 / f_khz when open
    double open = 1e9 / 307200;
    double[] alone = b.terms(row(1, 0.001, "307200"));
    double[] inside = b.terms(row(250, 400, "1479000"));
    int first = 2; // {1, 1/f_gpu, the gated host terms} for the size 1
    for (int k = 0; k < WorkLasso.Basis.GATES; k++) {
      assertThat(alone[first + k]).isCloseTo(open, within(0.02 * open));
      assertThat(inside[first + k]).isLessThan(0.02 * 1e9 / 1479000);
    }
    // the other terms do not depend on the host
    assertThat(alone[0]).isEqualTo(inside[0]);
    assertThat(alone[1]).isEqualTo(inside[1]);
  }

  @Test
  void rowsWithoutARangeOfTheRatioKeepOneHostTermAlwaysOpen() {
    // a type fitted without network context: the ratio is 0 in every row
    double[][] x = {row(1, 0.02, "307200"), row(1, 0.02, "1479000")};
    for (double[] r : x) {
      java.util.Arrays.fill(r, FeatureSpace.CONTEXT_FROM, FeatureSpace.CONTEXT_TO, 0);
    }
    WorkLasso.Basis b = WorkLasso.Basis.of(SPACE).gated(x);
    assertThat(b.gates()).isEmpty();
    assertThat(b.size()).isEqualTo(3 * 3);
    assertThat(b.terms(x[0])[2]).isCloseTo(1e9 / 307200, within(1e-6));
  }

  @Test
  void theGatesSurviveTheJsonFormAndAModelOfAnEarlierFitStillReads() {
    double[][] x = new double[40][];
    double[] y = new double[40];
    List<String> groups = new java.util.ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      int layers = 1 + (i % 8) * 20;
      String khz = i % 2 == 0 ? "307200" : "1479000";
      x[i] = row(layers, layers * 0.3, khz);
      // a launch of 50 µs at 1479 MHz, waited for by the small networks only
      double launch = 0.05 * 1479000 / Double.parseDouble(khz);
      y[i] = Math.log(0.3 + (layers < 30 ? launch : 0));
      groups.add("n" + (i % 8));
    }
    Fitter.Folds folds = Fitter.Folds.of(groups);
    WorkLasso m =
        WorkLasso.fit(
                WorkLasso.Basis.of(SPACE), x, new LassoPoly.Designs(x, folds.fold(), folds.k()), y)
            .model();
    ObjectNode json = m.toJson();
    assertThat(json.get("host").asInt()).isEqualTo(CPU);
    assertThat(json.get("gates").size()).isEqualTo(WorkLasso.Basis.GATES);
    assertThat(Regressor.fromJson(json).predict(x)).containsExactly(m.predict(x));

    // an earlier fit's model: no host terms, the host's clock among its clocks, always open
    ObjectNode earlier = json.deepCopy();
    earlier.remove("host");
    earlier.remove("gates");
    earlier.putArray("clocks").add(CPU).add(GPU);
    earlier.putArray("weights").add(0.3).add(7e-5).add(0).add(0).add(0).add(0).add(0).add(0).add(0);
    earlier.put("r_min", 0.0);
    earlier.put("r_max", 0.0);
    double[] p = Regressor.fromJson(earlier).predict(new double[][] {row(1, 0.02, "307200")});
    assertThat(Math.exp(p[0])).isCloseTo(0.3 + 7e-5 * 1e9 / 307200, within(1e-9));
  }
}
