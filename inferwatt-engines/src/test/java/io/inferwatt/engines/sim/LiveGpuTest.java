package io.inferwatt.engines.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.models.Zoo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The virtual GPU's NVML as a live source on a clock the test moves. */
class LiveGpuTest {

  private static final Workload R18 =
      new Workload(Zoo.network("resnet18"), 1, ExecutionMode.SYNC, InputKind.FIXED_RANDOM);

  @Test
  void readsThePowerFieldWhichChangesEvery100MsAtTheBoardsActivePower() {
    AtomicLong clock = new AtomicLong(50_000_000_000L);
    try (LiveGpu g = LiveGpu.of(R18, 3, clock::get)) {
      assertThat(g.kind()).isEqualTo("sim:gpu");
      assertThat(g.settings()).containsEntry("simulated", "true");
      assertThat(g.rails()).hasSize(1);
      List<Double> v = new ArrayList<>();
      for (int i = 0; i < 60; i++) { // 3 s in 50 ms steps
        clock.addAndGet(50_000_000L);
        v.add(g.read().powerMw()[0]);
      }
      // the field holds for two reads at least, and changes within a few updates
      int changes = 0;
      for (int i = 1; i < v.size(); i++) {
        changes += v.get(i).equals(v.get(i - 1)) ? 0 : 1;
      }
      assertThat(changes).isBetween(10, 31);
      // after the first second (the field's look-back of idle) it reads the running board
      double late =
          v.subList(30, 60).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      assertThat(late).isGreaterThan(GpuModel.IDLE_MW * 1.3);
      // a long pause is caught up without replaying it inference by inference
      clock.addAndGet(3_600_000_000_000L);
      assertThat(g.read().powerMw()[0]).isGreaterThan(GpuModel.IDLE_MW);
    }
  }
}
