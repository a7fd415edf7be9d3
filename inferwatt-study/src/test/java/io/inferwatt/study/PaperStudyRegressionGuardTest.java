package io.inferwatt.study;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.engines.sim.VirtualNano;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built-in paper study on the virtual Nano reproduces the paper's Table I. Runs the whole plan
 * once with a reduced protocol (fewer cycles per phase) to stay fast.
 *
 * <p><b>A regression guard, not evidence.</b> The virtual Nano was calibrated to the paper, so
 * finding the paper's optima here shows only that the plan, the runner, the analysis and {@link
 * Optima} still reproduce the calibrated result end to end; {@code OptimaTest} proves the optima's
 * logic on hand-built outcomes.
 */
class PaperStudyRegressionGuardTest {
  static Expansion study;
  static Optima.Result table;
  static final List<io.inferwatt.core.analysis.AnalysisResult.MappingInfo> mappings =
      new java.util.ArrayList<>();

  @BeforeAll
  static void runTheStudy() {
    String text =
        PaperStudy.yaml()
            .replaceFirst("cycles: 150 ", "cycles: 80 ")
            .replaceFirst("max_layer_cycles: 300", "max_layer_cycles: 60")
            .replaceFirst("idle: 200ms", "idle: 50ms");
    Plan plan = Plans.parse(text, "paper (reduced)");
    VirtualNano nano = VirtualNano.create(1);
    study = Plans.expand(plan, "sim:nano", List.of("sim"), nano.knobs());
    Map<String, Outcome> out = new LinkedHashMap<>();
    StudyRunner.run(
        nano,
        study,
        new StudyRunner.Sink() {
          @Override
          public Set<String> begin(Expansion s) {
            return Set.of();
          }

          @Override
          public void finished(Expansion s, Configuration c, ProfileResult r) {
            out.put(c.key(), Outcome.of(c.key(), c.settings(), r));
            mappings.add(r.analysis().mapping());
          }
        },
        new StudyRunner.Listener() {});
    table = Optima.compute(study, out, 0.02);
  }

  /**
   * One board, one sensor: the response search runs on the first configuration with a window
   * estimate; most later ones re-check that response instead of searching again (a response but no
   * residual curve).
   */
  @Test
  void laterConfigurationsRecheckTheFirstConfigurationsSensorResponse() {
    assertThat(mappings).hasSize(60);
    List<io.inferwatt.core.analysis.AnalysisResult.MappingInfo> estimated =
        mappings.stream().filter(m -> !m.response().isEmpty()).toList();
    assertThat(estimated.get(0).residualCurve()).isNotEmpty();
    long searched = estimated.stream().filter(m -> !m.residualCurve().isEmpty()).count();
    long rechecked = estimated.size() - searched;
    System.out.printf(
        "paper study (reduced): %d configurations estimated a response, %d searched it, %d"
            + " re-checked it%n",
        estimated.size(), searched, rechecked);
    assertThat(rechecked).isGreaterThan(estimated.size() / 2);
    assertThat(mappings.stream().filter(m -> m.reason().contains("re-checked"))).isNotEmpty();
  }

  private static Optima.Best best(Optima.Result r, Optima.Objective o) {
    return r.overall().get(o);
  }

  @Test
  void thePlanCoversSectionsThreeCAndThreeD() {
    assertThat(study.configurations()).hasSize(60);
    assertThat(study.slices())
        .extracting(Expansion.Slice::label)
        .containsExactly(
            "cores",
            "cpu-freq",
            "gpu-freq",
            "mode-batch",
            "networks",
            "inputs",
            "single-layers",
            "conv-kernel",
            "conv-stride",
            "conv-channels");
    assertThat(study.slices().get(1).keys()).hasSize(15);
    assertThat(study.slices().get(2).keys()).hasSize(12);
    assertThat(study.slices().get(3).keys()).hasSize(8);
  }

  @Test
  void powerRegressionGuard() {
    Map<String, String> b = best(table, Optima.Objective.POWER).best();
    assertThat(b)
        .containsEntry("cpu.cores", "1")
        .containsEntry("cpu.freq_khz", "102000")
        .containsEntry("gpu.freq_hz", "76800000")
        .containsEntry("mode", "sync")
        .containsEntry("batch", "1");
  }

  @Test
  void latencyRegressionGuard() {
    Optima.Best l = best(table, Optima.Objective.LATENCY);
    // latency does not depend on the core count, nor on the CPU clock above its lowest steps:
    // 1479 MHz is within 2 % of the best (Table I: 1-4 cores, 1.49 GHz)
    assertThat(l.within().get("cpu.cores")).containsExactlyInAnyOrder("1", "2", "3", "4");
    assertThat(l.within().get("cpu.freq_khz"))
        .contains("1479000")
        .doesNotContain("102000", "204000");
    assertThat(l.best()).containsEntry("gpu.freq_hz", "921600000").containsEntry("mode", "async");
    assertThat(Integer.parseInt(l.best().get("batch"))).isGreaterThan(1);
    assertThat(l.within().get("mode")).containsExactly("async");
  }

  @Test
  void energyRegressionGuard() {
    Optima.Best e = best(table, Optima.Objective.ENERGY);
    assertThat(e.best())
        .containsEntry("cpu.cores", "1")
        .containsEntry("cpu.freq_khz", "307200")
        .containsEntry("gpu.freq_hz", "844800000")
        .containsEntry("mode", "async");
    assertThat(Integer.parseInt(e.best().get("batch"))).isGreaterThan(1);
    // Table I's flat 537-921 MHz: the whole range, and nothing below it, lies within the optima's
    // 2 % of the best (844.8 MHz, the paper's own minimum)
    assertThat(e.within().get("gpu.freq_hz"))
        .containsExactly(
            "537600000", "614400000", "691200000", "768000000", "844800000", "921600000");
  }

  @Test
  void gpuFrequencyAndTheNetworkMoveEnergyMostRegressionGuard() {
    assertThat(table.energyRanking().subList(0, 4))
        .extracting(Optima.Influence::label)
        .contains("gpu-freq", "networks");
    assertThat(table.energyRanking().get(table.energyRanking().size() - 1).label())
        .isEqualTo("cores");
    assertThat(table.pareto()).isNotEmpty();
  }
}
