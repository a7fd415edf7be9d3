package io.inferwatt.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.LayerEvent;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.Phases;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class AnalyzerTest {

  @Test
  void paperMappingRecoversKnownLayerPowerWithinOnePercent() {
    SyntheticRun run = SyntheticRun.paperLike(20, 7);
    Timeline tl = run.record(4000, 11);
    AnalysisResult res = Analyzer.analyze(tl, false, AnalysisOptions.defaults());

    assertThat(res.layers()).hasSize(20);
    for (LayerSummary l : res.layers()) {
      double truthIn = run.layerMw[l.index()][0];
      double truthGpu = run.layerMw[l.index()][1];
      assertThat(l.cycles()).isEqualTo(4000);
      assertThat(l.samples()).isGreaterThan(50);
      assertThat(l.powerMw().get("in").mean()).isCloseTo(truthIn, within(truthIn * 0.01));
      assertThat(l.powerMw().get("gpu").mean()).isCloseTo(truthGpu, within(truthGpu * 0.01));
      assertThat(l.durationMsMean()).isCloseTo(run.layerNs[l.index()] / 1e6, within(1e-9));
      assertThat(l.energyMj().get("in"))
          .isCloseTo(l.powerMw().get("in").mean() * l.durationMsMean() / 1000, within(1e-12));
      Estimate e = l.powerMw().get("in");
      assertThat(e.ci95Low()).isLessThan(e.mean());
      assertThat(e.ci95High()).isGreaterThan(e.mean());
    }
    assertThat(res.unattributed().durationMsMean()).isCloseTo(0.4, within(1e-9));
    assertThat(res.unattributed().powerMw().get("in").mean()).isCloseTo(2500, within(25.0));
    assertThat(res.samplePeriodMs()).isCloseTo(1.6, within(0.05));
    assertThat(res.mapping().method()).isEqualTo("paper");
  }

  @Test
  void samplesAreCountedInProportionToLayerDuration() {
    SyntheticRun run = SyntheticRun.paperLike(10, 3);
    AnalysisResult res = Analyzer.analyze(run.record(3000, 5), false, AnalysisOptions.defaults());
    long total =
        res.layers().stream().mapToLong(LayerSummary::samples).sum() + res.unattributed().samples();
    double cycleMs = run.inferenceNs() / 1e6;
    for (LayerSummary l : res.layers()) {
      double expected = total * l.durationMsMean() / cycleMs;
      assertThat((double) l.samples()).isCloseTo(expected, within(expected * 0.15 + 10));
    }
  }

  @Test
  void cyclesNeededFollowsFromFastestLayerAndSamplePeriod() {
    SyntheticRun run = SyntheticRun.paperLike(12, 9);
    AnalysisResult res = Analyzer.analyze(run.record(200, 1), false, AnalysisOptions.defaults());
    double fastest =
        res.layers().stream().mapToDouble(LayerSummary::durationMsMean).min().orElseThrow();
    long expected = (long) Math.ceil(100 * res.samplePeriodMs() / fastest);
    assertThat(res.cyclesNeeded()).isEqualTo(expected);
    // 200 cycles are too few for 100 samples on every layer: each short one is warned about.
    assertThat(res.warnings()).anyMatch(w -> w.contains("fewer than 100"));
    for (LayerSummary l : res.layers()) {
      if (l.samples() < 100) {
        assertThat(res.warnings()).anyMatch(w -> w.startsWith("layer " + l.index() + " "));
      }
    }
  }

  @Test
  void trapezoidEnergyIsExactForLinearPowerAndPaperEnergyIsMeanPowerTimesLatency() {
    // Power rises linearly 1000 -> 3000 mW over each 10 ms inference; samples every 0.5 ms.
    EventLog.Builder ev = EventLog.builder();
    List<PowerSample> samples = new ArrayList<>();
    long cycle = 12_000_000;
    for (int c = 0; c < 50; c++) {
      long s = c * cycle;
      ev.inference(new InferenceEvent(c, s, s + 10_000_000, 1));
    }
    for (long t = 0; t <= 50 * cycle; t += 500_000) {
      long u = t % cycle;
      double p = u <= 10_000_000 ? 1000 + 2000 * (u / 10_000_000.0) : 1000;
      samples.add(PowerSample.at(t, p));
    }
    AnalysisResult res =
        Analyzer.analyze(
            new Timeline(List.of("in"), samples, ev.build()), false, AnalysisOptions.defaults());
    // integral of the ramp: mean 2000 mW over 10 ms = 20 mJ
    assertThat(res.inferences().energyMj().get("in")).isCloseTo(20.0, within(1e-9));
    assertThat(res.inferences().latencyMs().mean()).isCloseTo(10.0, within(1e-12));
    double meanPower = res.inferences().powerMw().get("in").mean();
    // samples at 0, 0.5, ..., 9.5 ms fall inside [start, end): their mean is 1950 mW
    assertThat(meanPower).isCloseTo(1950, within(1e-9));
    assertThat(res.inferences().energyMjPaper().get("in"))
        .isCloseTo(meanPower * 10 / 1000, within(1e-9));
  }

  @Test
  void phasesSeparateLatencyPowerLayersAndIdle() {
    EventLog.Builder ev = EventLog.builder();
    List<PowerSample> samples = new ArrayList<>();
    long ms = 1_000_000;
    ev.phase(new PhaseEvent(Phases.WARMUP, 0, 100 * ms));
    ev.phase(new PhaseEvent(Phases.LATENCY, 100 * ms, 200 * ms));
    ev.phase(new PhaseEvent(Phases.POWER, 200 * ms, 300 * ms));
    ev.phase(new PhaseEvent(Phases.IDLE, 300 * ms, 400 * ms));
    long seq = 0;
    // warm-up: 50 ms inferences (must not count); latency phase: 5 ms; power phase: 8 ms.
    for (long s = 0; s < 100 * ms; s += 50 * ms) {
      ev.inference(new InferenceEvent(seq++, s, s + 50 * ms, 1));
    }
    for (long s = 100 * ms; s < 200 * ms; s += 10 * ms) {
      ev.inference(new InferenceEvent(seq++, s, s + 5 * ms, 1));
    }
    for (long s = 200 * ms; s < 300 * ms; s += 10 * ms) {
      ev.inference(new InferenceEvent(seq++, s, s + 8 * ms, 1));
    }
    for (long t = 200 * ms; t <= 400 * ms; t += ms / 2) {
      samples.add(PowerSample.at(t, t < 300 * ms ? 5000 : 1500));
    }
    AnalysisResult res =
        Analyzer.analyze(
            new Timeline(List.of("in"), samples, ev.build()), true, AnalysisOptions.defaults());
    assertThat(res.simulated()).isTrue();
    assertThat(res.inferences().count()).isEqualTo(20);
    assertThat(res.inferences().latencyMs().count()).isEqualTo(10);
    assertThat(res.inferences().latencyMs().mean()).isCloseTo(5.0, within(1e-12));
    assertThat(res.inferences().latencyMs().p99()).isCloseTo(5.0, within(1e-12));
    assertThat(res.inferences().powerInferences()).isEqualTo(10);
    assertThat(res.inferences().powerMw().get("in").mean()).isCloseTo(5000, within(1e-9));
    assertThat(res.inferences().energyMj().get("in")).isCloseTo(40.0, within(1e-9));
    assertThat(res.idlePowerMw().get("in").mean()).isCloseTo(1500, within(1e-9));
    AnalysisResult.PhaseSummary idle =
        res.phases().stream().filter(p -> p.name().equals("idle")).findFirst().orElseThrow();
    assertThat(idle.energyMj().get("in")).isCloseTo(1500 * 0.1, within(1.0));
    AnalysisResult.PhaseSummary lat =
        res.phases().stream().filter(p -> p.name().equals("latency")).findFirst().orElseThrow();
    assertThat(lat.energyMj().get("in")).isNaN(); // logger was off: not measured, not 0
  }

  @Test
  void percentilesInterpolateBetweenRanks() {
    double[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertThat(Analyzer.percentile(v, 50)).isEqualTo(5.5);
    assertThat(Analyzer.percentile(v, 95)).isCloseTo(9.55, within(1e-12));
    assertThat(Analyzer.percentile(new double[] {4}, 99)).isEqualTo(4);
  }

  @Test
  void withoutSamplesPowerIsNotMeasuredRatherThanZero() {
    EventLog.Builder ev = EventLog.builder();
    ev.inference(new InferenceEvent(1, 0, 1_000_000, 1));
    ev.inference(new InferenceEvent(2, 2_000_000, 3_500_000, 1));
    AnalysisResult res =
        Analyzer.analyze(
            new Timeline(List.of("in"), List.of(), ev.build()), false, AnalysisOptions.defaults());
    assertThat(res.inferences().latencyMs().mean()).isCloseTo(1.25, within(1e-12));
    assertThat(res.inferences().powerMw().get("in").measured()).isFalse();
    assertThat(res.inferences().energyMj().get("in")).isNaN();
    assertThat(res.samplePeriodMs()).isNaN();
    assertThat(res.cyclesNeeded()).isEqualTo(-1);
  }

  @Test
  void layerOfUnknownInferenceIsRefused() {
    EventLog.Builder ev = EventLog.builder();
    ev.inference(new InferenceEvent(1, 0, 1_000_000, 1));
    ev.layer(new LayerEvent(7, 0, "conv", "Conv", 1000, OptionalLong.empty()), 12);
    Timeline tl = new Timeline(List.of("in"), List.of(), ev.build());
    assertThatThrownBy(() -> Analyzer.analyze(tl, false, AnalysisOptions.defaults()))
        .hasMessageContaining("line 12")
        .hasMessageContaining("unknown inference seq 7");
  }

  @Test
  void unknownRailIsRefusedWithTheKnownOnes() {
    Timeline tl = new Timeline(List.of("in", "gpu"), List.of(), EventLog.builder().build());
    assertThatThrownBy(
            () -> Analyzer.analyze(tl, false, AnalysisOptions.defaults().withRails(List.of("cpu"))))
        .hasMessageContaining("'cpu'")
        .hasMessageContaining("in, gpu");
  }

  @Test
  void explicitLayerStartsAreHonouredAndOverlongLayersAreCut() {
    EventLog.Builder ev = EventLog.builder();
    ev.inference(new InferenceEvent(1, 0, 10_000_000, 1));
    // layer 0 starts late (at 2 ms) and lasts 3 ms; layer 1 would end at 12 ms: cut at 10 ms.
    ev.layer(new LayerEvent(1, 0, "a", "Conv", 3_000_000, OptionalLong.of(2_000_000)));
    ev.layer(new LayerEvent(1, 1, "b", "Conv", 7_000_000, OptionalLong.empty()));
    List<PowerSample> s = new ArrayList<>();
    for (long t = 0; t < 10_000_000; t += 100_000) {
      s.add(PowerSample.at(t, t >= 2_000_000 && t < 5_000_000 ? 4000 : 1000));
    }
    AnalysisResult res =
        Analyzer.analyze(
            new Timeline(List.of("in"), s, ev.build()), false, AnalysisOptions.defaults());
    assertThat(res.layers().get(0).powerMw().get("in").mean()).isEqualTo(4000);
    assertThat(res.layers().get(0).samples()).isEqualTo(30);
    assertThat(res.layers().get(1).samples()).isEqualTo(50);
    assertThat(res.warnings()).anyMatch(w -> w.contains("cut"));
  }

  @Test
  void studentTQuantilesMatchTables() {
    assertThat(StudentT.quantile975(1)).isEqualTo(12.706);
    assertThat(StudentT.quantile975(30)).isEqualTo(2.042);
    assertThat(StudentT.quantile975(60)).isCloseTo(2.000, within(0.001));
    assertThat(StudentT.quantile975(120)).isCloseTo(1.980, within(0.001));
    assertThat(StudentT.quantile975(100_000)).isCloseTo(1.960, within(0.001));
  }

  /**
   * A gap (an empty power field, NaN) in one rail is skipped: that rail's power, CI, energy and
   * idle power stay measured and equal those of the same recording with the rail's reading simply
   * left out; the other rails are untouched; the gaps are counted in a warning.
   */
  @Test
  void aGapInOneRailIsSkippedAndCountedNotSummed() {
    EventLog.Builder ev = EventLog.builder();
    List<PowerSample> full = new ArrayList<>();
    long t0 = 1_000_000_000L;
    for (int i = 0; i < 50; i++) {
      long s = t0 + i * 10_000_000L;
      ev.inference(new InferenceEvent(i, s, s + 8_000_000L, 1));
    }
    long powerEnd = t0 + 500_000_000L;
    ev.phase(new PhaseEvent(Phases.POWER, t0, powerEnd));
    ev.phase(new PhaseEvent(Phases.IDLE, powerEnd, powerEnd + 100_000_000L));
    for (long t = t0 - 5_000_000L; t < powerEnd + 105_000_000L; t += 1_000_000L) {
      double in = 5000 + (t / 1_000_000L % 7) * 10;
      full.add(PowerSample.at(t, in, 2000 + (t / 1_000_000L % 3)));
    }
    // blank the in rail of one sample inside an inference of the power phase and one while idle
    int inPower = 250;
    int inIdle = full.size() - 40;
    List<PowerSample> withGaps = new ArrayList<>(full);
    for (int at : new int[] {inPower, inIdle}) {
      PowerSample s = full.get(at);
      withGaps.set(at, PowerSample.at(s.tNs(), Double.NaN, s.powerMw()[1]));
    }
    EventLog events = ev.build();
    AnalysisResult gapped =
        Analyzer.analyze(
            new Timeline(List.of("in", "gpu"), withGaps, events),
            false,
            AnalysisOptions.defaults());
    // the same recording without the two readings, for the in rail only
    List<PowerSample> without = new ArrayList<>(full);
    without.remove(inIdle);
    without.remove(inPower);
    AnalysisResult reference =
        Analyzer.analyze(
            new Timeline(List.of("in", "gpu"), without, events),
            false,
            AnalysisOptions.defaults().withRails(List.of("in")));
    AnalysisResult untouched =
        Analyzer.analyze(
            new Timeline(List.of("in", "gpu"), full, events),
            false,
            AnalysisOptions.defaults().withRails(List.of("gpu")));

    Estimate in = gapped.inferences().powerMw().get("in");
    assertThat(in.mean()).isFinite();
    assertThat(in.ci95Low()).isFinite();
    assertThat(in).isEqualTo(reference.inferences().powerMw().get("in"));
    assertThat(gapped.inferences().energyMj().get("in"))
        .isCloseTo(reference.inferences().energyMj().get("in"), within(1e-9));
    assertThat(gapped.idlePowerMw().get("in")).isEqualTo(reference.idlePowerMw().get("in"));
    assertThat(gapped.phases().get(1).energyMj().get("in"))
        .isCloseTo(reference.phases().get(1).energyMj().get("in"), within(1e-9));
    assertThat(gapped.inferences().powerMw().get("gpu"))
        .isEqualTo(untouched.inferences().powerMw().get("gpu"));
    assertThat(gapped.idlePowerMw().get("gpu")).isEqualTo(untouched.idlePowerMw().get("gpu"));
    assertThat(gapped.warnings()).anyMatch(w -> w.startsWith("rail in: 2 samples without a value"));
  }
}
