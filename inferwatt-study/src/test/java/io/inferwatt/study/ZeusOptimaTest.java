package io.inferwatt.study;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.engines.sim.VirtualGpu;
import io.inferwatt.hardware.Knob;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Zeus's two optimisers' answers (the energy-optimal power limit, the energy-optimal batch size)
 * from inferwatt's own study and optima on the virtual GPU ({@code
 * plans/sim-gpu-power-limit-batch.yaml}), checked against the board's truth: the configuration
 * optima names best must be within 3 % of the truly best energy per input of its slice.
 */
class ZeusOptimaTest {

  @Test
  void theStudysOptimaGiveTheEnergyOptimalPowerLimitAndBatch() throws Exception {
    Plan plan = Plans.load(Path.of("..", "plans", "sim-gpu-power-limit-batch.yaml"), n -> {});
    VirtualGpu gpu = VirtualGpu.create(plan.seed());
    Expansion e = Plans.expand(plan, "sim:gpu", List.of("sim"), gpu.knobs());
    StudyRunnerTest.MemorySink sink = new StudyRunnerTest.MemorySink();
    StudyRunner.run(gpu, e, sink, new StudyRunner.Listener() {});
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    for (Configuration c : e.configurations()) {
      outcomes.put(c.key(), Outcome.of(c.key(), c.settings(), sink.stored.get(c.key())));
    }
    Optima.Result r = Optima.compute(e, outcomes, 0.02);
    VirtualGpu truthBoard = VirtualGpu.create(plan.seed());
    Map<String, Configuration> byKey = new LinkedHashMap<>();
    e.configurations().forEach(c -> byKey.put(c.key(), c));
    assertThat(r.slices()).hasSize(3);
    for (int i = 0; i < r.slices().size(); i++) {
      Optima.SliceOptima s = r.slices().get(i);
      Optima.Best best = s.best().get(Optima.Objective.ENERGY);
      double min = Double.POSITIVE_INFINITY;
      double max = 0;
      double chosen = Double.NaN;
      for (String key : e.slices().get(i).keys()) {
        Map<String, String> settings = byKey.get(key).settings();
        double v = trueMjPerInput(truthBoard, settings);
        min = Math.min(min, v);
        max = Math.max(max, v);
        if (settings.entrySet().containsAll(best.best().entrySet())) {
          chosen = v;
        }
      }
      System.out.printf(
          Locale.ROOT,
          "slice %s: optima's energy-optimal %s (true %.3f mJ per input); true minimum %.3f,"
              + " maximum %.3f%n",
          s.label(),
          best.best(),
          chosen,
          min,
          max);
      assertThat(chosen / min).as(s.label()).isLessThan(1.03);
      // the slice matters: its worst configuration costs clearly more than its best
      assertThat(max / min).as(s.label()).isGreaterThan(1.05);
    }
  }

  /** The board's true energy per input at {@code settings} (knobs and batch). */
  private static double trueMjPerInput(VirtualGpu gpu, Map<String, String> settings) {
    for (Knob k : gpu.knobs()) {
      String v = settings.get(k.name());
      k.apply(v != null ? v : k.allowed().get(k.allowed().size() - 1));
    }
    var w = Models.workload(settings);
    return gpu.truth(w).inferenceEnergyMj().get("gpu0") / w.batch();
  }
}
