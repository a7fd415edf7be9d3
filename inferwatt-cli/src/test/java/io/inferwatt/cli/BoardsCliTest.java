package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.study.boards.Board;
import io.inferwatt.study.boards.Boards;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one board registry as the commands see it: every board is accepted by {@code profile}, {@code
 * study} and {@code restore} alike; a saved state that names anything but a board's own knob files
 * is refused by every command; a Jetson without {@code nvpmodel} runs a study that does not set the
 * power mode.
 */
class BoardsCliTest {
  @TempDir Path dir;
  private String savedStateDir;
  private Path root;

  @BeforeEach
  void isolateTheStateFolderAndMakeABoard() throws Exception {
    savedStateDir = System.getProperty("inferwatt.state.dir");
    System.setProperty("inferwatt.state.dir", dir.resolve("state").toString());
    root = dir.resolve("board");
    for (int c = 0; c < 4; c++) {
      write(root, "sys/devices/system/cpu/cpu" + c + "/online", "1");
    }
    String f = "sys/devices/system/cpu/cpu0/cpufreq/";
    write(root, f + "scaling_available_frequencies", "102000 307200 1479000");
    write(root, f + "scaling_min_freq", "102000");
    write(root, f + "scaling_max_freq", "1479000");
    // a power mode table, but no nvpmodel program on this machine
    write(
        root,
        "etc/nvpmodel.conf",
        "< POWER_MODEL ID=0 NAME=MAXN >\n< POWER_MODEL ID=1 NAME=5W >\n");
  }

  @AfterEach
  void restoreProperty() {
    if (savedStateDir == null) {
      System.clearProperty("inferwatt.state.dir");
    } else {
      System.setProperty("inferwatt.state.dir", savedStateDir);
    }
  }

  private static void write(Path root, String rel, String text) throws Exception {
    Files.createDirectories(root.resolve(rel).getParent());
    Files.writeString(root.resolve(rel), text);
  }

  private Path plan(String board, String engine, String sweeps) throws Exception {
    Path p = dir.resolve("plan.yaml");
    Files.writeString(
        p,
        "study: b\nboard: "
            + board
            + "\nengine: "
            + engine
            + "\nprotocol: {warmup: 1, cycles: 5, max_layer_cycles: 5, min_samples_per_layer: 1,"
            + " idle: 5ms}\nbaseline: {model: mobilenetv2}\n"
            + sweeps);
    return p;
  }

  private Path pending(String board, String... steps) throws Exception {
    StringBuilder sb = new StringBuilder("inferwatt-state\t1\nboard\t" + board);
    sb.append("\nroot\t").append(root).append("\npid\t4242\n");
    for (String s : steps) {
      sb.append("step\t").append(s.replace(' ', '\t')).append('\n');
    }
    Path f = dir.resolve("state").resolve(board.replaceAll("[^A-Za-z0-9._-]", "_") + ".pending");
    write(dir, "state/" + f.getFileName(), sb.toString());
    return f;
  }

  @Test
  void everyBoardIsAcceptedByProfileStudyAndRestoreAlike() throws Exception {
    assertThat(Boards.names())
        .containsExactly("sim:nano", "sim:gpu", "local", "jetson", "nvidia", "linux-cpu");
    for (Board b : Boards.all()) {
      String name = b.name();
      CliTest.Run profile =
          CliTest.run(
              "profile",
              "--board",
              name,
              "--no-store",
              "--warmup",
              "1",
              "--cycles",
              "5",
              "--max-layer-cycles",
              "5",
              "--min-samples",
              "1",
              "--idle",
              "5ms",
              "--mapping", // sim:gpu's auto adds prefix profiling: minutes of virtual time
              "paper",
              "--root",
              root.toString());
      assertThat(profile.err()).as(name).doesNotContain("is not supported");
      if (b.simulated()) {
        assertThat(profile.code()).as(profile.err()).isZero();
      } else {
        assertThat(profile.err()).contains("--board " + name + " needs a model file");
      }

      String engine = b.engines().contains("sim") ? "sim" : "onnxruntime";
      CliTest.Run study =
          CliTest.run(
              "study",
              "run",
              plan(name, engine, "").toString(),
              "--db",
              dir.resolve("s.duckdb").toString(),
              "--dry-run",
              "--sysfs-root",
              root.toString());
      assertThat(study.code()).as(name + ": " + study.err()).isZero();
      assertThat(study.out()).contains("dry run of study b on " + name + ": 1 configurations");

      Path state = pending(name);
      CliTest.Run restore = CliTest.run("restore");
      assertThat(restore.code()).as(restore.out() + restore.err()).isZero();
      assertThat(restore.out())
          .contains("restored 0 saved setting(s) of board " + name + " left by process 4242");
      assertThat(state).doesNotExist();
    }
    String unknown =
        "board 'toaster' is not supported yet; available: sim:nano, sim:gpu, local, jetson,"
            + " nvidia, linux-cpu";
    assertThat(CliTest.run("profile", "--board", "toaster", "--no-store").err()).contains(unknown);
    assertThat(
            CliTest.run(
                    "study",
                    "run",
                    plan("toaster", "sim", "").toString(),
                    "--dry-run",
                    "--db",
                    dir.resolve("s.duckdb").toString())
                .err())
        .contains(unknown);
    pending("toaster");
    assertThat(CliTest.run("restore").out()).contains("board 'toaster', which is not known");
  }

  /**
   * {@code profile} of a one-convolution model on the linux-cpu board at two cores, 5 cycles, with
   * {@code more} options.
   */
  private CliTest.Run profileTwoCores(String... more) {
    Path model = CliTest.buildConv(dir.resolve("conv.onnx"), 8, 32);
    List<String> args =
        new ArrayList<>(List.of("profile", model.toString(), "--board", "linux-cpu"));
    args.addAll(List.of("--root", root.toString(), "--set", "cpu.cores=2", "--cycles", "5"));
    args.addAll(List.of("--idle", "0s"));
    args.addAll(List.of(more));
    return CliTest.run(args.toArray(String[]::new));
  }

  /** The linux-cpu board as it was: every core online, and no saved state left. */
  private void assertRestored() throws Exception {
    for (int c = 1; c < 4; c++) {
      assertThat(Files.readString(root.resolve("sys/devices/system/cpu/cpu" + c + "/online")))
          .isEqualTo("1");
    }
    assertThat(dir.resolve("state/linux-cpu.pending")).doesNotExist();
  }

  @Test
  void profileOnALinuxCpuBoardSetsItsKnobsAndPutsThemBack() throws Exception {
    CliTest.Run r =
        profileTwoCores(
            "--no-store", "--format", "json", "--warmup", "1", "--max-layer-cycles", "5");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.json().at("/settings/cpu.cores").asText()).isEqualTo("2");
    assertRestored();
  }

  @Test
  void aProfileRefusedAfterItsBoardWasOpenedLeavesTheBoardAsItWas() throws Exception {
    // --calibrated is checked once the board is open (the calibration is the board's): a missing
    // base refuses the profile, and the board is closed all the same: its knobs as they were and no
    // saved state left behind (a guard: the profile code closes the board in one finally)
    CliTest.Run r = profileTwoCores("--calibrated", "--db", dir.resolve("none.duckdb").toString());
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("calibrate the board first").doesNotContain("Exception");
    assertRestored();
  }

  @Test
  void aJetsonWithoutNvpmodelRunsAStudyThatNeverSetsThePowerMode() throws Exception {
    Path p =
        plan("jetson", "onnxruntime", "sweeps:\n  - name: cores\n    vary: {cpu.cores: [1, 4]}\n");
    CliTest.Run r =
        CliTest.run(
            "study",
            "run",
            p.toString(),
            "--db",
            dir.resolve("s.duckdb").toString(),
            "--dry-run",
            "--sysfs-root",
            root.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("dry run of study b on jetson: 2 configurations")
        .contains("would write 0 to /sys/devices/system/cpu/cpu3/online")
        .doesNotContain("power.mode");

    Path modes =
        plan("jetson", "onnxruntime", "sweeps:\n  - name: m\n    vary: {power.mode: [0, 1]}\n");
    CliTest.Run named =
        CliTest.run(
            "study",
            "run",
            modes.toString(),
            "--db",
            dir.resolve("s.duckdb").toString(),
            "--dry-run",
            "--sysfs-root",
            root.toString());
    assertThat(named.code()).isNotZero();
    assertThat(named.err()).contains("power.mode needs nvpmodel: cannot start nvpmodel -q");
  }

  /** The file outside the board that a hostile state file aims at. */
  private Path outside() throws Exception {
    Path outside = dir.resolve("outside.txt");
    Files.writeString(outside, "precious");
    return outside;
  }

  /** Any command (here {@code runs}) replays saved states first: this one is refused. */
  private void assertRefusedByAnyCommand(Path state, String reason, Path outside) throws Exception {
    CliTest.Run r = CliTest.run("runs", "--db", dir.resolve("none.duckdb").toString());
    assertThat(r.err()).contains("refused to replay " + state).contains(reason);
    assertThat(Files.readString(outside)).isEqualTo("precious");
    assertThat(state).doesNotExist();
    assertThat(state.resolveSibling(state.getFileName() + ".rejected")).exists();
  }

  @Test
  void aSavedStateNamingAFileOutsideTheBoardIsRefused() throws Exception {
    Path outside = outside();
    root = Path.of("/");
    Path f = pending("jetson", "write " + outside + " 0");
    assertRefusedByAnyCommand(f, "is not a setting a knob of board jetson saves", outside);
  }

  @Test
  void aSavedStatePathWithDotDotIsRefused() throws Exception {
    Path outside = outside();
    Path f = pending("jetson", "write /sys/../../outside.txt 0");
    assertRefusedByAnyCommand(f, "write /sys/../../outside.txt 0", outside);
  }

  @Test
  void aKnobFileLinkedOutOfTheBoardIsRefused() throws Exception {
    Path outside = outside();
    Path online3 = root.resolve("sys/devices/system/cpu/cpu3/online");
    Files.delete(online3);
    Files.createSymbolicLink(online3, outside);
    Path f = pending("jetson", "write /sys/devices/system/cpu/cpu3/online 0");
    CliTest.Run restore = CliTest.run("restore");
    assertThat(restore.code()).isNotZero();
    assertThat(restore.out())
        .contains("refused to replay " + f)
        .contains("outside the board's root");
    assertThat(Files.readString(outside)).isEqualTo("precious");
  }

  @Test
  void aSavedPowerModeTheBoardDoesNotListIsRefused() throws Exception {
    Path f = pending("jetson", "nvpmodel 7");
    assertRefusedByAnyCommand(
        f, "step 'nvpmodel 7' is not a setting a knob of board jetson saves", outside());
  }

  @Test
  void aStateFolderAnyoneMayWriteIsNotUsed() throws Exception {
    Path online3 = root.resolve("sys/devices/system/cpu/cpu3/online");
    Files.writeString(online3, "0");
    pending("jetson", "write /sys/devices/system/cpu/cpu3/online 1");
    Files.setPosixFilePermissions(
        dir.resolve("state"), PosixFilePermissions.fromString("rwxrwxrwx"));
    CliTest.Run open = CliTest.run("runs", "--db", dir.resolve("none.duckdb").toString());
    assertThat(open.err()).contains("can be written by others").contains("chmod 700");
    assertThat(Files.readString(online3)).isEqualTo("0");
    // made private again, the legitimate state restores
    Files.setPosixFilePermissions(
        dir.resolve("state"), PosixFilePermissions.fromString("rwx------"));
    assertThat(CliTest.run("restore").out())
        .contains("restored 1 saved setting(s) of board jetson");
    assertThat(Files.readString(online3)).isEqualTo("1");
  }
}
