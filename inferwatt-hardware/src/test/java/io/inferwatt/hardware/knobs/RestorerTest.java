package io.inferwatt.hardware.knobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state file is replayed as root by every command, so it is checked first: each hostile one is
 * refused whole (nothing written, anywhere), set aside as {@code .rejected} and reported in one
 * line; a legitimate one still restores.
 */
class RestorerTest {
  @TempDir Path dir;
  private Path root;
  private Path outside;
  private StateDir state;
  private final List<String> writes = new ArrayList<>();
  private final List<List<String>> commands = new ArrayList<>();

  @BeforeEach
  void board() throws IOException {
    root = FakeJetson.nano(Files.createDirectories(dir.resolve("board")));
    outside = dir.resolve("outside.txt");
    Files.writeString(outside, "precious");
    state = StateDir.at(dir.resolve("state"));
  }

  /** Restores with a writer and a runner that record every write and every command. */
  private List<Restorer.Outcome> restore(StateDir s) {
    ProcessRunner nvpmodel = FakeJetson.nvpmodel(root, false);
    return Restorer.restorePending(
        s,
        AppliedSettingsTest.JETSONS,
        (command, timeout) -> {
          commands.add(command);
          return nvpmodel.run(command, timeout);
        },
        (file, value) -> {
          writes.add(file + "=" + value);
          SysfsWriter.direct().write(file, value);
        },
        NvmlBinding.unavailable());
  }

  private Path pending(String board, String rootLine, String... steps) throws IOException {
    StringBuilder sb = new StringBuilder(PendingState.MAGIC + "\n");
    sb.append("board\t").append(board).append("\nroot\t").append(rootLine).append("\npid\t77\n");
    for (String s : steps) {
      sb.append("step\t").append(s.replace(' ', '\t')).append('\n');
    }
    Files.createDirectories(state.path());
    Path f = state.pendingFile(board);
    Files.writeString(f, sb.toString());
    return f;
  }

  private void assertRefused(Path file, String offending) throws IOException {
    Map<String, String> before = FakeJetson.snapshot(root);
    List<Restorer.Outcome> out = restore(state);
    assertThat(out).singleElement();
    Restorer.Outcome o = out.get(0);
    assertThat(o.restored()).isFalse();
    assertThat(o.message())
        .doesNotContain("\n")
        .contains("refused to replay " + file)
        .contains(offending)
        .contains("nothing was written")
        .contains(file + ".rejected");
    assertThat(writes).isEmpty();
    assertThat(commands).noneSatisfy(c -> assertThat(c).contains("-m"));
    assertThat(Files.readString(outside)).isEqualTo("precious");
    assertThat(FakeJetson.snapshot(root)).isEqualTo(before);
    assertThat(file).doesNotExist();
    assertThat(file.resolveSibling(file.getFileName() + ".rejected")).exists();
    // set aside: the next command does not report it again
    assertThat(restore(state)).isEmpty();
  }

  @Test
  void aPathOutsideTheRootIsRefused() throws IOException {
    Path f = pending("jetson-nano", root.toString(), "write " + outside + " 1");
    assertRefused(f, "step 'write " + outside + " 1' is not a setting a knob of board");
  }

  @Test
  void aPathWithDotDotIsRefused() throws IOException {
    String sneaky = "/sys/devices/system/cpu/cpu3/../../../../../../outside.txt";
    Path f = pending("jetson-nano", root.toString(), "write " + sneaky + " 1");
    assertRefused(f, sneaky);
  }

  @Test
  void aKnobFileThatIsASymlinkOutOfTheRootIsRefused() throws IOException {
    Path online = root.resolve("sys/devices/system/cpu/cpu3/online");
    Files.delete(online);
    Files.createSymbolicLink(online, outside);
    Path f = pending("jetson-nano", root.toString(), "write /sys/devices/system/cpu/cpu3/online 1");
    assertRefused(f, "resolves to " + outside.toRealPath() + ", outside the board's root");
  }

  @Test
  void aKnobFileThatIsAHardLinkIsRefused() throws IOException {
    Path online = root.resolve("sys/devices/system/cpu/cpu2/online");
    Files.delete(online);
    Files.createLink(online, outside);
    Path f = pending("jetson-nano", root.toString(), "write /sys/devices/system/cpu/cpu2/online 1");
    assertRefused(f, "has 2 hard links");
  }

  @Test
  void aPowerModeTheBoardDoesNotListIsRefused() throws IOException {
    Path f = pending("jetson-nano", root.toString(), "nvpmodel 7");
    assertRefused(f, "step 'nvpmodel 7' is not a setting a knob of board jetson-nano saves");
    Path g = pending("jetson-nano", root.toString(), "nvpmodel 0;reboot");
    assertRefused(g, "nvpmodel 0;reboot");
  }

  @Test
  void aBadValueForAKnownFileAnUnknownActionOrAnUnknownBoardIsRefused() throws IOException {
    Path f =
        pending("jetson-nano", root.toString(), "write /sys/devices/system/cpu/cpu3/online 1x");
    assertRefused(f, "write /sys/devices/system/cpu/cpu3/online 1x");
    Path g = pending("jetson-nano", root.toString(), "exec /bin/sh");
    assertRefused(g, "exec /bin/sh");
    Path h = pending("toaster", root.toString(), "write /sys/devices/system/cpu/cpu3/online 1");
    assertRefused(h, "board 'toaster'");
  }

  @Test
  void aMalformedFileIsSetAsideToo() throws IOException {
    Files.createDirectories(state.path());
    Path f = state.pendingFile("junk");
    Files.writeString(f, PendingState.MAGIC + "\nboard\tx\nroot\trelative/path\n");
    assertRefused(f, "is not an absolute path");
  }

  @Test
  void aLegitimateStateFileStillRestores() throws IOException {
    Files.writeString(root.resolve("sys/devices/system/cpu/cpu3/online"), "0");
    Files.writeString(root.resolve("var/lib/nvpmodel/status"), "pmode:0001");
    Path f =
        pending(
            "jetson-nano",
            root.toString(),
            "write /sys/devices/system/cpu/cpu3/online 1",
            "range /sys/devices/system/cpu/cpu0/cpufreq/scaling_min_freq"
                + " /sys/devices/system/cpu/cpu0/cpufreq/scaling_max_freq 102000 1479000",
            "nvpmodel 0");
    List<Restorer.Outcome> out = restore(state);
    assertThat(out)
        .singleElement()
        .satisfies(o -> assertThat(o.restored()).as(o.message()).isTrue());
    assertThat(FakeJetson.read(root, "sys/devices/system/cpu/cpu3/online")).isEqualTo("1");
    assertThat(FakeJetson.read(root, "var/lib/nvpmodel/status")).isEqualTo("pmode:0000");
    assertThat(f).doesNotExist();
  }

  @Test
  void aStateFolderOthersCanWriteIsRefusedWithOneLine() throws IOException {
    Files.writeString(root.resolve("sys/devices/system/cpu/cpu3/online"), "0");
    Path f = pending("jetson-nano", root.toString(), "write /sys/devices/system/cpu/cpu3/online 1");
    Files.setPosixFilePermissions(state.path(), PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> restore(state))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("state folder " + state.path() + " can be written by others")
        .hasMessageContaining("chmod 700")
        .hasMessageNotContaining("\n");
    // and nobody takes the board through it either
    assertThatThrownBy(() -> state.tryLock("jetson-nano"))
        .hasMessageContaining("can be written by others");
    assertThat(writes).isEmpty();
    assertThat(f).exists();
    assertThat(FakeJetson.read(root, "sys/devices/system/cpu/cpu3/online")).isEqualTo("0");
  }

  @Test
  void aStateFolderOfAnotherUserIsRefused() throws IOException {
    pending("jetson-nano", root.toString(), "write /sys/devices/system/cpu/cpu3/online 1");
    StateDir theirs = StateDir.at(state.path(), uid -> false);
    assertThatThrownBy(() -> restore(theirs))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("belongs to another user (uid");
    assertThat(writes).isEmpty();
  }

  @Test
  void theStateFolderIsCreatedPrivate() throws IOException {
    StateDir fresh = StateDir.at(dir.resolve("new/state"));
    fresh.tryLock("jetson-nano").close();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh.path())))
        .isEqualTo("rwx------");
  }

  @Test
  void openingABoardRefusesAHostileStateFileAndWritesNothing() throws IOException {
    Path f = pending("jetson-nano", root.toString(), "write " + outside + " 1");
    Host host = Host.of(root, FakeJetson.nvpmodel(root, false), SysfsWriter.direct());
    List<String> log = new ArrayList<>();
    try (AppliedSettings s =
        AppliedSettings.open(
            state, "jetson-nano", host, Knobs.jetson(host), NvmlBinding.unavailable(), log::add)) {
      assertThat(s.restoredAtOpen()).singleElement().asString().contains("refused to replay");
    }
    assertThat(Files.readString(outside)).isEqualTo("precious");
    assertThat(f).doesNotExist();
  }
}
