package io.inferwatt.predict;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.store.StoredModel;
import io.inferwatt.store.TrainingData;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The layer models' folds hold out whole families: a fold that kept a network's siblings (its
 * family at other widths and resolutions) in training would choose learners by how well they recall
 * the family, not by how they do on a new one.
 */
class FoldGroupTest {

  @Test
  void aFamilyAtEveryWidthAndResolutionIsOneGroupAndEachSampledNetworkItsOwn() {
    assertThat(Fitter.foldGroup("resnet18-w0.5-r96")).isEqualTo("resnet18");
    assertThat(Fitter.foldGroup("resnet18")).isEqualTo("resnet18");
    assertThat(Fitter.foldGroup("sample-single-n200-s1-i54"))
        .isEqualTo("sample-single-n200-s1-i54");
    assertThat(Fitter.foldGroup("sample-extra-n100-s1-i7")).isEqualTo("sample-extra-n100-s1-i7");
    // not a member of a layer sample (index beyond the count): a family like any other
    assertThat(Fitter.foldGroup("sample-single-n2-s1-i5")).isEqualTo("sample");
  }

  @Test
  void aFoldHoldsEveryNetworkOfAFamilyOut() {
    // seven networks: three of family alpha, one each of beta and gamma, two sampled layers
    Map<String, String> names =
        Map.of(
            "net0", "alpha-w0.5",
            "net1", "alpha-w0.75-r96",
            "net2", "alpha",
            "net3", "beta-r96",
            "net4", "gamma",
            "net5", "sample-single-n20-s1-i0",
            "net6", "sample-single-n20-s1-i1");
    TrainingData d = renamed(Synthetic.data(7), names);
    Fitter.Result fit = Fitter.fit(d, "s", false, Set.of(LassoPoly.NAME));
    int rowsPerNetwork =
        (int)
            d.layers().stream()
                .filter(l -> l.model().equals("beta-r96") && l.layer().type().equals("Conv"))
                .count();
    List<Integer> heldOut =
        fit.stored().folds().stream()
            .filter(f -> f.layerType().equals("Conv") && f.target().equals("latency"))
            .map(StoredModel.Fold::rowsHeldOut)
            .sorted()
            .toList();
    // five groups, five folds: alpha's three networks in one of them (by network, seven groups
    // would have made two folds of two networks each)
    assertThat(heldOut)
        .containsExactly(
            rowsPerNetwork, rowsPerNetwork, rowsPerNetwork, rowsPerNetwork, 3 * rowsPerNetwork);
    // the network gap model's folds likewise (by network: two folds of two networks' runs)
    int runsPerNetwork =
        (int) d.networks().stream().filter(n -> n.model().equals("beta-r96")).count();
    assertThat(
            fit.stored().folds().stream()
                .filter(f -> f.layerType().equals("network") && f.target().equals("gap:latency"))
                .map(StoredModel.Fold::rowsHeldOut)
                .sorted()
                .toList())
        .containsExactly(
            runsPerNetwork, runsPerNetwork, runsPerNetwork, runsPerNetwork, 3 * runsPerNetwork);
  }

  private static TrainingData renamed(TrainingData d, Map<String, String> names) {
    return new TrainingData(
        d.layers().stream()
            .map(
                l ->
                    new TrainingData.Layer(
                        l.runId(),
                        l.board(),
                        l.study(),
                        names.get(l.model()),
                        l.settings(),
                        l.index(),
                        l.layer(),
                        l.latencyMs(),
                        l.powerMw(),
                        Double.NaN))
            .toList(),
        d.networks().stream()
            .map(
                n ->
                    new TrainingData.Network(
                        n.runId(),
                        n.board(),
                        n.study(),
                        names.get(n.model()),
                        n.settings(),
                        n.latencyMs(),
                        n.totalRail(),
                        n.powerMw(),
                        n.energyMj(),
                        n.latencyMsP50()))
            .toList());
  }
}
