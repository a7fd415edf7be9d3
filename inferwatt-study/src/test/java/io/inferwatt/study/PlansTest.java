package io.inferwatt.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.engines.sim.VirtualNano;
import io.inferwatt.hardware.knobs.Host;
import io.inferwatt.hardware.knobs.Knobs;
import io.inferwatt.hardware.knobs.NvmlControl;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Plan files: parsing, validation against the board (every problem at once), expansion, keys. */
class PlansTest {
  private static final String PLAN =
      """
      study: t
      board: sim:nano
      protocol: {warmup: 1, cycles: 5, max_layer_cycles: 10, idle: 10ms}
      baseline: {model: mobilenetv2, cpu.cores: 4}
      sweeps:
        - name: cores
          vary: {cpu.cores: [1, 4]}
        - name: clocks
          vary: {cpu.freq_khz: [102000, 1479000], gpu.freq_hz: all}
        - name: mb
          grid: {mode: [sync, async], batch: [1, 8]}
      """;

  private static Expansion expand(String text) {
    return Plans.expand(
        Plans.parse(text, "t.yaml"), "sim:nano", List.of("sim"), VirtualNano.create(1).knobs());
  }

  @Test
  void sweepsExpandFromTheBaseAndSharedConfigurationsRunOnce() {
    Expansion e = expand(PLAN);
    assertThat(e.plan().protocol().latencyCycles()).isEqualTo(5);
    assertThat(e.plan().protocol().idleNs()).isEqualTo(10_000_000L);
    assertThat(e.slices())
        .extracting(Expansion.Slice::label)
        .containsExactly("cores", "clocks/cpu.freq_khz", "clocks/gpu.freq_hz", "mb");
    assertThat(e.slices().get(2).keys()).hasSize(12);
    // base (4 cores, 1479000, 921600000, sync, 1) is in every slice but measured once
    assertThat(e.configurations()).hasSize(2 + 1 + 11 + 3);
    assertThat(e.configurations().get(0).settings())
        .containsOnlyKeys(
            "model", "batch", "mode", "input", "cpu.cores", "cpu.freq_khz", "gpu.freq_hz");
    assertThat(e.configurations().get(0).describe())
        .startsWith("model=mobilenetv2 batch=1 mode=sync input=fixed-random cpu.cores=1");
    // keys are stable and change with the protocol
    assertThat(expand(PLAN).configurations()).isEqualTo(e.configurations());
    assertThat(expand(PLAN.replace("cycles: 5", "cycles: 6")).configurations().get(0).key())
        .isNotEqualTo(e.configurations().get(0).key());
  }

  @Test
  void theMeasuringOrderIsAsWrittenUnlessThePlanShufflesIt() {
    assertThat(expand(PLAN).plan().order()).isEqualTo(Plan.Order.AS_WRITTEN);
    assertThat(expand("order: shuffled\n" + PLAN).plan().order()).isEqualTo(Plan.Order.SHUFFLED);
    assertThat(expand("order: as-written\n" + PLAN).plan().order())
        .isEqualTo(Plan.Order.AS_WRITTEN);
    assertThatThrownBy(() -> Plans.parse("order: random\n" + PLAN, "t.yaml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("order 'random' is not one of as-written, shuffled");
    // the order is not part of a configuration's key: a study may be resumed in either order
    assertThat(expand("order: shuffled\n" + PLAN).configurations())
        .isEqualTo(expand(PLAN).configurations());
  }

  @Test
  void theOldKeyBaseStillReadsWithOneNoteAndTheNewKeyWithNone() {
    List<String> notes = new java.util.ArrayList<>();
    Plan old = Plans.parse(PLAN.replace("baseline:", "base:"), "old.yaml", notes::add);
    assertThat(notes)
        .containsExactly(
            "old.yaml: the key 'base' is now called 'baseline'; 'base' still works, rename it");
    notes.clear();
    Plan now = Plans.parse(PLAN, "new.yaml", notes::add);
    assertThat(notes).isEmpty();
    assertThat(old.baseline()).isEqualTo(now.baseline()).containsEntry("cpu.cores", "4");
    assertThat(expand(PLAN.replace("baseline:", "base:")).configurations())
        .isEqualTo(expand(PLAN).configurations());
    // both keys: refused, and problems name the key the plan used
    assertThatThrownBy(() -> Plans.parse(PLAN + "base: {cpu.cores: 1}\n", "both.yaml", notes::add))
        .hasMessageContaining("both 'baseline' and its old name 'base'");
    assertThatThrownBy(() -> Plans.parse(PLAN.replace("baseline: {", "base: {x: [1], "), "o.yaml"))
        .hasMessageContaining("base.x must be one value");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    String bad =
        """
        study: t
        board: sim:nano
        engine: tensorrt
        protocol: {cycles: 0, speed: 3}
        baseline: {model: mobilenetv9, cpu.cores: 9}
        sweeps:
          - name: a
            vary: {cpu.freq_khz: [1, 102000], gpu.freq_hz: [5], fan: [1]}
          - name: b
            grid: {batch: all, mode: [sync, fast]}
        """;
    assertThatThrownBy(() -> expand(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("t.yaml: 2 problems")
        .hasMessageContaining("protocol.cycles 0 is not a whole number from 1 up")
        .hasMessageContaining("protocol: unknown key 'speed'");
    String parses = bad.replace("protocol: {cycles: 0, speed: 3}\n", "");
    assertThatThrownBy(() -> expand(parses))
        .hasMessageContaining("t: 8 problems")
        .hasMessageContaining("engine 'tensorrt' is not one of sim")
        .hasMessageContaining("model 'mobilenetv9' is not one of densenet121")
        .hasMessageContaining("baseline: cpu.cores 9 is not one of 1, 2, 3, 4")
        .hasMessageContaining("sweep a: cpu.freq_khz 1 is not one of 102000, 204000")
        .hasMessageContaining("sweep a: gpu.freq_hz 5 is not one of 76800000")
        .hasMessageContaining(
            "sweep a: 'fan' is not a setting of this board (it has model, batch, mode, input, cpu.cores")
        .hasMessageContaining("sweep b: batch has no finite list of values; name them")
        .hasMessageContaining("execution mode 'fast' is not one of sync, async");
  }

  @Test
  void formProblems() {
    assertThatThrownBy(() -> Plans.parse("study: [x", "f.yaml"))
        .hasMessageContaining("f.yaml: not valid YAML");
    assertThatThrownBy(() -> Plans.parse("- 1", "f.yaml"))
        .hasMessageContaining("a plan is a YAML mapping");
    assertThatThrownBy(
            () ->
                Plans.parse(
                    "study: T x\nboard: sim:nano\nsweeps:\n  - name: a\n  - {name: a, vary: {batch: [1]}, grid: {batch: [1]}}\nextra: 1",
                    "f.yaml"))
        .hasMessageContaining("unknown key 'extra'")
        .hasMessageContaining("study 'T x' must be lower-case")
        .hasMessageContaining("sweeps[0] (a) needs exactly one of vary")
        .hasMessageContaining("sweeps[1] (a) needs exactly one of vary");
    assertThatThrownBy(() -> expand(PLAN.replace("board: sim:nano", "board: jetson")))
        .hasMessageContaining("the plan is for board jetson, not sim:nano");
  }

  @Test
  void modelsAPlanMayName() {
    assertThat(Models.network("mobilenetv2-layer1").layers())
        .extracting(l -> l.type())
        .containsExactly("Reformat", "Conv");
    assertThat(Models.network("mobilenetv2-layer1").layers().get(1).name()).isEqualTo("conv0");
    assertThat(Models.network("mobilenetv2-prefix5").layers()).hasSize(5);
    assertThat(Models.network("conv-k3-s2-c3x16-224x224").layers().get(1).kernel()).isEqualTo(3);
    assertThatThrownBy(() -> Models.network("mobilenetv2-layer999"))
        .hasMessageContaining("layer 999 is not in 0..");
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void aPlanOfMillionsOfConfigurationsIsCountedAndRefusedBeforeExpanding() {
    StringBuilder batches = new StringBuilder();
    for (int b = 1; b <= 4096; b++) {
      batches.append(b == 1 ? "" : ", ").append(b);
    }
    String huge =
        "study: huge\nboard: sim:nano\nsweeps:\n  - name: all\n    grid: {cpu.cores: all,"
            + " cpu.freq_khz: all, gpu.freq_hz: all, mode: all, input: all, batch: ["
            + batches
            + "]}\n  - name: one\n    vary: {cpu.cores: [1, 2]}\n";
    // 4 × 15 × 12 × 2 × 3 × 4096 = 17 694 720 in the grid, 2 more in the other sweep
    assertThatThrownBy(() -> expand(huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith(
            "the plan makes 1.77e+07 configurations, more than the 100000 a study may have;"
                + " shrink the largest axes (sweep all: batch 4096 × cpu.freq_khz 15 ×"
                + " gpu.freq_hz 12 × cpu.cores 4 × input 3 × mode 2 = 1.77e+07) or split the plan"
                + " into several studies");
    // below the limit it expands: 4 × 15 × 12 × 2 × 3 × 23 = 99 360 (+ 2 shared) configurations
    String atLimit =
        huge.replace(batches.toString(), batches.substring(0, batches.indexOf(", 24,")));
    assertThat(expand(atLimit).configurations()).hasSize(99_360);
  }

  @Test
  void aGridKeepsItsOrderTheLastSettingFastest() {
    Expansion e =
        expand(
            "study: g\nboard: sim:nano\nsweeps:\n  - name: g\n    grid: {cpu.cores: [1, 2],"
                + " mode: [sync, async], batch: [1, 2, 4]}\n");
    assertThat(e.configurations())
        .extracting(
            c ->
                c.settings().get("cpu.cores")
                    + c.settings().get("mode")
                    + c.settings().get("batch"))
        .containsExactly(
            "1sync1", "1sync2", "1sync4", "1async1", "1async2", "1async4", "2sync1", "2sync2",
            "2sync4", "2async1", "2async2", "2async4");
  }

  @Test
  void absurdConvolutionsAreRefusedByThePlanCheck() {
    String plan =
        "study: c\nboard: sim:nano\nsweeps:\n  - name: k\n    vary: {model:"
            + " [conv-k3-s1-c3x16-224x224, conv-k99999-s1-c3x16-224x224,"
            + " conv-k3-s1-c3x100000-224x224, conv-k3-s1-c3x16-99999999999x1]}\n";
    assertThatThrownBy(() -> expand(plan))
        .hasMessageContaining("c: 3 problems in the plan")
        .hasMessageContaining(
            "sweep k: conv-k99999-s1-c3x16-224x224, layer conv: the weights would hold"
                + " 16×3×99999×99999 = 4.80e+11 values, more than one tensor can (2147483639);"
                + " use a smaller kernel or input, or fewer channels")
        .hasMessageContaining(
            "sweep k: conv-k3-s1-c3x100000-224x224, layer conv: output channels 100000 is not in"
                + " 1..65536")
        .hasMessageContaining("model 'conv-k3-s1-c3x16-99999999999x1' is not one of");
  }

  private static final String ORT =
      """
      study: o
      board: local
      engine: onnxruntime
      protocol: {warmup: 1, cycles: 5, idle: 0s}
      baseline: {model: conv-k3-s1-c8x8-16x16}
      sweeps:
        - name: t
          vary: {batch: [1, 2]}
      """;

  private static Expansion expandOn(String text, String board, List<String> engines) {
    return Plans.expand(Plans.parse(text, "o.yaml"), board, engines, List.of());
  }

  @Test
  void threadsIsAnOnnxRuntimeSettingThatConfigurationsHoldOnlyWhereThePlanNamesIt() {
    List<String> ort = List.of("onnxruntime");
    // not named: no configuration has it, and the engine chooses (workload threads 0)
    Expansion none = expandOn(ORT, "local", ort);
    assertThat(none.configurations())
        .allSatisfy(c -> assertThat(c.settings()).doesNotContainKey("threads"));
    assertThat(Models.workload(none.configurations().get(0).settings()).threads()).isZero();
    // in the baseline: every configuration, and the workload runs at it
    Expansion base =
        expandOn(
            ORT.replace("model: conv-k3-s1-c8x8-16x16", "model: conv-k3-s1-c8x8-16x16, threads: 1"),
            "local",
            ort);
    assertThat(base.configurations())
        .hasSize(2)
        .allSatisfy(c -> assertThat(c.settings()).containsEntry("threads", "1"));
    assertThat(Models.workload(base.configurations().get(0).settings()).threads()).isEqualTo(1);
    assertThat(base.configurations().get(0).describe()).contains("threads=1");
    // in a sweep only: the sweep's configurations have it, the baseline's not
    Expansion swept = expandOn(ORT + "  - name: th\n    vary: {threads: [1, 2]}\n", "local", ort);
    assertThat(swept.configurations()).hasSize(4);
    assertThat(swept.configurations())
        .filteredOn(c -> c.sweep().equals("th"))
        .extracting(c -> c.settings().get("threads"))
        .containsExactly("1", "2");
    assertThat(swept.configurations().get(0).settings()).doesNotContainKey("threads");
    // a grid too, and an execution provider of ONNX Runtime has them for its CPU nodes
    assertThat(
            expandOn(
                    ORT.replace("engine: onnxruntime", "engine: onnxruntime:cuda")
                        .replace("vary: {batch: [1, 2]}", "grid: {batch: [1, 2], threads: [1, 4]}"),
                    "local",
                    List.of("onnxruntime:cuda"))
                .configurations())
        .hasSize(4);
  }

  @Test
  void threadsMustBeAWholeNumberFrom1To1024AndOnlyOnOnnxRuntime() {
    String bad =
        ORT.replace("model: conv-k3-s1-c8x8-16x16", "model: conv-k3-s1-c8x8-16x16, threads: 0")
            + "  - name: th\n    vary: {threads: [2, -1, 1.5, two, 1025, 1024]}\n";
    assertThatThrownBy(() -> expandOn(bad, "local", List.of("onnxruntime")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("o: 5 problems")
        .hasMessageContaining("baseline: threads 0 is not a whole number from 1 to 1024")
        .hasMessageContaining("sweep th: threads -1 is not a whole number from 1 to 1024")
        .hasMessageContaining("sweep th: threads 1.5 is not")
        .hasMessageContaining("sweep th: threads two is not")
        .hasMessageContaining("sweep th: threads 1025 is not")
        .hasMessageNotContaining("threads 2 ")
        .hasMessageNotContaining("threads 1024 ");
    // trtexec and the runner: ONNX Runtime's threads are not theirs
    String trt =
        ORT.replace("engine: onnxruntime", "engine: tensorrt")
            .replace("model: conv-k3-s1-c8x8-16x16", "model: conv-k3-s1-c8x8-16x16, threads: 1");
    assertThatThrownBy(() -> expandOn(trt, "local", List.of("tensorrt", "onnxruntime")))
        .hasMessageContaining(
            "baseline: threads: only the onnxruntime engine has intra-op threads, not engine"
                + " tensorrt");
    // the virtual boards: the same line, in the baseline and in a sweep, and never listed
    String sim = PLAN + "  - name: th\n    vary: {threads: [1]}\n";
    assertThatThrownBy(() -> expand(sim))
        .hasMessageContaining("1 problem")
        .hasMessageContaining(
            "sweep th: threads: only the onnxruntime engine has intra-op threads, not engine sim");
    assertThatThrownBy(() -> expand(PLAN.replace("cpu.cores: 4}", "cpu.cores: 4, threads: 2}")))
        .hasMessageContaining("baseline: threads: only the onnxruntime engine");
    assertThatThrownBy(() -> expand(PLAN + "  - name: f\n    vary: {fan: [1]}\n"))
        .hasMessageContaining("(it has model, batch, mode, input, cpu.cores")
        .hasMessageNotContaining("threads");
    assertThatThrownBy(
            () ->
                expandOn(
                    ORT + "  - name: f\n    vary: {fan: [1]}\n", "local", List.of("onnxruntime")))
        .hasMessageContaining("(it has model, batch, mode, input, threads)");
  }

  /**
   * The keys of plans that do not name {@code threads} are the keys computed before the setting
   * existed (hard-coded from that code), so that their measurement bases resume where they stopped.
   */
  @Test
  void keysOfPlansWithoutThreadsAreUnchangedRegressionGuard() throws Exception {
    Plan nano = Plans.load(Path.of("..", "plans", "nano-hardware.yaml"), s -> {});
    List<Configuration> n =
        Plans.expand(nano, "sim:nano", List.of("sim"), VirtualNano.create(1).knobs())
            .configurations();
    assertThat(n.get(0).key()).isEqualTo("88cf5c85751854f3");
    assertThat(n.get(n.size() - 1).key()).isEqualTo("cbdba2522b653e34");
    // the ONNX Runtime training plan as it was before it named threads: 1
    String text = Files.readString(Path.of("..", "plans", "train-local-ort.yaml"));
    assertThat(text).containsPattern("(?m)^  threads: 1$");
    String before = text.replaceFirst("(?m)^  threads: 1\n", "");
    List<Configuration> o = expandOn(before, "local", List.of("onnxruntime")).configurations();
    assertThat(o).hasSize(523);
    assertThat(o.get(0).key()).isEqualTo("1f3d58fc582270e5");
    assertThat(o.get(o.size() - 1).key()).isEqualTo("0ccd4c3dc0e070ff");
    // naming threads makes other configurations (measured anew, not mixed with the old ones)
    List<Configuration> now = expandOn(text, "local", List.of("onnxruntime")).configurations();
    assertThat(now).hasSize(523);
    assertThat(now.get(0).settings()).containsEntry("threads", "1");
    assertThat(now.get(0).key()).isNotEqualTo("1f3d58fc582270e5");
  }

  @Test
  void theExamplePlansAndThePaperPlanAreValid() throws Exception {
    int n = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("..", "plans"), "*.yaml")) {
      for (Path p : ds) {
        List<String> notes = new java.util.ArrayList<>();
        Plan plan = Plans.load(p, notes::add);
        assertThat(notes).as(p + " uses no deprecated form").isEmpty();
        boolean sim = plan.board().equals("sim:nano");
        boolean simGpu = plan.board().equals("sim:gpu");
        // a plan for an NVIDIA GPU is checked against the GPU knobs of an H100-like NVML
        boolean nvidia = plan.board().equals("nvidia");
        assertThat(
                Plans.expand(
                        plan,
                        plan.board(),
                        sim || simGpu
                            ? List.of("sim")
                            : nvidia
                                ? List.of("tensorrt", "onnxruntime", "external")
                                : List.of("onnxruntime"),
                        sim
                            ? VirtualNano.create(1).knobs()
                            : simGpu
                                ? io.inferwatt.engines.sim.VirtualGpu.create(1).knobs()
                                : nvidia
                                    ? Knobs.nvidiaGpu(Host.system(), new H100(), 0)
                                    : List.of())
                    .configurations())
            .as(p.toString())
            .isNotEmpty();
        n++;
      }
    }
    assertThat(n).isPositive();
    assertThat(PaperStudy.plan("sim:nano").study()).isEqualTo("paper-nano");
  }

  /** NVML's answers for an H100-like GPU, read-only. */
  static final class H100 implements NvmlControl {
    @Override
    public int deviceCount() {
      return 1;
    }

    @Override
    public List<Integer> supportedMemoryClocksMhz(int device) {
      return List.of(2619);
    }

    @Override
    public List<Integer> supportedGraphicsClocksMhz(int device, int memoryClockMhz) {
      return List.of(1980, 1755, 1410, 1005);
    }

    @Override
    public OptionalInt lockedGraphicsClockMhz(int device) {
      return OptionalInt.empty();
    }

    @Override
    public void setGpuLockedClocksMhz(int device, int minMhz, int maxMhz) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void resetGpuLockedClocks(int device) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int powerLimitMw(int device) {
      return 700_000;
    }

    @Override
    public int[] powerLimitConstraintsMw(int device) {
      return new int[] {200_000, 700_000};
    }

    @Override
    public void setPowerLimitMw(int device, int limitMw) {
      throw new UnsupportedOperationException();
    }
  }
}
