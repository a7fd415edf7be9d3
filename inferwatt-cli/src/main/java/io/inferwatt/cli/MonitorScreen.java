package io.inferwatt.cli;

import java.io.PrintWriter;
import java.util.List;

/**
 * Where {@code monitor} draws: on a terminal the same block of lines is redrawn in place (cursor up
 * over the previous block, each line erased before it is written, leftover lines below erased when
 * the block shrinks); elsewhere every block is appended as plain lines without control codes.
 */
final class MonitorScreen {

  /** ESC [ 2 K: erase the whole line. */
  static final String ERASE_LINE = "\033[2K";

  /** ESC [ J: erase from the cursor to the end of the screen. */
  static final String ERASE_BELOW = "\033[J";

  private final PrintWriter out;
  private final boolean inPlace;
  private int shown;

  MonitorScreen(PrintWriter out, boolean inPlace) {
    this.out = out;
    this.inPlace = inPlace;
  }

  /** ESC [ n A: the cursor up {@code n} lines. */
  static String up(int n) {
    return "\033[" + n + "A";
  }

  /** Draws {@code lines}: over the previous block in place, or after it. */
  void show(List<String> lines) {
    if (inPlace && shown > 0) {
      out.print(up(shown));
    }
    for (String l : lines) {
      if (inPlace) {
        out.print(ERASE_LINE);
      }
      out.println(l);
    }
    if (inPlace && lines.size() < shown) {
      out.print(ERASE_BELOW);
    }
    shown = lines.size();
    out.flush();
  }
}
