package io.inferwatt.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.models.Zoo;
import io.inferwatt.engines.sim.VirtualNano;
import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.Rail;
import io.inferwatt.hardware.Recorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Memory and time are estimated and checked before anything is measured: a protocol too large for
 * the heap or the time bound is refused in second 0 with one line, nothing applied; a normal one
 * passes. Expected numbers are worked out by hand from tiny fixtures.
 */
class BudgetTest {

  private static Workload workload(String net) {
    return new Workload(Zoo.network(net), 1, ExecutionMode.SYNC, InputKind.FIXED_RANDOM);
  }

  /** A real-looking board that knows its rails and period, and a latency only when given. */
  private record FakeBoard(
      int railCount, long periodNs, OptionalLong cycleNs, List<Workload> recorded)
      implements Recorder {
    FakeBoard(int railCount, long periodNs, OptionalLong cycleNs) {
      this(railCount, periodNs, cycleNs, new ArrayList<>());
    }

    @Override
    public String board() {
      return "fake";
    }

    @Override
    public boolean simulated() {
      return false;
    }

    @Override
    public List<Rail> rails() {
      List<Rail> r = new ArrayList<>();
      for (int i = 0; i < railCount; i++) {
        r.add(new Rail("r" + i, "r" + i, "rail", i == 0));
      }
      return r;
    }

    @Override
    public List<Knob> knobs() {
      return List.of();
    }

    @Override
    public Timeline record(Workload w, Protocol p, ProgressListener l) {
      recorded.add(w);
      throw new AssertionError("measured although the budget should have refused");
    }

    @Override
    public OptionalLong expectedCycleNs(Workload w, Map<String, String> settings) {
      return cycleNs;
    }

    @Override
    public long samplePeriodNs() {
      return periodNs;
    }
  }

  /** Five layers; the largest input + output is the Add's 16 + 16 elements. */
  private static final Workload TINY =
      new Workload(
          new NetworkSpec(
              "tiny",
              List.of(2, 2, 2),
              List.of(
                  new LayerSpec("r", "Reformat", List.of(2, 2, 2), List.of(2, 2, 2), 0, 0, 0, 0, 0),
                  new LayerSpec(
                      "c", "Conv", List.of(2, 2, 2), List.of(4, 2, 2), 1, 1, 1, 1_000_000, 12),
                  new LayerSpec("a", "Add", List.of(4, 2, 2), List.of(4, 2, 2), 0, 0, 0, 0, 0),
                  new LayerSpec("p", "Pool", List.of(4, 2, 2), List.of(4, 1, 1), 2, 2, 0, 0, 0),
                  new LayerSpec("f", "Gemm", List.of(4), List.of(3), 0, 0, 0, 12, 15))),
          1,
          ExecutionMode.SYNC,
          InputKind.BLACK);

  /** warm-up 1, latency 2, power 3, layer cycles 4, idle 1 s. */
  private static final Protocol SMALL = new Protocol(1, 2, 3, 4, 99, 1, 1_000_000_000L);

  @Test
  void theEstimateCountsWhatARecordingKeeps() {
    FakeBoard board = new FakeBoard(2, 1_000_000, OptionalLong.of(10_000_000));
    Budget.Estimate e = Budget.estimate(board, TINY, Map.of(), SMALL, false);
    // inferences: 1 + 2 + 3 + 4 = 10; layer events: 4 cycles × 5 layers = 20
    assertThat(e.inferences()).isEqualTo(10);
    assertThat(e.layerEvents()).isEqualTo(20);
    // the logger runs in the power and layer phases (7 cycles × 10 ms) and the idle 1 s: 1.07 s at
    // one sample per ms
    assertThat(e.samples()).isCloseTo(1070, within(1e-6));
    // on the board: 10 cycles × 10 ms + 1 s
    assertThat(e.durationNs()).isCloseTo(1.1e9, within(1.0));
    assertThat(e.cycleKnown()).isTrue();
    // a sample: 68 B + nothing for the streaming analysis + 8 B of the stored details' time array +
    // 2 rails × 8 B = 92 B; a layer event of a real engine: 132 + 8 sorting + 8 for the layer's
    // median + 200 = 348 B; an
    // inference: 48 B + 124 B analysis index + a per-inference record of 96 + 2 × 16 B = 300 B
    assertThat(e.recordingBytes()).isCloseTo(1070 * 92 + 20 * 348 + 10 * 300, within(1e-6));
    // in the base: 400 KiB of results and 9 per-inference records (warm-up left out) of 20 + 2 ×
    // 24 B; the raw recording: 1070 samples × 2 rails × 6 B, 20 layer events × 8 B, 10 inference
    // events × 20 B
    assertThat(e.storedSummaryBytes()).isCloseTo(400 * 1024 + 9 * (20 + 2 * 24), within(1e-6));
    assertThat(e.storedRawBytes()).isCloseTo(1070 * 2 * 6 + 20 * 8 + 10 * 20, within(1e-6));
    // weights: 12 + 15 parameters × 4 B; activations: the Add's 16 in + 16 out
    assertThat(e.weightBytes()).isEqualTo(108);
    assertThat(e.activationElements()).isEqualTo(32);

    long bytes = 1070 * 92 + 20 * 348 + 10 * 300;
    assertThat(new Budget(bytes, 2_000_000_000L).problem(e)).isNull();
    assertThat(new Budget(bytes - 1, 2_000_000_000L).problem(e))
        .startsWith("tiny on fake: the recording needs about 106 KiB of memory (1070 power samples")
        .contains("more than this JVM may use (106 KiB)")
        .contains("shorten the idle phase (now 1.00 s; --idle or protocol.idle)")
        .contains("raise -Xmx");
    // 1.1 s against a bound of 1 s: the idle second is the longest phase
    assertThat(new Budget(bytes, 1_000_000_000L).problem(e))
        .isEqualTo(
            "tiny on fake: the protocol takes about 1.10 s, more than the 1.00 s one configuration"
                + " may take; shorten the idle phase (now 1.00 s; --idle or protocol.idle)");
  }

  @Test
  void aBaseThatWouldNotFitOnItsDiskIsRefusedInOneLine() {
    long mib = 1L << 20;
    assertThat(Budget.diskProblem("b.duckdb", 10 * mib, 100 * mib, "all")).isNull();
    assertThat(Budget.diskProblem("b.duckdb", 40 * mib, 100 * mib, "all"))
        .isEqualTo(
            "the measurement base b.duckdb would grow by about 40.0 MiB (--keep-raw all), but its"
                + " disk has 100 MiB free (and 64.0 MiB must stay free); free some space, name a"
                + " base on another disk with --db, or keep less with --keep-raw summary");
  }

  @Test
  void aBoardThatCannotTellItsLatencyIsBoundedFromBelow() {
    // 10^12 multiply-accumulates at the 10^16 per second ceiling: at least 100 µs per cycle
    Workload big =
        new Workload(
            new NetworkSpec(
                "big",
                List.of(1),
                List.of(
                    new LayerSpec(
                        "g", "Gemm", List.of(1), List.of(1), 0, 0, 0, 1_000_000_000_000L, 0))),
            1,
            ExecutionMode.SYNC,
            InputKind.BLACK);
    Budget.Estimate e =
        Budget.estimate(
            new FakeBoard(1, 0, OptionalLong.empty()),
            big,
            Map.of(),
            new Protocol(0, 1_000_000, 1_000_000, 1, 1, 1, 0),
            false);
    assertThat(e.cycleKnown()).isFalse();
    assertThat(e.cycleNs()).isCloseTo(100_000, within(1e-6));
    // 2 000 001 cycles × 100 µs ≈ 200 s; the unknown period counts as 1 ms: 100 000 samples
    assertThat(e.durationNs()).isCloseTo(2_000_001 * 1e5, within(1.0));
    assertThat(e.samples()).isCloseTo(1_000_001 * 1e5 / 1e6, within(1e-6));
    assertThat(new Budget(1L << 40, 100_000_000_000L).problem(e))
        .startsWith("big on fake: the protocol takes at least 3.33 min")
        .contains("lower the cycles (now 1000000 per phase");
  }

  @Test
  void theVirtualNanoKnowsItsLatencyAtTheSettingsToBeApplied() {
    VirtualNano nano = VirtualNano.create(1);
    Workload v2 = workload("mobilenetv2");
    long top = nano.expectedCycleNs(v2, Map.of()).getAsLong();
    long slow = nano.expectedCycleNs(v2, Map.of("gpu.freq_hz", "76800000")).getAsLong();
    // asking changes nothing on the board
    assertThat(nano.knob("gpu.freq_hz").read()).isEqualTo("921600000");
    // the truth the board runs by, inference plus gap, at each setting
    assertThat(top).isEqualTo(nano.groundTruth(v2).latencyNs() + nano.groundTruth(v2).gapNs());
    nano.knob("gpu.freq_hz").apply("76800000");
    assertThat(slow).isEqualTo(nano.groundTruth(v2).latencyNs() + nano.groundTruth(v2).gapNs());
    assertThat(slow).isGreaterThan(5 * top);
    // and a measured latency agrees with it
    nano.knob("gpu.freq_hz").apply("921600000");
    ProfileResult r =
        ProfileRunner.run(
            nano,
            v2,
            Map.of(),
            new Protocol(2, 50, 50, 1, 1, 1, 0),
            AnalysisOptions.defaults(),
            Recorder.ProgressListener.NONE);
    assertThat(r.analysis().inferences().latencyMs().mean() * 1e6)
        .isCloseTo((double) top - nano.groundTruth(v2).gapNs(), within(0.03 * top));
  }

  @Test
  void theDefaultProtocolFitsAGigabyte() {
    VirtualNano nano = VirtualNano.create(1);
    Budget gigabyte = new Budget(1L << 30, Budget.MAX_CONFIGURATION_NS);
    for (String net : List.of("mobilenetv1", "mobilenetv2", "resnet18", "resnet50")) {
      Budget.Estimate e =
          Budget.estimate(nano, workload(net), Map.of(), Protocol.defaults(), false);
      assertThat(gigabyte.problem(e)).as(net).isNull();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aThousandHoursOfIdleAreRefusedBeforeAnySettingChanges() {
    VirtualNano nano = VirtualNano.create(1);
    Protocol idle = new Protocol(50, 500, 500, 0, 30_000, 100, 1000L * 3600 * 1_000_000_000L);
    assertThatThrownBy(
            () ->
                ProfileRunner.run(
                    nano,
                    workload("mobilenetv2"),
                    Map.of("cpu.cores", "1"),
                    idle,
                    AnalysisOptions.defaults(),
                    Recorder.ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "mobilenetv2 on sim:nano: the recording would hold 2.25e+09 power samples, more than"
                + " one recording can hold (2147483639); shorten the idle phase (now 1000 h;"
                + " --idle or protocol.idle)");
    assertThat(nano.knob("cpu.cores").read()).isEqualTo("4");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void twentyMillionCyclesAreRefusedBeforeMeasuring() {
    FakeBoard real = new FakeBoard(3, 1_600_000, OptionalLong.of(20_000_000));
    Protocol p = new Protocol(50, 20_000_000, 20_000_000, 0, 30_000, 100, 2_000_000_000L);
    assertThatThrownBy(
            () ->
                ProfileRunner.run(
                    real,
                    workload("mobilenetv2"),
                    Map.of(),
                    p,
                    AnalysisOptions.defaults(),
                    Recorder.ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("mobilenetv2 on fake: the recording needs about ")
        .hasMessageContaining("lower the cycles (now 20000000 per phase, 20.0 ms each; --cycles")
        .hasMessageContaining("raise -Xmx");
    assertThat(real.recorded()).isEmpty();
    // on the virtual Nano the same, through its own latency
    VirtualNano nano = VirtualNano.create(1);
    assertThatThrownBy(
            () ->
                ProfileRunner.run(
                    nano,
                    workload("mobilenetv2"),
                    Map.of(),
                    p,
                    AnalysisOptions.defaults(),
                    Recorder.ProgressListener.NONE))
        .hasMessageContaining("lower the cycles (now 20000000 per phase");
  }

  @Test
  void aRealBoardsStudyRefusesAModelTooLargeToBuild() {
    // 46 000 × 46 000 weights fit one tensor but not one ONNX file (8 GB > 2 GB)
    Workload huge =
        new Workload(
            Zoo.singleConv(1, 1, 46_000, 46_000, 1, 1), 1, ExecutionMode.SYNC, InputKind.BLACK);
    Budget.Estimate e =
        Budget.estimate(null, huge, Map.of(), new Protocol(0, 1, 1, 1, 1, 1, 0), true);
    assertThat(new Budget(1L << 40, Budget.MAX_CONFIGURATION_NS).problem(e))
        .isEqualTo(
            "conv-k1-s1-c46000x46000-1x1 on this board: the model's weights take 7.88 GiB, more"
                + " than one ONNX file can hold (2.00 GiB); use a smaller kernel or fewer channels");
    // a virtual board never builds it
    Budget.Estimate sim =
        Budget.estimate(
            VirtualNano.create(1), huge, Map.of(), new Protocol(0, 1, 1, 1, 1, 1, 0), false);
    assertThat(new Budget(1L << 40, Budget.MAX_CONFIGURATION_NS).problem(sim)).isNull();
  }
}
