package io.inferwatt.hardware.knobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.inferwatt.hardware.Knob;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saved state and restore: after an exception, after Ctrl-C (SIGINT to a child JVM) and after
 * {@code kill -9} (the next start restores), each checked by reading the fake tree back.
 */
class AppliedSettingsTest {
  /** The only board these tests know: a Jetson under any root. */
  static final KnownBoards JETSONS =
      (board, host) ->
          board.equals("jetson-nano") ? Optional.of(Knobs.jetson(host)) : Optional.empty();

  @TempDir Path dir;
  private Path root;
  private StateDir state;
  private Map<String, String> original;

  @BeforeEach
  void board() throws IOException {
    root = FakeJetson.nano(Files.createDirectories(dir.resolve("board")));
    state = StateDir.at(dir.resolve("state"));
    original = FakeJetson.snapshot(root);
  }

  private Host host() {
    return Host.of(root, FakeJetson.nvpmodel(root, false), SysfsWriter.direct());
  }

  private static void applyAll(List<Knob> knobs) {
    for (Knob k : knobs) {
      switch (k.name()) {
        case "power.mode" -> k.apply("1");
        case "cpu.cores" -> k.apply("2");
        case "cpu.freq_khz" -> k.apply("307200");
        case "gpu.freq_hz" -> k.apply("537600000");
        case "emc.freq_hz" -> k.apply("800000000");
        default -> {}
      }
    }
  }

  @Test
  void everythingIsRestoredAfterAnExceptionAndTheStateFileWasWrittenFirst() {
    List<String> seen = new ArrayList<>();
    assertThatThrownBy(
            () -> {
              try (AppliedSettings s =
                  AppliedSettings.open(
                      state,
                      "jetson-nano",
                      host(),
                      Knobs.jetson(host()),
                      NvmlBinding.unavailable(),
                      seen::add)) {
                applyAll(s.guard(Knobs.jetson(host())));
                assertThat(FakeJetson.snapshot(root)).isNotEqualTo(original);
                String saved = Files.readString(state.pendingFile("jetson-nano"));
                assertThat(saved)
                    .startsWith("inferwatt-state\t1\nboard\tjetson-nano\n")
                    .contains("step\tnvpmodel\t0")
                    .contains("step\twrite\t/sys/devices/system/cpu/cpu3/online\t1")
                    .contains(
                        "step\trange\t/sys/devices/system/cpu/cpu0/cpufreq/scaling_min_freq\t"
                            + "/sys/devices/system/cpu/cpu0/cpufreq/scaling_max_freq\t102000\t1479000");
                // power.mode was changed first, so it is restored last
                assertThat(saved.lastIndexOf("nvpmodel")).isGreaterThan(saved.lastIndexOf("range"));
                throw new IllegalStateException("engine crashed");
              }
            })
        .hasMessage("engine crashed");
    assertThat(FakeJetson.snapshot(root)).isEqualTo(original);
    assertThat(state.pendingFile("jetson-nano")).doesNotExist();
  }

  @Test
  void aRefusedValueIsNeverSaved() {
    try (AppliedSettings s =
        AppliedSettings.open(
            state,
            "jetson-nano",
            host(),
            Knobs.jetson(host()),
            NvmlBinding.unavailable(),
            l -> {})) {
      Knob cpu = s.guard(Knobs.jetson(host())).get(2);
      assertThatThrownBy(() -> cpu.apply("1")).hasMessageContaining("is not one of");
      assertThat(state.pendingFile("jetson-nano")).doesNotExist();
    }
  }

  @Test
  void aSecondProcessIsKeptOffTheBoard() {
    try (AppliedSettings s =
        AppliedSettings.open(
            state,
            "jetson-nano",
            host(),
            Knobs.jetson(host()),
            NvmlBinding.unavailable(),
            l -> {})) {
      assertThatThrownBy(
              () ->
                  AppliedSettings.open(
                      state,
                      "jetson-nano",
                      host(),
                      Knobs.jetson(host()),
                      NvmlBinding.unavailable(),
                      l -> {}))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(
              "board jetson-nano is in use by another inferwatt (pid "
                  + ProcessHandle.current().pid());
      // another board is free
      AppliedSettings.open(
              state, "orin", host(), Knobs.jetson(host()), NvmlBinding.unavailable(), l -> {})
          .close();
    }
    AppliedSettings.open(
            state, "jetson-nano", host(), Knobs.jetson(host()), NvmlBinding.unavailable(), l -> {})
        .close();
  }

  @Test
  void openingABoardFirstRestoresWhatACrashLeft() {
    Host host = host();
    List<Knob> raw = Knobs.jetson(host);
    List<RestoreStep> steps = new ArrayList<>();
    for (Knob k : raw) {
      steps.addAll(((Restorable) k).restoreSteps());
    }
    StateDir.writeAtomically(
        state.pendingFile("jetson-nano"),
        new PendingState("jetson-nano", root, 12345, steps).format());
    applyAll(raw); // the crashed process's changes
    List<String> log = new ArrayList<>();
    try (AppliedSettings s =
        AppliedSettings.open(
            state, "jetson-nano", host, Knobs.jetson(host), NvmlBinding.unavailable(), log::add)) {
      assertThat(FakeJetson.snapshot(root)).isEqualTo(original);
      assertThat(s.restoredAtOpen()).singleElement().asString().contains("left by process 12345");
    }
    assertThat(state.pendingFile("jetson-nano")).doesNotExist();
  }

  @Test
  void aDryRunSavesNothingAndRestoresOnlyInItsLog() {
    List<String> log = new ArrayList<>();
    Host dry = host().dryRun(log::add);
    try (AppliedSettings s =
        AppliedSettings.open(
            state, "jetson-nano", dry, Knobs.jetson(dry), NvmlBinding.unavailable(), l -> {})) {
      applyAll(s.guard(Knobs.jetson(dry)));
      assertThat(state.pendingFile("jetson-nano")).doesNotExist();
    }
    assertThat(log)
        .contains(
            "would run nvpmodel -m 1",
            "would run nvpmodel -m 0",
            "would write 102000 to /sys/devices/system/cpu/cpu0/cpufreq/scaling_min_freq");
    assertThat(FakeJetson.snapshot(root)).isEqualTo(original);
  }

  private Process child() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            KnobChild.class.getName(),
            root.toString(),
            state.path().toString())
        .redirectError(dir.resolve("child.err").toFile())
        .start();
  }

  private static void awaitApplied(Process p, Path err) throws IOException {
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = r.readLine();
    assertThat(line)
        .as("child stderr: %s", Files.exists(err) ? Files.readString(err) : "")
        .isEqualTo("APPLIED");
  }

  @Test
  void ctrlCInTheMeasuringProcessRestoresEverything() throws Exception {
    Process p = child();
    try {
      awaitApplied(p, dir.resolve("child.err"));
      assertThat(FakeJetson.snapshot(root)).isNotEqualTo(original);
      assertThat(state.pendingFile("jetson-nano")).exists();
      // while it runs, nobody else takes the board or replays its state
      List<Restorer.Outcome> busy =
          Restorer.restorePending(
              state,
              JETSONS,
              FakeJetson.nvpmodel(root, false),
              SysfsWriter.direct(),
              NvmlBinding.unavailable());
      assertThat(busy)
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.restored()).isFalse();
                assertThat(o.message())
                    .contains("in use by a running inferwatt (pid " + p.pid() + ")");
              });
      assumeThat(sigintIgnored(p.pid())).as("SIGINT is ignored in this environment").isFalse();
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(130);
      assertThat(FakeJetson.snapshot(root)).isEqualTo(original);
      assertThat(state.pendingFile("jetson-nano")).doesNotExist();
      assertThat(Files.readString(dir.resolve("child.err")))
          .contains("interrupted; restored the settings");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void afterKill9TheNextStartRestores() throws Exception {
    Process p = child();
    try {
      awaitApplied(p, dir.resolve("child.err"));
      p.destroyForcibly();
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
    assertThat(FakeJetson.snapshot(root)).isNotEqualTo(original);
    assertThat(state.pendingFile("jetson-nano")).exists();
    List<Restorer.Outcome> out =
        Restorer.restorePending(
            state,
            JETSONS,
            FakeJetson.nvpmodel(root, false),
            SysfsWriter.direct(),
            NvmlBinding.unavailable());
    assertThat(out)
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.restored()).as(o.message()).isTrue();
              assertThat(o.message()).contains("left by process " + p.pid());
            });
    assertThat(FakeJetson.snapshot(root)).isEqualTo(original);
    assertThat(state.pendingFile("jetson-nano")).doesNotExist();
    assertThat(Restorer.restorePending(state, JETSONS)).isEmpty();
  }

  /** Whether the process ignores SIGINT (a background job of a shell without job control does). */
  private static boolean sigintIgnored(long pid) throws IOException {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    if (!Files.exists(status)) {
      return false;
    }
    for (String l : Files.readAllLines(status)) {
      if (l.startsWith("SigIgn:")) {
        long mask = Long.parseUnsignedLong(l.substring(7).trim(), 16);
        return (mask & 0x2) != 0; // bit 1 = signal 2
      }
    }
    return false;
  }
}
