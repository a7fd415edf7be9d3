package io.inferwatt.engines.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferwatt.core.Phases;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.CounterEnergy;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.models.Zoo;
import io.inferwatt.hardware.Recorder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The virtual GPU and its NVML, read through the same {@code NvmlSource} as the real library. */
class VirtualGpuTest {

  private static final Workload R18 =
      new Workload(Zoo.network("resnet18"), 1, ExecutionMode.SYNC, InputKind.FIXED_RANDOM);

  @Test
  void describesItselfAsASimulatedGpuWithOneNvmlRail() {
    VirtualGpu gpu = VirtualGpu.create(1);
    assertThat(gpu.board()).isEqualTo("sim:gpu");
    assertThat(gpu.simulated()).isTrue();
    assertThat(gpu.rails()).hasSize(1);
    assertThat(gpu.rails().get(0).name()).isEqualTo("gpu0");
    assertThat(gpu.rails().get(0).total()).isTrue();
    assertThat(gpu.source().rails().get(0).name()).isEqualTo("gpu0");
    assertThat(gpu.source().settings()).containsEntry("gpu0.power_reading", "instant (field 186)");
    assertThat(gpu.knobs().get(0).name()).isEqualTo("gpu.clock_mhz");
  }

  @Test
  void theApplicationClockSlowsTheBoardUnlessTheLockedClockIsLower() {
    VirtualGpu gpu = VirtualGpu.create(1);
    var app = gpu.knobs().stream().filter(k -> k.name().equals("gpu.app_clock_mhz")).findFirst();
    assertThat(app).isPresent();
    long top = gpu.truth(R18).latencyNs();
    app.get().apply("810");
    assertThat(app.get().read()).isEqualTo("810");
    long slow = gpu.truth(R18).latencyNs();
    assertThat(slow).isGreaterThan(top);
    assertThat(gpu.expectedCycleNs(R18, java.util.Map.of()).getAsLong())
        .isEqualTo(gpu.expectedCycleNs(R18, java.util.Map.of("gpu.clock_mhz", "810")).getAsLong());
    // the lower of the two: a locked clock below the application clock wins
    app.get().apply("1980");
    gpu.knobs().get(0).apply("810");
    assertThat(gpu.truth(R18).latencyNs()).isEqualTo(slow);
  }

  @Test
  void truthCoversEveryLayerOfTheGraphAndAddsUp() {
    VirtualGpu gpu = VirtualGpu.create(1);
    Truth t = gpu.truth(R18);
    assertThat(t.layers()).hasSize(R18.network().layers().size());
    double layers = t.layersEnergyMj("gpu0");
    assertThat(t.inferenceEnergyMj().get("gpu0")).isGreaterThan(layers);
    long sum = t.layers().stream().mapToLong(Truth.Layer::durationNs).sum();
    assertThat(t.latencyNs()).isGreaterThan(sum);
    // layers differ in power: a model where they did not would make per-layer tests trivial
    double min = t.layers().stream().mapToDouble(l -> l.powerMw().get("gpu0")).min().orElseThrow();
    double max = t.layers().stream().mapToDouble(l -> l.powerMw().get("gpu0")).max().orElseThrow();
    assertThat(max / min).isGreaterThan(1.3);
  }

  @Test
  void powerFieldAndCounterChangeEvery100MsAndTheLoggerMakes250PairsPerSecond() {
    VirtualGpu gpu = VirtualGpu.create(2);
    Protocol p = new Protocol(10, 10, 4000, 10, 10, 1, 0);
    Timeline t = gpu.record(R18, p, Recorder.ProgressListener.NONE);
    List<PowerSample> s = t.samples();
    double spanS = (s.get(s.size() - 1).tNs() - s.get(0).tNs()) / 1e9;
    // pairs of power + counter reads at ≈2 ms per call
    assertThat(s.size() / spanS).isCloseTo(250, within(25.0));
    List<Long> changes = new ArrayList<>();
    for (int i = 1; i < s.size(); i++) {
      if (s.get(i).powerMw(0) != s.get(i - 1).powerMw(0)) {
        changes.add(s.get(i).tNs());
      }
    }
    assertThat(changes.size()).isGreaterThan(5);
    for (int i = 1; i < changes.size(); i++) {
      long d = changes.get(i) - changes.get(i - 1);
      // a multiple of 100 ms, give or take the 4 ms between two power reads
      double k = Math.rint(d / 1e8);
      assertThat(k).isGreaterThanOrEqualTo(1);
      assertThat(Math.abs(d - k * 1e8)).isLessThan(5e6);
    }
    CounterEnergy.Window w = gpu.lastPowerPhase().orElseThrow();
    assertThat(w.reads()).isNotEmpty();
    assertThat(w.startsNs()).hasSize(4000);
  }

  @Test
  void sampleBufferHoldsOneSampleEvery20MsEachTheMeanOf25Ms() {
    VirtualGpu gpu = VirtualGpu.create(3);
    gpu.window(R18, 2_500_000_000L);
    List<PowerSample> b = gpu.source().powerSamples(0, 0);
    assertThat(b).hasSize(GpuModel.NVML_BUFFER_CAPACITY);
    for (int i = 1; i < b.size(); i++) {
      assertThat(b.get(i).tNs() - b.get(i - 1).tNs()).isEqualTo(20_000_000L);
    }
    // a step of the true power shows in the buffer over 25 ms: idle after load
    gpu.idleFor(200_000_000L);
    List<PowerSample> after = gpu.source().powerSamples(0, 0);
    double last = after.get(after.size() - 1).powerMw(0);
    assertThat(last).isCloseTo(GpuModel.IDLE_MW, within(1.0));
    // what the buffer says newer than its last sample is nothing
    long lastUs = (after.get(after.size() - 1).tNs() + 1_790_000_000_000_000_000L) / 1000;
    assertThat(gpu.source().powerSamples(0, lastUs)).isEmpty();
  }

  @Test
  void counterAdvancesOnlyOnUpdatesAndMatchesTheTrueEnergy() {
    VirtualGpu gpu = VirtualGpu.create(4);
    long e0 = gpu.source().totalEnergyMj(0);
    gpu.idleFor(1_000_000_000L);
    long e1 = gpu.source().totalEnergyMj(0);
    // 1 s at idle power, give or take one update at each end
    assertThat((double) (e1 - e0)).isCloseTo(GpuModel.IDLE_MW, within(GpuModel.IDLE_MW * 0.11));
    gpu.idleFor(30_000_000L);
    long e2 = gpu.source().totalEnergyMj(0);
    assertThat(e2 - e1).isBetween(0L, Math.round(GpuModel.IDLE_MW * 0.1) + 1);
  }

  @Test
  void phasesAreRecordedWithLayersFromTheGraph() {
    VirtualGpu gpu = VirtualGpu.create(5);
    Protocol p = new Protocol(5, 20, 20, 30, 30, 1, 50_000_000L);
    Timeline t = gpu.record(R18, p, Recorder.ProgressListener.NONE);
    assertThat(t.events().phases())
        .extracting(e -> e.name())
        .contains(Phases.POWER, Phases.LAYERS, Phases.IDLE);
    assertThat(t.events().layerCount()).isEqualTo(30 * R18.network().layers().size());
    assertThat(gpu.lastTruth()).isPresent();
  }
}
