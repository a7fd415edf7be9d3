package io.inferwatt.study;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.CounterEnergy;
import io.inferwatt.core.analysis.LayerMapping;
import io.inferwatt.core.analysis.PrefixDifferences;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.models.Zoo;
import io.inferwatt.engines.sim.Truth;
import io.inferwatt.engines.sim.VirtualGpu;
import io.inferwatt.hardware.Recorder;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The slow-sensor methods against the virtual GPU's truth (ResNet18 as derived from its ONNX
 * graph). These are evidence, not regression guards: the truth is what the board generated, not a
 * number the methods were tuned to; each check is one that a biased method fails (see the last
 * test).
 */
class SlowSensorTruthTest {

  private static final Workload R18 =
      new Workload(Zoo.network("resnet18"), 1, ExecutionMode.SYNC, InputKind.FIXED_RANDOM);

  @Test
  void energyCounterOverALongWindowGivesPerInferenceEnergyWithin2PercentOfTruth() {
    VirtualGpu gpu = VirtualGpu.create(11);
    Truth t = gpu.truth(R18);
    CounterEnergy.Result r = CounterEnergy.perInference(gpu.window(R18, 5_000_000_000L));
    assertThat(r.ok()).isTrue();
    double err = TruthCheck.errorPct(r.energyMj(), t.inferenceEnergyMj().get("gpu0"));
    assertThat(Math.abs(err)).isLessThan(2.0);
    // the bound it states covers its own error against the truth of a whole cycle's energy
    assertThat(r.uncertaintyMj()).isPositive().isLessThan(0.01 * r.energyMj());
  }

  @Test
  void energyCounterRefusesAWindowShorterThanTenUpdates() {
    VirtualGpu gpu = VirtualGpu.create(12);
    CounterEnergy.Result r = CounterEnergy.perInference(gpu.window(R18, 500_000_000L));
    assertThat(r.ok()).isFalse();
    assertThat(Double.isNaN(r.energyMj())).isTrue();
    assertThat(r.refusal().orElseThrow()).contains("energy-counter update").contains("at least 10");
  }

  @Test
  void prefixProfilingGetsEveryLayerAbove1PercentWithin5PercentAndThePaperMappingDoesNot() {
    VirtualGpu gpu = VirtualGpu.create(13);
    PrefixProfiler.Result p =
        PrefixProfiler.run(
            gpu, R18, PrefixProfiler.Options.defaults(), Recorder.ProgressListener.NONE);
    Truth t = gpu.truth(R18);
    Map<Integer, Double> prefix = new HashMap<>();
    for (PrefixDifferences.Layer l : p.layers()) {
      prefix.put(l.index(), l.energyMj());
    }
    TruthCheck.LayerErrors e = TruthCheck.layers(t, "gpu0", prefix, false);
    assertThat(e.layers()).isGreaterThan(10);
    assertThat(e.maxPct())
        .as("largest per-layer energy error, layer %d", e.maxIndex())
        .isLessThan(5.0);
    assertThat(p.rounds()).isBetween(4, 40);

    // the paper's mapping on the same board's recording is far off: the sensor is too slow
    Protocol protocol = new Protocol(20, 100, 2000, 3000, 3000, 100, 200_000_000L);
    ProfileResult pr =
        ProfileRunner.run(
            gpu,
            R18,
            Map.of(),
            protocol,
            AnalysisOptions.defaults().withMapping(LayerMapping.PAPER),
            Recorder.ProgressListener.NONE);
    Map<Integer, Double> paper = new HashMap<>();
    for (AnalysisResult.LayerSummary ls : pr.analysis().layers()) {
      paper.put(ls.index(), ls.energyMj().get("gpu0"));
    }
    TruthCheck.LayerErrors pe =
        TruthCheck.layers(gpu.lastTruth().orElseThrow(), "gpu0", paper, false);
    assertThat(pe.maxPct()).isGreaterThan(10.0);
  }

  @Test
  void theChecksFailABiasedMethod() {
    VirtualGpu gpu = VirtualGpu.create(14);
    Truth t = gpu.truth(R18);
    Map<Integer, Double> biased = new HashMap<>();
    for (Truth.Layer l : t.layers()) {
      biased.put(l.index(), l.energyMj().get("gpu0") * 1.06);
    }
    assertThat(TruthCheck.layers(t, "gpu0", biased, false).maxPct()).isGreaterThan(5.0);
    assertThat(
            Math.abs(
                TruthCheck.errorPct(
                    1.03 * t.inferenceEnergyMj().get("gpu0"), t.inferenceEnergyMj().get("gpu0"))))
        .isGreaterThan(2.0);
  }
}
