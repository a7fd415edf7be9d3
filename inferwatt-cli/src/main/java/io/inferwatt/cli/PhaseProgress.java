package io.inferwatt.cli;

import io.inferwatt.core.Phases;
import io.inferwatt.hardware.Recorder;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * {@code profile}'s progress on stderr: on a terminal one line rewritten in place, in a log file
 * one line per finished phase.
 */
final class PhaseProgress implements Recorder.ProgressListener {
  private final PrintWriter err;
  private final String prefix;
  private final boolean terminal = System.console() != null;
  private String last = "";
  private long lastPrintNs;

  PhaseProgress(PrintWriter err, boolean simulated) {
    this.err = err;
    this.prefix = simulated ? "[simulated] " : "";
  }

  @Override
  public void progress(String phase, long done, long total) {
    if (!terminal) {
      // a log file gets one line per finished phase, not a stream of carriage returns
      if (done == total) {
        err.println(prefix + "phase " + phase + " done (" + amount(phase, total) + ")");
        err.flush();
      }
      return;
    }
    long now = System.nanoTime();
    if (done < total && now - lastPrintNs < 200_000_000L && phase.equals(last)) {
      return;
    }
    lastPrintNs = now;
    last = phase;
    err.print(
        "\r"
            + prefix
            + "phase "
            + phase
            + ": "
            + amount(phase, done)
            + "/"
            + amount(phase, total)
            + "        ");
    err.flush();
  }

  /** Cycles, or for the idle phase (which counts nanoseconds) a duration people read. */
  static String amount(String phase, long n) {
    if (!phase.equals(Phases.IDLE)) {
      return n + " cycles";
    }
    return n >= 1_000_000_000L
        ? String.format(Locale.ROOT, "%.1f s", n / 1e9)
        : String.format(Locale.ROOT, "%.0f ms", n / 1e6);
  }

  void done() {
    if (terminal && !last.isEmpty()) {
      err.print("\r" + " ".repeat(60) + "\r");
      err.flush();
    }
  }
}
