package io.inferwatt.study;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.analysis.AnalysisResult;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The window-aware fit over the virtual GPU's driver sample buffer (one sample every 20 ms, each
 * the mean of the 25 ms before it) next to differential prefix profiling, both against the board's
 * truth, and the per-layer choice between them with its method named. ResNet18 at batch 1 (0.45 ms
 * inferences: every 25 ms window blends whole inferences, the fit is ill-conditioned) and at batch
 * 1024 (14 ms inferences: conditioned, but about 12 s of layer phase leaves each layer far fewer
 * than one equivalent sample, so none is reported); prefix profiling serves every layer.
 */
class BufferWindowTruthTest {

  private static Workload r18(int batch) {
    return new Workload(Zoo.network("resnet18"), batch, ExecutionMode.SYNC, InputKind.FIXED_RANDOM);
  }

  @Test
  void theBufferFitIsComparedWithPrefixProfilingAndTruthAndEachLayerNamesItsMethod() {
    for (int batch : new int[] {1, 1024}) {
      VirtualGpu gpu = VirtualGpu.create(21);
      Workload w = r18(batch);
      // a layer phase of about 12 s: 600 buffered samples
      int cycles = (int) Math.ceil(12e9 / gpu.truth(w).latencyNs());
      Protocol protocol = new Protocol(10, 50, 500, cycles, cycles, 1, 0);
      ProfileResult pr =
          ProfileRunner.run(
              gpu,
              w,
              Map.of(),
              protocol,
              AnalysisOptions.defaults().withMapping(LayerMapping.PAPER),
              Recorder.ProgressListener.NONE);
      Truth t = gpu.lastTruth().orElseThrow();
      int buffered = gpu.lastSampleBuffer().size();
      assertThat(buffered).isGreaterThan(600);
      Optional<AnalysisResult> buffer = LayerMethods.bufferFit(gpu, pr, AnalysisOptions.defaults());
      assertThat(buffer).isPresent();
      AnalysisResult.MappingInfo m = buffer.get().mapping();
      PrefixProfiler.Result p =
          PrefixProfiler.run(
              gpu, w, PrefixProfiler.Options.defaults(), Recorder.ProgressListener.NONE);
      Map<Integer, Double> prefix = new HashMap<>();
      for (PrefixDifferences.Layer l : p.layers()) {
        prefix.put(l.index(), l.energyMj());
      }
      Map<Integer, Double> fit = new HashMap<>();
      for (AnalysisResult.LayerSummary l : buffer.get().layers()) {
        fit.put(l.index(), l.energyMj().getOrDefault("gpu0", Double.NaN));
      }
      TruthCheck.LayerErrors pe = TruthCheck.layers(t, "gpu0", prefix, false);
      TruthCheck.LayerErrors fe = TruthCheck.layers(t, "gpu0", fit, false);
      List<LayerMethods.Layer> chosen =
          LayerMethods.choose(pr.analysis(), pr.analysis(), Optional.of(p), buffer, "gpu0");
      Map<Integer, Double> ch = new HashMap<>();
      chosen.forEach(l -> ch.put(l.index(), l.energyMj()));
      TruthCheck.LayerErrors ce = TruthCheck.layers(t, "gpu0", ch, false);
      long fromBuffer =
          chosen.stream().filter(l -> l.method().equals(LayerMethods.BUFFER_WINDOW)).count();
      System.out.printf(
          Locale.ROOT,
          "resnet18 batch %d on sim:gpu: latency %.2f ms, %d buffer samples; buffer fit %s"
              + " (resolvable %s, condition %.3g, response %s): max energy error %.1f %% (median"
              + " %.1f %%); prefix max %.1f %% (median %.1f %%); chosen (%d from the buffer) max"
              + " %.1f %%%n",
          batch,
          t.latencyNs() / 1e6,
          buffered,
          m.method(),
          m.resolvable(),
          m.conditionNumber(),
          m.response(),
          fe.maxPct(),
          fe.medianPct(),
          pe.maxPct(),
          pe.medianPct(),
          fromBuffer,
          ce.maxPct());
      assertThat(chosen)
          .allMatch(l -> List.of("prefix", LayerMethods.BUFFER_WINDOW).contains(l.method()));
      if (!(m.method().equals("window") && m.resolvable())) {
        // an unresolved fit is never chosen
        assertThat(fromBuffer).isZero();
      }
      // the choice is never worse than prefix profiling alone by more than the prefix bound
      assertThat(ce.maxPct()).isLessThan(5.0);
    }
  }
}
