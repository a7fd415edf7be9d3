package io.inferwatt.hardware.knobs;

import io.inferwatt.hardware.Knob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Restores what an inferwatt process that died (crash, {@code kill -9}, power loss) left changed:
 * every state file in the state folder whose board is not locked by a running process is checked,
 * replayed and deleted. Every inferwatt command calls it at start; {@code inferwatt restore} calls
 * it on demand.
 *
 * <p>A state file is replayed as the user who runs inferwatt, often root, so it is trusted no
 * further than it can be checked: its board must be a {@link KnownBoards known} one, every step
 * must be one a knob of that board could have saved (its own files, its power modes, its values'
 * form), and every file must resolve, links followed, under the root the board's knobs were found
 * in. A file that fails is not replayed at all: it is renamed {@code *.pending.rejected} for
 * inspection and reported in one line.
 */
public final class Restorer {
  static final String REJECTED = ".rejected";

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
   * {@link #restorePending(StateDir, KnownBoards, ProcessRunner, SysfsWriter, NvmlControl)} on the
   * real machine.
   */
  public static List<Outcome> restorePending(StateDir dir, KnownBoards boards) {
    return restorePending(
        dir, boards, ProcessRunner.system(), SysfsWriter.direct(), NvmlControl.system());
  }

  /**
   * Checks and replays every pending state file of {@code dir} whose board no running process
   * holds; the paths in each file are resolved under the root the file names.
   *
   * @return one outcome per state file found, empty when there is none (or no folder)
   * @throws IllegalStateException when the state folder is not private to this user
   */
  public static List<Outcome> restorePending(
      StateDir dir,
      KnownBoards boards,
      ProcessRunner runner,
      SysfsWriter writer,
      NvmlControl nvml) {
    List<Outcome> out = new ArrayList<>();
    for (Path file : dir.pendingFiles()) {
      PendingState s;
      try {
        s = PendingState.read(file);
      } catch (IllegalArgumentException e) {
        out.add(reject(file, "?", e.getMessage()));
        continue;
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
        Host host = Host.of(s.root(), runner, writer);
        Optional<List<Knob>> knobs;
        try {
          knobs = Files.isDirectory(s.root()) ? boards.knobs(s.board(), host) : Optional.empty();
        } catch (RuntimeException e) {
          out.add(
              new Outcome(
                  s.board(),
                  file,
                  false,
                  "cannot find the knobs of board "
                      + s.board()
                      + " under "
                      + s.root()
                      + " to check "
                      + file
                      + " against: "
                      + e.getMessage()
                      + " (left in place)"));
          continue;
        }
        String refusal;
        if (!Files.isDirectory(s.root())) {
          refusal = "its root " + s.root() + " is not a folder";
        } else if (knobs.isEmpty()) {
          refusal = "it names board '" + PendingState.shorten(s.board()) + "', which is not known";
        } else {
          refusal = refusal(s, host, knobs.get());
        }
        out.add(refusal != null ? reject(file, s.board(), refusal) : replay(file, s, host, nvml));
      } finally {
        lock.close();
      }
    }
    return out;
  }

  /**
   * Why {@code s} must not be replayed on {@code host}, whose board has {@code knobs}; null when
   * every step is one of those knobs' own and every file stays under the host's root.
   */
  static String refusal(PendingState s, Host host, List<Knob> knobs) {
    for (RestoreStep step : s.steps()) {
      boolean owned = false;
      for (Knob k : knobs) {
        if (k instanceof BoardKnob b && b.owns(step)) {
          owned = true;
          break;
        }
      }
      String quoted = "step '" + PendingState.shorten(step.toString()) + "'";
      if (!owned) {
        return quoted + " is not a setting a knob of board " + s.board() + " saves";
      }
      for (String path : paths(step)) {
        String escape = host.escape(path);
        if (escape != null) {
          return quoted + ": " + escape;
        }
      }
    }
    return null;
  }

  /** The board files a step writes. */
  private static List<String> paths(RestoreStep step) {
    return switch (step.action()) {
      case "write" -> List.of(step.args().get(0));
      case "range" -> List.of(step.args().get(0), step.args().get(1));
      default -> List.of();
    };
  }

  /** Sets {@code file} aside as {@code *.rejected}, unreplayed, and says why in one line. */
  static Outcome reject(Path file, String board, String reason) {
    Path aside = file.resolveSibling(file.getFileName() + REJECTED);
    String kept;
    try {
      Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
      kept = "kept as " + aside + " for inspection";
    } catch (IOException | UncheckedIOException e) {
      kept = "could not set it aside as " + aside + ": " + e.getMessage();
    }
    return new Outcome(
        board,
        file,
        false,
        "refused to replay " + file + ": " + reason + "; nothing was written; " + kept);
  }

  /** Replays {@code s} (whose file is {@code file}) on {@code host}; the caller holds the lock. */
  static Outcome replay(Path file, PendingState s, Host host, NvmlControl nvml) {
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
