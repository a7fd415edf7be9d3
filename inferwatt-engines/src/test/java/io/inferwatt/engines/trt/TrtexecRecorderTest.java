package io.inferwatt.engines.trt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.feed.SampleFeed;
import io.inferwatt.engines.onnx.Networks;
import io.inferwatt.engines.onnx.OnnxIo;
import io.inferwatt.engines.runner.ProcessLauncher;
import io.inferwatt.hardware.Recorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trtexec recorder against a fake trtexec ({@code resources/trt/fake_trtexec.py}) that writes
 * irregular compute windows and logs where they truly were, and a power feed that synthesises a GPU
 * trace from that truth, so the placement can be checked against a known offset.
 */
class TrtexecRecorderTest {
  static final Workload WORKLOAD =
      new Workload(
          new NetworkSpec("conv", List.of(3, 16, 16), List.of()),
          1,
          ExecutionMode.SYNC,
          InputKind.FIXED_RANDOM);
  static final Protocol PROTOCOL = new Protocol(0, 20, 30, 15, 100, 1, 50_000_000L);

  @TempDir Path dir;
  Path exe;
  Path model;
  Path log;
  Map<String, String> env = new HashMap<>();

  @BeforeEach
  void setUp() throws Exception {
    boolean python =
        Files.isExecutable(Path.of("/usr/bin/python3"))
            || Files.isExecutable(Path.of("/usr/local/bin/python3"));
    assumeThat(python).as("python3 is needed for the fake trtexec").isTrue();
    Path bin = Files.createDirectories(dir.resolve("bin"));
    exe = bin.resolve("trtexec");
    Path script = Path.of(getClass().getResource("/trt/fake_trtexec.py").toURI());
    Files.copy(script, exe);
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    model = dir.resolve("conv.onnx");
    OnnxIo.write(Networks.conv(3, 1, 3, 8, 16, 1, 1), model);
    log = dir.resolve("calls.jsonl");
    env.put("FAKE_TRTEXEC_LOG", log.toString());
    env.put("FAKE_TRTEXEC_FIXTURES", script.getParent().toString());
  }

  /** The working folders the recorder ran trtexec in. */
  final List<Path> workDirs = new ArrayList<>();

  private TrtexecRecorder recorder(SampleFeed feed) {
    ProcessLauncher l =
        (argv, e, wd) -> {
          workDirs.add(wd);
          Map<String, String> all = new HashMap<>(e);
          all.putAll(env);
          return ProcessLauncher.system().launch(argv, all, wd);
        };
    TrtexecOptions o =
        TrtexecOptions.defaults()
            .withTrtexec(exe)
            .withEngineCache(dir.resolve("engines"))
            .withWarmupMs(20)
            .withTimeout(Duration.ofSeconds(30));
    return TrtexecRecorder.create(model, o, l, Optional.ofNullable(feed));
  }

  /** One call of the fake: its arguments, and for runs the true start and compute windows. */
  record Call(List<String> argv, long runStartNs, List<double[]> windowsMs) {}

  private List<Call> calls() throws IOException {
    List<Call> out = new ArrayList<>();
    if (!Files.exists(log)) {
      return out;
    }
    for (String line : Files.readAllLines(log)) {
      List<String> argv = new ArrayList<>();
      List<double[]> windows = new ArrayList<>();
      long start = -1;
      try (JsonParser p = new JsonFactory().createParser(line)) {
        p.nextToken();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String k = p.currentName();
          p.nextToken();
          switch (k) {
            case "argv" -> {
              while (p.nextToken() != JsonToken.END_ARRAY) {
                argv.add(p.getText());
              }
            }
            case "run_start_ns" -> start = p.getLongValue();
            case "windows" -> {
              while (p.nextToken() == JsonToken.START_ARRAY) {
                p.nextToken();
                double a = p.getDoubleValue();
                p.nextToken();
                windows.add(new double[] {a, p.getDoubleValue()});
                p.nextToken();
              }
            }
            default -> p.skipChildren();
          }
        }
      }
      out.add(new Call(argv, start, windows));
    }
    return out;
  }

  private long builds() throws IOException {
    return calls().stream()
        .filter(c -> c.argv().stream().anyMatch(a -> a.startsWith("--onnx=")))
        .count();
  }

  /** A 1 kHz feed whose GPU rail is high while the fake's (logged) compute windows run. */
  final class TraceFeed implements SampleFeed {
    private long startNs;
    private final SplittableRandom rnd = new SplittableRandom(3);

    @Override
    public List<String> rails() {
      return List.of("in", "gpu");
    }

    @Override
    public long periodNs() {
      return 1_000_000;
    }

    @Override
    public void start() {
      startNs = System.nanoTime();
    }

    @Override
    public List<PowerSample> stop() {
      long end = System.nanoTime();
      List<long[]> busy = new ArrayList<>();
      try {
        for (Call c : calls()) {
          for (double[] w : c.windowsMs()) {
            busy.add(
                new long[] {
                  c.runStartNs() + Math.round(w[0] * 1e6), c.runStartNs() + Math.round(w[1] * 1e6)
                });
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      List<PowerSample> out = new ArrayList<>();
      for (long t = startNs; t < end; t += periodNs()) {
        long tt = t;
        boolean on = busy.stream().anyMatch(b -> tt >= b[0] && tt < b[1]);
        double gpu = (on ? 5200 : 2100) + rnd.nextGaussian() * 150;
        out.add(PowerSample.at(t, gpu + 3000, gpu));
      }
      return out;
    }
  }

  @Test
  void recordsEveryPhaseBuildsOnceAndPlacesThePassesOnThePowerTrace() throws Exception {
    TrtexecRecorder r = recorder(new TraceFeed());
    Timeline t = r.record(WORKLOAD, PROTOCOL, Recorder.ProgressListener.NONE);
    TrtexecRecorder.Report rep = r.lastReport();

    assertThat(rep.version()).isEqualTo(new Trtexec.Version(10, 3, 0));
    assertThat(rep.engineBuilt()).isTrue();
    assertThat(rep.engine()).exists().hasParent(dir.resolve("engines"));
    assertThat(rep.engine().getFileName().toString()).contains("trt10.3.0-b1-fp32");
    assertThat(t.events().phases())
        .extracting(PhaseEvent::name)
        .containsExactly("warmup", "latency", "power", "layers", "idle");
    assertThat(t.events().inferences()).hasSize(20 + 30 + 15);
    assertThat(t.events().layerCount()).isEqualTo(15 * 3);
    assertThat(t.events().layer(1).name()).isEqualTo("/conv1/Conv + /relu/Relu");
    assertThat(t.events().layer(1).type()).isEqualTo("Conv");
    assertThat(t.events().layer(0).type()).isEqualTo("Reformat");
    assertThat(rep.profiledIterations()).isEqualTo(1568);
    List<String> layerArgs =
        calls().stream()
            .filter(c -> c.argv().stream().anyMatch(a -> a.startsWith("--exportProfile")))
            .findFirst()
            .orElseThrow()
            .argv();
    assertThat(layerArgs)
        .contains("--separateProfileRun")
        .anyMatch(a -> a.startsWith("--exportTimes="));

    // placement: the truth is the fake's own run start, in the same monotonic clock
    List<Call> runs = calls().stream().filter(c -> c.runStartNs() > 0).toList();
    assertThat(runs).hasSize(3);
    assertThat(rep.alignments())
        .extracting(TrtexecRecorder.PassAlignment::phase)
        .containsExactly("latency", "power", "layers");
    TrtexecRecorder.PassAlignment lat = rep.alignments().get(0);
    assertThat(lat.method()).isEqualTo("launch bracket");
    assertThat(Math.abs(lat.applied().offsetNs() - runs.get(0).runStartNs()))
        .isLessThanOrEqualTo(lat.applied().uncertaintyNs());
    assertThat(lat.applied().uncertaintyNs())
        .isGreaterThan(50_000_000L); // the fake loads for 150 ms
    for (int i = 1; i < 3; i++) {
      TrtexecRecorder.PassAlignment a = rep.alignments().get(i);
      assertThat(a.method()).isEqualTo("power trace");
      assertThat(a.trace()).isPresent();
      assertThat(Math.abs(a.applied().offsetNs() - runs.get(i).runStartNs()))
          .isLessThanOrEqualTo(1_000_000L);
      assertThat(a.applied().uncertaintyNs()).isEqualTo(1_000_000L);
    }
    assertThat(rep.alignmentErrorNs()).isEqualTo(lat.applied().uncertaintyNs());

    long before = builds();
    assertThat(before).isEqualTo(1);
    r.record(WORKLOAD, PROTOCOL, Recorder.ProgressListener.NONE);
    assertThat(builds()).as("the second recording reuses the cached engine").isEqualTo(1);
    assertThat(r.lastReport().engineBuilt()).isFalse();
    assertThat(r.lastReport().notes()).anyMatch(n -> n.contains("taken from the cache"));
  }

  @Test
  void tensorRt8ProfilesInASeparateRunAndBuildsWithBuildOnly() throws Exception {
    env.put("FAKE_TRTEXEC_VERSION", "8201");
    TrtexecRecorder r = recorder(null);
    Timeline t = r.record(WORKLOAD, PROTOCOL, Recorder.ProgressListener.NONE);
    assertThat(r.lastReport().version()).isEqualTo(new Trtexec.Version(8, 2, 1));
    assertThat(t.events().phases())
        .extracting(PhaseEvent::name)
        .containsExactly("warmup", "latency", "layers");
    assertThat(t.events().layerCount()).isEqualTo(15 * 3);
    assertThat(t.events().layer(0).type()).isEqualTo("Conv");
    assertThat(r.lastReport().notes()).anyMatch(n -> n.contains("no power sensor"));
    List<Call> c = calls();
    assertThat(c.get(0).argv()).contains("--buildOnly");
    assertThat(c.get(c.size() - 1).argv()).contains("--separateProfileRun");
  }

  @Test
  void aFailingPassNamesItselfAndTrtexecsErrorAndKeepsTheEarlierPasses() {
    env.put("FAKE_TRTEXEC_FAIL", "run:power");
    TrtexecRecorder r = recorder(new TraceFeed());
    assertThatThrownBy(() -> r.record(WORKLOAD, PROTOCOL, Recorder.ProgressListener.NONE))
        .isInstanceOfSatisfying(
            TrtexecException.class,
            e -> {
              assertThat(e.getMessage())
                  .contains("power pass")
                  .contains("status 3")
                  .contains("out of memory");
              assertThat(e.stderrTail()).contains("Inference set up failed");
              assertThat(e.partial().events().inferences()).hasSize(20);
              assertThat(e.partial().events().phases())
                  .extracting(PhaseEvent::name)
                  .contains("latency");
            });
    // the temporary folder of exports is gone with the failure
    assertThat(workDirs).isNotEmpty().allSatisfy(w -> assertThat(w).doesNotExist());
  }

  @Test
  void aChildTrtexecLeavesBehindIsEndedWithThePass() throws Exception {
    Path pidFile = dir.resolve("orphan.pid");
    env.put("FAKE_TRTEXEC_FAIL", "orphan:latency");
    env.put("FAKE_TRTEXEC_ORPHAN", pidFile.toString());
    try {
      recorder(new TraceFeed()).record(WORKLOAD, PROTOCOL, Recorder.ProgressListener.NONE);
      long child = Long.parseLong(Files.readString(pidFile).strip());
      assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive))
          .isNotEqualTo(Optional.of(true));
    } finally {
      if (Files.exists(pidFile)) {
        ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()))
            .ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  @Test
  void endlessOutputLinesAreCutInTheMessage() {
    env.put("FAKE_TRTEXEC_FAIL", "longline:latency");
    TrtexecRecorder r = recorder(new TraceFeed());
    assertThatThrownBy(() -> r.record(WORKLOAD, PROTOCOL, Recorder.ProgressListener.NONE))
        .isInstanceOfSatisfying(
            TrtexecException.class,
            e -> {
              assertThat(e.getMessage()).contains("latency pass").contains("status 3");
              assertThat(e.getMessage().length()).isLessThan(64 * 1024);
              assertThat(e.stderrTail().length()).isLessThan(64 * 1024);
            });
  }

  @Test
  void anUnparsableExportNamesTheFileAndLineAndKeepsIt() {
    env.put("FAKE_TRTEXEC_FAIL", "garbage:layers");
    TrtexecRecorder r = recorder(new TraceFeed());
    assertThatThrownBy(() -> r.record(WORKLOAD, PROTOCOL, Recorder.ProgressListener.NONE))
        .isInstanceOfSatisfying(
            TrtexecException.class,
            e -> {
              assertThat(e.getMessage()).contains("layers.times.json");
              assertThat(e.file()).hasValueSatisfying(f -> assertThat(f).exists());
              assertThat(e.line()).isEqualTo(3);
              assertThat(e.partial().events().inferences()).hasSize(20 + 30);
              assertThat(e.partial().samples()).isNotEmpty();
              // only the export at fault is kept, for a person to read
              try (var left = Files.list(e.file().orElseThrow().getParent())) {
                assertThat(left.toList()).containsExactly(e.file().orElseThrow());
              } catch (IOException io) {
                throw new java.io.UncheckedIOException(io);
              }
            });
  }

  @Test
  void aFailedBuildSaysWhyAndLeavesNoEngine() throws Exception {
    env.put("FAKE_TRTEXEC_FAIL", "build");
    TrtexecRecorder r = recorder(null);
    assertThatThrownBy(() -> r.record(WORKLOAD, PROTOCOL, Recorder.ProgressListener.NONE))
        .isInstanceOf(TrtexecException.class)
        .hasMessageContaining("build pass")
        .hasMessageContaining("unsupported operator");
    try (var s = Files.list(dir.resolve("engines"))) {
      assertThat(s.filter(p -> p.toString().endsWith(".engine")).toList()).isEmpty();
    }
  }

  @Test
  void aMissingTrtexecIsAClearError() {
    assertThatThrownBy(
            () -> TrtexecEngine.resolve(Path.of("trtexec"), dir.toString() + ":/nonexistent"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trtexec not found")
        .hasMessageContaining("--trtexec");
    assertThat(TrtexecEngine.resolve(Path.of("trtexec"), "/nonexistent:" + exe.getParent()))
        .isEqualTo(exe);
    TrtexecOptions o = TrtexecOptions.defaults().withTrtexec(dir.resolve("no/trtexec"));
    assertThatThrownBy(
            () -> TrtexecRecorder.create(model, o, ProcessLauncher.system(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not executable");
  }

  @Test
  void versionsAndLayerTypesParse() {
    assertThat(Trtexec.parseVersion("&&&& RUNNING TensorRT.trtexec [TensorRT v8601] # trtexec"))
        .hasValue(new Trtexec.Version(8, 6, 1));
    assertThat(
            Trtexec.parseVersion(
                "&&&& RUNNING TensorRT.trtexec [TensorRT v100300] [b17] # trtexec"))
        .hasValue(new Trtexec.Version(10, 3, 0));
    assertThat(Trtexec.parseVersion("[TensorRT v11.1.0.106] [b48]"))
        .hasValue(new Trtexec.Version(11, 1, 0));
    assertThat(Trtexec.parseVersion("[I] TensorRT version: 10.3.0"))
        .hasValue(new Trtexec.Version(10, 3, 0));
    assertThat(Trtexec.parseVersion("usage: trtexec")).isEmpty();
    assertThat(TrtexecEngine.layerType("Conv_5 + Add_6 + Relu_7")).isEqualTo("Conv");
    assertThat(TrtexecEngine.layerType("/maxpool/MaxPool")).isEqualTo("MaxPool");
    assertThat(TrtexecEngine.layerType("Reformatting CopyNode for Output Tensor 0 to MaxPool_2"))
        .isEqualTo("Reformat");
    assertThat(TrtexecEngine.layerType("{ForeignNode[/a...]}")).isEmpty();
  }
}
