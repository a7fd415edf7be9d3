package io.inferwatt.cli;

import io.inferwatt.hardware.knobs.Restorer;
import io.inferwatt.hardware.knobs.StateDir;
import io.inferwatt.study.boards.Boards;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code inferwatt restore}: puts back the hardware settings an inferwatt process changed and could
 * not restore (it crashed or was killed with {@code kill -9}). Every other command does the same
 * when it starts ({@link #restorePendingAtStart}).
 */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Restore the hardware settings a crashed or killed inferwatt left changed.",
      "The saved settings live in $XDG_STATE_HOME/inferwatt (or ~/.local/state/inferwatt,"
          + " INFERWATT_STATE_DIR, -Dinferwatt.state.dir)."
    })
final class RestoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description = "the state folder (default: as above)")
  Path stateDir;

  @Override
  public Integer call() {
    StateDir dir = stateDir == null ? StateDir.fromEnvironment() : StateDir.at(stateDir);
    List<Restorer.Outcome> out = Restorer.restorePending(dir, Boards.known());
    PrintWriter o = spec.commandLine().getOut();
    if (out.isEmpty()) {
      o.println("nothing to restore (no saved settings in " + dir + ")");
      return 0;
    }
    boolean failed = false;
    for (Restorer.Outcome r : out) {
      o.println(r.message());
      failed |= !r.restored();
    }
    return failed ? Main.FAILED : 0;
  }

  /**
   * Called by {@link Main} before every command: restores what a dead inferwatt left, one line on
   * stderr per saved state found; never fails the command.
   */
  static void restorePendingAtStart(String[] args, PrintWriter err) {
    if (args.length > 0 && args[0].equals("restore")) {
      return;
    }
    try {
      StateDir dir = StateDir.fromEnvironment();
      if (dir.pendingFiles().isEmpty()) {
        return; // the usual case: no need to load the boards' registry (a part of every start)
      }
      for (Restorer.Outcome r : Restorer.restorePending(dir, Boards.known())) {
        err.println("inferwatt: " + r.message());
      }
    } catch (RuntimeException e) {
      err.println("inferwatt: warning: could not check for settings to restore: " + e.getMessage());
    }
    err.flush();
  }
}
