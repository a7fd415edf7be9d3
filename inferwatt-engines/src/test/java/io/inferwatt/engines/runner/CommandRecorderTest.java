package io.inferwatt.engines.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.feed.SampleFeed;
import io.inferwatt.hardware.Recorder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The external runner recorder against a small Python runner ({@code fake_runner.py}). */
class CommandRecorderTest {

  static Path script;
  static final Workload WORKLOAD =
      new Workload(
          new NetworkSpec("fake", List.of(3, 8, 8), List.of()),
          4,
          ExecutionMode.ASYNC,
          InputKind.VARIED);
  static final Protocol PROTOCOL = new Protocol(2, 3, 0, 2, 10, 1, 10_000_000L);

  @BeforeAll
  static void findPython() throws Exception {
    boolean python =
        Files.isExecutable(Path.of("/usr/bin/python3"))
            || Files.isExecutable(Path.of("/usr/local/bin/python3"));
    assumeThat(python).as("python3 is needed for the runner tests").isTrue();
    script = Path.of(CommandRecorderTest.class.getResource("/runner/fake_runner.py").toURI());
  }

  private static CommandRecorder recorder(
      String mode, Duration timeout, ProcessLauncher l, SampleFeed feed) {
    return CommandRecorder.create(
        List.of("python3", script.toString(), mode), timeout, l, Optional.ofNullable(feed), null);
  }

  @Test
  void readsTheEventsAndFillsPlaceholdersAndEnvironment() {
    List<List<String>> started = new ArrayList<>();
    List<Map<String, String>> envs = new ArrayList<>();
    ProcessLauncher spy =
        (argv, env, dir) -> {
          started.add(argv);
          envs.add(env);
          return ProcessLauncher.system().launch(argv, env, dir);
        };
    CommandRecorder r =
        CommandRecorder.create(
            List.of("python3", script.toString(), "ok", "{batch}"),
            Duration.ofSeconds(30),
            spy,
            Optional.of(new ConstantFeed()),
            null);
    Timeline t = r.record(WORKLOAD, PROTOCOL, Recorder.ProgressListener.NONE);

    assertThat(started.get(0)).containsExactly("python3", script.toString(), "ok", "4");
    assertThat(envs.get(0))
        .containsEntry("INFERWATT_MODE", "async")
        .containsEntry("INFERWATT_INPUT", "varied")
        .containsEntry("INFERWATT_LAYER_CYCLES", "2")
        .containsEntry("INFERWATT_NETWORK", "fake");
    assertThat(t.events().inferences()).hasSize(2 + 3 + 2);
    assertThat(t.events().inferences()).allSatisfy(e -> assertThat(e.batch()).isEqualTo(4));
    assertThat(t.events().layerCount()).isEqualTo(2 * 3);
    assertThat(t.events().layer(0).name()).isEqualTo("conv_0");
    assertThat(t.events().phases())
        .extracting(PhaseEvent::name)
        .containsExactly("warmup", "latency", "layers", "idle");
    assertThat(t.rails()).containsExactly("gpu");
    assertThat(t.samples()).isNotEmpty();
  }

  @Test
  void garbageIsAnErrorNamingTheLineAndEarlierEventsAreKept() {
    CommandRecorder r = recorder("garbage", Duration.ofSeconds(30), ProcessLauncher.system(), null);
    assertThatThrownBy(() -> r.record(WORKLOAD, PROTOCOL, Recorder.ProgressListener.NONE))
        .isInstanceOfSatisfying(
            RunnerException.class,
            e -> {
              assertThat(e.line()).isEqualTo(3); // meta, inference, then the stray line
              assertThat(e.getMessage()).contains(":3:").contains("malformed JSON");
              assertThat(e.partial().events().inferences()).hasSize(1);
            });
  }

  @Test
  void aCrashIsAnErrorWithTheStatusAndStderrAndEarlierEventsAreKept() {
    CommandRecorder r =
        recorder("crash", Duration.ofSeconds(30), ProcessLauncher.system(), new ConstantFeed());
    assertThatThrownBy(() -> r.record(WORKLOAD, PROTOCOL, Recorder.ProgressListener.NONE))
        .isInstanceOfSatisfying(
            RunnerException.class,
            e -> {
              assertThat(e.getMessage()).contains("exited with status 3").contains("boom");
              assertThat(e.stderrTail()).contains("Traceback");
              assertThat(e.partial().events().inferences()).hasSize(3);
              assertThat(e.partial().rails()).containsExactly("gpu");
            });
  }

  @Test
  void aHangingRunnerIsStoppedAfterTheTimeout() {
    CommandRecorder r = recorder("hang", Duration.ofMillis(1500), ProcessLauncher.system(), null);
    List<Process> started = new ArrayList<>();
    CommandRecorder spy =
        CommandRecorder.create(
            List.of("python3", script.toString(), "hang"),
            Duration.ofMillis(1500),
            (argv, env, dir) -> {
              Process p = ProcessLauncher.system().launch(argv, env, dir);
              started.add(p);
              return p;
            },
            Optional.empty(),
            null);
    assertThatThrownBy(() -> spy.record(WORKLOAD, PROTOCOL, Recorder.ProgressListener.NONE))
        .isInstanceOfSatisfying(
            RunnerException.class,
            e -> {
              assertThat(e.getMessage()).contains("did not finish within 1.5 s");
              assertThat(e.partial().events().inferences()).hasSize(1);
            });
    assertThat(started.get(0).isAlive()).isFalse();
    assertThat(r.board()).isEqualTo("runner:python3");
  }

  @Test
  void aMissingProgramIsAnErrorThatNamesIt() {
    CommandRecorder r =
        CommandRecorder.create(
            List.of("/nonexistent/runner"),
            Duration.ofSeconds(5),
            ProcessLauncher.system(),
            Optional.empty(),
            null);
    assertThatThrownBy(() -> r.record(WORKLOAD, PROTOCOL, Recorder.ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/nonexistent/runner");
  }

  private static CommandRecorder shell(String script, Duration timeout) {
    return CommandRecorder.create(
        List.of("sh", "-c", script), timeout, ProcessLauncher.system(), Optional.empty(), null);
  }

  @Test
  void aRunnerThatLeavesAChildBehindEndsAtOnceAndTheChildIsEnded(@TempDir Path dir)
      throws Exception {
    Path pidFile = dir.resolve("child.pid");
    // the child inherits stdout and outlives the runner, which exits 0 at once (after a pause, so
    // that the reader waits on the pipe when it exits: the JVM closes a pipe it finds idle then)
    CommandRecorder r =
        shell("sleep 600 & echo $! > '" + pidFile + "'; sleep 0.3; exit 0", Duration.ofSeconds(60));
    try {
      Timeline t =
          assertTimeoutPreemptively(
              Duration.ofSeconds(15),
              () -> r.record(WORKLOAD, PROTOCOL, Recorder.ProgressListener.NONE));
      assertThat(t.events().inferences()).isEmpty();
      long child = Long.parseLong(Files.readString(pidFile).strip());
      Optional<ProcessHandle> h = ProcessHandle.of(child);
      if (h.isPresent()) {
        h.get().onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
      }
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
  void aRunnerThatLeavesAChildBehindReportsItsOwnFailingStatusAtOnce() {
    CommandRecorder r = shell("sleep 600 & sleep 0.3; exit 7", Duration.ofSeconds(60));
    assertThatThrownBy(
            () ->
                assertTimeoutPreemptively(
                    Duration.ofSeconds(15),
                    () -> r.record(WORKLOAD, PROTOCOL, Recorder.ProgressListener.NONE)))
        .isInstanceOfSatisfying(
            RunnerException.class,
            e -> assertThat(e.getMessage()).contains("exited with status 7"));
  }

  @Test
  void deeplyNestedJsonFailsTheRunNamingTheLine() {
    // 50 000 levels: past any recursive reader's stack, or past a bounded reader's limit
    CommandRecorder r =
        shell(
            "echo '{\"event\":\"meta\"}'; printf '{\"event\":\"meta\",\"x\":';"
                + " head -c 50000 /dev/zero | tr '\\0' '['; echo",
            Duration.ofSeconds(60));
    assertThatThrownBy(() -> r.record(WORKLOAD, PROTOCOL, Recorder.ProgressListener.NONE))
        .isInstanceOfSatisfying(
            RunnerException.class,
            e -> {
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.getMessage()).contains(":2:").hasSizeLessThan(400).doesNotContain("\n");
            });
  }

  @Test
  void outputStillArrivingAfterTheRunnerExitedIsReadToItsEnd() {
    // A loaded machine: the runner has exited, but its last lines reach the reader over 3 s, longer
    // than the 2 s grace a reader gets before a pipe that stays silent is cut off. The bad second
    // line must still fail the run, naming it (CI once lost it and reported line 0).
    byte[] second = ("{\"event\":\"meta\",\"x\":" + "[".repeat(50_000) + "\n").getBytes();
    ProcessLauncher exitedButSlow =
        (argv, env, dir) ->
            new TrickledOutput(
                ProcessLauncher.system().launch(List.of("true"), env, dir),
                "{\"event\":\"meta\"}\n".getBytes(),
                second,
                30,
                100);
    CommandRecorder r =
        CommandRecorder.create(
            List.of("runner"), Duration.ofSeconds(60), exitedButSlow, Optional.empty(), null);
    assertThatThrownBy(() -> r.record(WORKLOAD, PROTOCOL, Recorder.ProgressListener.NONE))
        .isInstanceOfSatisfying(RunnerException.class, e -> assertThat(e.line()).isEqualTo(2));
  }

  /** A finished process whose stdout gives its first bytes at once and the rest in timed pieces. */
  private static final class TrickledOutput extends Process {
    private final Process exited;
    private final InputStream out;

    TrickledOutput(Process exited, byte[] first, byte[] rest, int pieces, long pauseMs)
        throws IOException {
      this.exited = exited;
      try {
        exited.waitFor();
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
      this.out =
          new InputStream() {
            private int at = -first.length;
            private boolean closed;

            @Override
            public int read() throws IOException {
              byte[] one = new byte[1];
              return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public synchronized int read(byte[] b, int off, int len) throws IOException {
              if (closed) {
                throw new IOException("Stream closed");
              }
              if (at < 0) {
                int n = Math.min(len, -at);
                System.arraycopy(first, first.length + at, b, off, n);
                at += n;
                return n;
              }
              if (at >= rest.length) {
                return -1;
              }
              try {
                Thread.sleep(pauseMs);
              } catch (InterruptedException e) {
                throw new IOException(e);
              }
              int n = Math.min(len, Math.max(1, rest.length / pieces));
              n = Math.min(n, rest.length - at);
              System.arraycopy(rest, at, b, off, n);
              at += n;
              return n;
            }

            @Override
            public void close() {
              closed = true;
            }
          };
    }

    @Override
    public OutputStream getOutputStream() {
      return exited.getOutputStream();
    }

    @Override
    public InputStream getInputStream() {
      return out;
    }

    @Override
    public InputStream getErrorStream() {
      return exited.getErrorStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
      return exited.waitFor();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
      return exited.waitFor(timeout, unit);
    }

    @Override
    public int exitValue() {
      return exited.exitValue();
    }

    @Override
    public void destroy() {
      exited.destroy();
    }

    @Override
    public Process destroyForcibly() {
      exited.destroyForcibly();
      return this;
    }

    @Override
    public boolean isAlive() {
      return exited.isAlive();
    }

    @Override
    public long pid() {
      return exited.pid();
    }

    @Override
    public ProcessHandle toHandle() {
      return exited.toHandle();
    }

    @Override
    public Stream<ProcessHandle> descendants() {
      return Stream.empty();
    }
  }

  @Test
  void aLineWithoutEndFailsTheRunAtTheBoundAndStopsTheRunner() {
    // 3 MiB without a newline, then the runner would wait for ten minutes
    CommandRecorder r =
        shell("head -c 3145728 /dev/zero | tr '\\0' 'x'; sleep 600", Duration.ofSeconds(60));
    assertThatThrownBy(
            () ->
                assertTimeoutPreemptively(
                    Duration.ofSeconds(20),
                    () -> r.record(WORKLOAD, PROTOCOL, Recorder.ProgressListener.NONE)))
        .isInstanceOfSatisfying(
            RunnerException.class,
            e -> {
              assertThat(e.line()).isEqualTo(1);
              assertThat(e.getMessage())
                  .contains("longer than 1048576")
                  .contains("xxxx")
                  .hasSizeLessThan(400);
            });
  }

  @Test
  void theReferencePyTorchRunnerCompilesAndExplainsItself() throws Exception {
    Path torchRunner = Path.of("..", "runners", "torch_runner.py");
    assumeThat(Files.exists(torchRunner)).as("run from the module folder").isTrue();
    Process compile =
        new ProcessBuilder(
                "python3",
                "-B",
                "-c",
                "import ast,sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])",
                torchRunner.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(new String(compile.getInputStream().readAllBytes())).isEmpty();
    assertThat(compile.waitFor()).isZero();
    Process help =
        new ProcessBuilder("python3", "-B", torchRunner.toString(), "--help")
            .redirectErrorStream(true)
            .start();
    String text = new String(help.getInputStream().readAllBytes());
    assertThat(help.waitFor()).isZero();
    assertThat(text).contains("--model").contains("--layers");
  }

  /** One rail at 1 ms. */
  static final class ConstantFeed implements SampleFeed {
    private long start;

    @Override
    public List<String> rails() {
      return List.of("gpu");
    }

    @Override
    public long periodNs() {
      return 1_000_000;
    }

    @Override
    public void start() {
      start = System.nanoTime();
    }

    @Override
    public List<PowerSample> stop() {
      List<PowerSample> out = new ArrayList<>();
      for (long t = start; t < System.nanoTime(); t += periodNs()) {
        out.add(PowerSample.at(t, 1234));
      }
      return out;
    }
  }
}
