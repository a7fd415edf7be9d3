package io.inferwatt.engines.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.Phases;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.Analyzer;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.models.Zoo;
import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.Rail;
import io.inferwatt.hardware.Recorder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualNanoTest {

  private static final Protocol SMALL = new Protocol(5, 50, 50, 20, 3000, 100, 100_000_000L);
  private static final Workload V2 =
      new Workload(Zoo.network("mobilenetv2"), 1, ExecutionMode.SYNC, InputKind.VARIED);

  private static Timeline record(VirtualNano nano, Workload w, Protocol p) {
    return nano.record(w, p, Recorder.ProgressListener.NONE);
  }

  @Test
  void describesItselfAsASimulatedNano() {
    VirtualNano nano = VirtualNano.create(1);
    assertThat(nano.board()).isEqualTo("sim:nano");
    assertThat(nano.simulated()).isTrue();
    assertThat(nano.rails()).extracting(Rail::name).containsExactly("in", "cpu", "gpu");
    assertThat(nano.rails())
        .extracting(Rail::label)
        .containsExactly("POM_5V_IN", "POM_5V_CPU", "POM_5V_GPU");
    assertThat(nano.rails()).extracting(Rail::total).containsExactly(true, false, false);
    assertThat(nano.sensorPeriodNs()).isEqualTo(1_600_000L);
  }

  @Test
  void knobsStartAtTheBaseSettingsAndListTheirValues() {
    VirtualNano nano = VirtualNano.create(1);
    assertThat(nano.knobs())
        .extracting(Knob::name)
        .containsExactly("cpu.cores", "cpu.freq_khz", "gpu.freq_hz");
    assertThat(nano.knob("cpu.cores").read()).isEqualTo("4");
    assertThat(nano.knob("cpu.freq_khz").read()).isEqualTo("1479000");
    assertThat(nano.knob("gpu.freq_hz").read()).isEqualTo("921600000");
    assertThat(nano.knob("cpu.cores").allowed()).containsExactly("1", "2", "3", "4");
    assertThat(nano.knob("cpu.freq_khz").allowed())
        .hasSize(15)
        .startsWith("102000")
        .endsWith("1479000");
    assertThat(nano.knob("gpu.freq_hz").allowed())
        .hasSize(12)
        .startsWith("76800000")
        .endsWith("921600000");
    nano.knob("gpu.freq_hz").apply("537600000");
    assertThat(nano.knob("gpu.freq_hz").read()).isEqualTo("537600000");
  }

  @Test
  void knobsRefuseValuesNotInTheirList() {
    VirtualNano nano = VirtualNano.create(1);
    assertThatThrownBy(() -> nano.knob("gpu.freq_hz").apply("900000000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("900000000")
        .hasMessageContaining("76800000, 153600000")
        .hasMessageContaining("921600000");
    assertThatThrownBy(() -> nano.knob("cpu.cores").apply("5"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1, 2, 3, 4");
    assertThatThrownBy(() -> nano.knob("cpu.freq_khz").apply("1500000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("102000, 204000");
    assertThatThrownBy(() -> nano.knob("cpu.freq_khz").apply("fast"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> nano.knob("emc.freq"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cpu.cores, cpu.freq_khz, gpu.freq_hz");
    assertThat(nano.knob("gpu.freq_hz").read()).isEqualTo("921600000");
  }

  @Test
  void phasesComeInProtocolOrderWithSamplesOnlyWhileTheLoggerRuns() {
    Timeline t = record(VirtualNano.create(7), V2, SMALL);
    List<PhaseEvent> phases = t.events().phases();
    assertThat(phases)
        .extracting(PhaseEvent::name)
        .containsExactly(Phases.WARMUP, Phases.LATENCY, Phases.POWER, Phases.LAYERS, Phases.IDLE);
    for (int i = 1; i < phases.size(); i++) {
      assertThat(phases.get(i).startNs()).isGreaterThanOrEqualTo(phases.get(i - 1).endNs());
    }
    assertThat(phases.get(4).durationNs()).isEqualTo(SMALL.idleNs());
    long loggerOn = phases.get(2).startNs();
    long loggerOff = phases.get(4).endNs();
    assertThat(t.samples()).isNotEmpty();
    assertThat(t.samples()).allMatch(s -> s.tNs() >= loggerOn && s.readEndNs() <= loggerOff);
    for (String name : List.of(Phases.POWER, Phases.LAYERS, Phases.IDLE)) {
      PhaseEvent p = phase(t, name);
      assertThat(t.samples().stream().filter(s -> p.contains(s.tNs()))).as(name).isNotEmpty();
    }
    assertThat(countIn(t, Phases.WARMUP)).isEqualTo(5);
    assertThat(countIn(t, Phases.LATENCY)).isEqualTo(50);
    assertThat(countIn(t, Phases.POWER)).isEqualTo(50);
    assertThat(countIn(t, Phases.LAYERS)).isEqualTo(20);
    assertThat(countIn(t, Phases.IDLE)).isZero();
  }

  @Test
  void inferencesNeverOverlapAndLayersFitInside() {
    Timeline t = record(VirtualNano.create(3), V2, SMALL);
    List<InferenceEvent> inf = t.events().inferences();
    for (int i = 1; i < inf.size(); i++) {
      assertThat(inf.get(i).startNs()).isGreaterThan(inf.get(i - 1).endNs());
    }
    EventLog ev = t.events();
    assertThat(ev.layerCount()).isEqualTo(20 * 66);
    PhaseEvent layers = phase(t, Phases.LAYERS);
    long sum = 0;
    long seq = ev.layerSeq(0);
    for (int i = 0; i < ev.layerCount(); i++) {
      assertThat(ev.layerStartNsOrMin(i)).isEqualTo(Long.MIN_VALUE);
      if (ev.layerSeq(i) != seq) {
        sum = 0;
        seq = ev.layerSeq(i);
      }
      sum += ev.layerDurationNs(i);
      long s = seq;
      InferenceEvent owner = inf.stream().filter(e -> e.seq() == s).findFirst().orElseThrow();
      assertThat(layers.contains(owner.startNs())).isTrue();
      assertThat(sum).isLessThan(owner.latencyNs()); // the tail stays unattributed
    }
  }

  @Test
  void asyncRecordsNoLayerEvents() {
    Workload w = new Workload(Zoo.network("mobilenetv2"), 8, ExecutionMode.ASYNC, InputKind.VARIED);
    Timeline t = record(VirtualNano.create(3), w, SMALL);
    assertThat(t.events().layerCount()).isZero();
    assertThat(phase(t, Phases.LAYERS).durationNs()).isZero();
    assertThat(t.events().inferences()).allMatch(e -> e.batch() == 8);
    AnalysisResult r = Analyzer.analyze(t, true, AnalysisOptions.defaults());
    assertThat(r.layers()).isEmpty();
    assertThat(r.inferences().powerMw().get("in").mean()).isGreaterThan(0);
  }

  @Test
  void automaticLayerCyclesGiveTheFastestLayerItsSamples() {
    VirtualNano nano = VirtualNano.create(5);
    Workload w = new Workload(Zoo.network("resnet18"), 1, ExecutionMode.SYNC, InputKind.BLACK);
    long fastest =
        nano.groundTruth(w).layers().stream()
            .mapToLong(GroundTruth.LayerTruth::durationNs)
            .min()
            .orElseThrow();
    // 25% margin over the expectation, so that the fastest layer really gets its minimum
    int expected = (int) Math.ceil(1.25 * 10 * 1_600_000.0 / fastest);
    Timeline t = record(nano, w, new Protocol(0, 0, 0, 0, 100_000, 10, 0));
    assertThat(countIn(t, Phases.LAYERS)).isEqualTo(expected);
    Timeline capped = record(nano, w, new Protocol(0, 0, 0, 0, 40, 10, 0));
    assertThat(countIn(capped, Phases.LAYERS)).isEqualTo(Math.min(expected, 40));
  }

  @Test
  void theSameSeedGivesTheSameTimeline() {
    Timeline a = record(VirtualNano.create(11), V2, SMALL);
    Timeline b = record(VirtualNano.create(11), V2, SMALL);
    assertThat(a.samples()).isEqualTo(b.samples());
    assertThat(a.events().inferences()).isEqualTo(b.events().inferences());
    assertThat(a.events().phases()).isEqualTo(b.events().phases());
    assertThat(a.events().layerCount()).isEqualTo(b.events().layerCount());
    for (int i = 0; i < a.events().layerCount(); i++) {
      assertThat(a.events().layer(i)).isEqualTo(b.events().layer(i));
    }
  }

  @Test
  void anotherSeedGivesOtherSamples() {
    Timeline a = record(VirtualNano.create(11), V2, SMALL);
    Timeline b = record(VirtualNano.create(12), V2, SMALL);
    assertThat(a.samples()).isNotEqualTo(b.samples());
    assertThat(a.events().inferences()).isNotEqualTo(b.events().inferences());
  }

  @Test
  void readingsLookLikeTheNanoSensor() {
    Timeline t = record(VirtualNano.create(2), V2, SMALL);
    List<PowerSample> s = t.samples();
    List<Long> gaps = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      PowerSample p = s.get(i);
      assertThat(p.readStartNs()).isLessThanOrEqualTo(p.tNs());
      assertThat(p.readEndNs()).isGreaterThanOrEqualTo(p.tNs());
      assertThat(p.readEndNs() - p.readStartNs()).isBetween(100_000L, 300_000L);
      for (double v : p.powerMw()) {
        assertThat(v / 7).isCloseTo(Math.rint(v / 7), within(1e-9));
      }
      if (i > 0) {
        gaps.add(p.tNs() - s.get(i - 1).tNs());
      }
    }
    double mean = gaps.stream().mapToLong(Long::longValue).average().orElseThrow();
    assertThat(mean).isCloseTo(1_600_000, within(20_000.0));
  }

  @Test
  void sensingAddsConstantPowerToTheInputRail() {
    VirtualNano nano = VirtualNano.create(2);
    GroundTruth g = nano.groundTruth(V2);
    assertThat(g.sensingMw()).isBetween(300.0, 500.0);
    Timeline t = record(nano, V2, SMALL);
    AnalysisResult r = Analyzer.analyze(t, true, AnalysisOptions.defaults());
    assertThat(r.idlePowerMw().get("in").mean()).isCloseTo(g.idlePower().inMw(), within(5.0));
    assertThat(r.idlePowerMw().get("gpu").mean()).isCloseTo(g.idlePower().gpuMw(), within(5.0));
  }

  @Test
  void groundTruthMatchesWhatTheAnalysisMeasures() {
    VirtualNano nano = VirtualNano.create(4);
    GroundTruth g = nano.groundTruth(V2);
    assertThat(g.layers()).hasSize(66);
    Timeline t = record(nano, V2, new Protocol(2, 200, 200, 20, 3000, 100, 10_000_000L));
    AnalysisResult r = Analyzer.analyze(t, true, AnalysisOptions.defaults());
    assertThat(r.inferences().latencyMs().mean())
        .isCloseTo(g.latencyNs() / 1e6, within(0.01 * g.latencyNs() / 1e6));
    // time-weighted true power over an inference
    double truthIn = 0;
    for (GroundTruth.LayerTruth l : g.layers()) {
      truthIn += l.power().inMw() * l.durationNs();
    }
    truthIn = (truthIn + g.tailPower().inMw() * g.tailNs()) / g.latencyNs();
    assertThat(r.inferences().powerMw().get("in").mean())
        .isCloseTo(truthIn, within(0.01 * truthIn));
    for (int i = 0; i < g.layers().size(); i++) {
      assertThat(r.layers().get(i).durationMsMean())
          .isCloseTo(
              g.layers().get(i).durationNs() / 1e6,
              within(0.02 * g.layers().get(i).durationNs() / 1e6));
    }
  }

  @Test
  void aBoxcarWindowAveragesTheTruePower() {
    Workload w = new Workload(Zoo.network("mobilenetv2"), 1, ExecutionMode.SYNC, InputKind.VARIED);
    Timeline instant = record(VirtualNano.create(9), w, SMALL);
    Timeline boxcar = record(VirtualNano.create(9, SensorConfig.boxcar(5_000_000L)), w, SMALL);
    PhaseEvent power = phase(instant, Phases.POWER);
    double spreadInstant = spread(instant, phase(instant, Phases.POWER), 2);
    double spreadBoxcar = spread(boxcar, phase(boxcar, Phases.POWER), 2);
    assertThat(spreadBoxcar).isLessThan(spreadInstant);
    assertThat(power.durationNs()).isPositive();
    // once the window lies wholly inside the idle phase, the boxcar reads the constant idle power
    GroundTruth g = VirtualNano.create(9).groundTruth(w);
    PhaseEvent idle = phase(boxcar, Phases.IDLE);
    List<PowerSample> inside =
        boxcar.samples().stream()
            .filter(x -> x.readEndNs() - 5_000_000L >= idle.startNs() && idle.contains(x.tNs()))
            .toList();
    assertThat(inside).hasSizeGreaterThan(40);
    double meanIn = inside.stream().mapToDouble(x -> x.powerMw(0)).average().orElseThrow();
    assertThat(meanIn).isCloseTo(g.idlePower().inMw(), within(5.0));
    // the first idle readings still see the last inference through the window
    PowerSample first =
        boxcar.samples().stream().filter(x -> idle.contains(x.tNs())).findFirst().orElseThrow();
    assertThat(first.powerMw(0)).isGreaterThan(g.idlePower().inMw() + 50);
    assertThatThrownBy(() -> SensorConfig.boxcar(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void singleLayerNetworksFollowFigureEleven() {
    VirtualNano nano = VirtualNano.create(1);
    double k1 = meanTruePower(nano, Zoo.singleConv(1, 1, 3, 3, 224, 224));
    double k5 = meanTruePower(nano, Zoo.singleConv(5, 1, 3, 3, 224, 224));
    double s2 = meanTruePower(nano, Zoo.singleConv(5, 2, 3, 3, 224, 224));
    double c48 = meanTruePower(nano, Zoo.singleConv(1, 1, 3, 48, 224, 224));
    assertThat(k5).isGreaterThan(k1);
    assertThat(s2).isLessThan(k5);
    assertThat(c48).isGreaterThan(k1);
    // a layer inside the network draws more than the same layer alone (Fig. 10)
    GroundTruth full = nano.groundTruth(V2);
    GroundTruth alone =
        nano.groundTruth(
            new Workload(
                Zoo.prefix(Zoo.network("mobilenetv2"), 2),
                1,
                ExecutionMode.SYNC,
                InputKind.VARIED));
    assertThat(alone.layers().get(1).power().inMw())
        .isLessThan(full.layers().get(1).power().inMw());
    assertThat(alone.layers().get(1).durationNs()).isEqualTo(full.layers().get(1).durationNs());
  }

  @Test
  void reportsProgressPerPhase() {
    List<String> seen = new ArrayList<>();
    VirtualNano.create(1)
        .record(
            V2,
            SMALL,
            (phase, done, total) -> {
              assertThat(done).isLessThanOrEqualTo(total);
              if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(phase)) {
                seen.add(phase);
              }
            });
    assertThat(seen)
        .containsExactly(Phases.WARMUP, Phases.LATENCY, Phases.POWER, Phases.LAYERS, Phases.IDLE);
  }

  @Test
  void aDefaultProtocolRunsInVirtualTime() {
    // 30,000-cycle cap, 2 s idle: minutes of virtual time, recorded without sleeping
    Timeline t = record(VirtualNano.create(1), V2, Protocol.defaults());
    PhaseEvent layers = phase(t, Phases.LAYERS);
    assertThat(layers.durationNs()).isGreaterThan(60_000_000_000L);
    assertThat(t.events().layerCount()).isGreaterThan(1_000_000);
  }

  private static double meanTruePower(VirtualNano nano, io.inferwatt.core.model.NetworkSpec net) {
    GroundTruth g = nano.groundTruth(new Workload(net, 1, ExecutionMode.SYNC, InputKind.VARIED));
    double e = 0;
    for (GroundTruth.LayerTruth l : g.layers()) {
      e += l.power().inMw() * l.durationNs();
    }
    return e / (g.latencyNs() - g.tailNs());
  }

  private static double spread(Timeline t, PhaseEvent p, int rail) {
    double[] v =
        t.samples().stream()
            .filter(s -> p.contains(s.tNs()))
            .mapToDouble(s -> s.powerMw(rail))
            .toArray();
    double mean = java.util.Arrays.stream(v).average().orElseThrow();
    return Math.sqrt(java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length);
  }

  private static PhaseEvent phase(Timeline t, String name) {
    return t.events().phases().stream()
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static long countIn(Timeline t, String name) {
    PhaseEvent p = phase(t, name);
    return t.events().inferences().stream().filter(e -> p.contains(e.startNs())).count();
  }
}
