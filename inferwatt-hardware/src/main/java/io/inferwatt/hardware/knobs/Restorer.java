package io.inferwatt.hardware.knobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Restores what an inferwatt process that died (crash, {@code kill -9}, power loss) left changed:
 * every state file in the state folder whose board is not locked by a running process is replayed
 * and deleted. Every inferwatt command calls it at start; {@code inferwatt restore} calls it on
 * demand.
 */
public final class Restorer {
  private Restorer() {}

  /**
   * What happened to one state file.
   *
   * @param board the board it belongs to
   * @param file the state file
   * @param restored whether every step was replayed (the file is then gone)
   * @param message one line for people
   */
  public record Outcome(String board, Path file, boolean restored, String message) {}

  /**
   * {@link #restorePending(StateDir, ProcessRunner, SysfsWriter, NvmlBinding)} on the real machine.
   */
  public static List<Outcome> restorePending(StateDir dir) {
    return restorePending(
        dir, ProcessRunner.system(), SysfsWriter.direct(), NvmlBinding.unavailable());
  }

  /**
   * Replays every pending state file of {@code dir} whose board no running process holds; the paths
   * in each file are resolved under the root the file names.
   *
   * @return one outcome per state file found, empty when there is none (or no folder)
   */
  public static List<Outcome> restorePending(
      StateDir dir, ProcessRunner runner, SysfsWriter writer, NvmlBinding nvml) {
    List<Outcome> out = new ArrayList<>();
    for (Path file : dir.pendingFiles()) {
      PendingState s;
      try {
        s = PendingState.read(file);
      } catch (RuntimeException e) {
        out.add(new Outcome("?", file, false, "cannot read " + file + ": " + e.getMessage()));
        continue;
      }
      StateDir.BoardLock lock = dir.tryLock(s.board());
      if (lock == null) {
        String pid = dir.lockHolder(s.board());
        out.add(
            new Outcome(
                s.board(),
                file,
                false,
                "board "
                    + s.board()
                    + " is in use by a running inferwatt"
                    + (pid.isEmpty() ? "" : " (pid " + pid + ")")
                    + "; its saved settings were left alone"));
        continue;
      }
      try {
        out.add(replay(file, s, Host.of(s.root(), runner, writer), nvml));
      } finally {
        lock.close();
      }
    }
    return out;
  }

  /** Replays {@code s} (whose file is {@code file}) on {@code host}; the caller holds the lock. */
  static Outcome replay(Path file, PendingState s, Host host, NvmlBinding nvml) {
    List<RestoreStep> failed = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (RestoreStep step : s.steps()) {
      try {
        Steps.replay(step, host, nvml);
      } catch (RuntimeException e) {
        failed.add(step);
        problems.add(step + ": " + e.getMessage());
      }
    }
    if (failed.isEmpty()) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        return new Outcome(
            s.board(),
            file,
            false,
            "restored board " + s.board() + " but cannot delete " + file + ": " + e.getMessage());
      }
      return new Outcome(
          s.board(),
          file,
          true,
          "restored "
              + s.steps().size()
              + " saved setting(s) of board "
              + s.board()
              + " left by process "
              + s.pid());
    }
    StateDir.writeAtomically(file, new PendingState(s.board(), s.root(), s.pid(), failed).format());
    return new Outcome(
        s.board(),
        file,
        false,
        "could not restore board "
            + s.board()
            + ": "
            + String.join("; ", problems)
            + " (kept in "
            + file
            + ")");
  }
}
