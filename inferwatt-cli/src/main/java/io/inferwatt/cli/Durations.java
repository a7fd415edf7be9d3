package io.inferwatt.cli;

import java.util.Locale;

/** Parses durations such as {@code 60s}, {@code 500ms}, {@code 2m}, {@code 1.5s}. */
final class Durations {
  private Durations() {}

  static long parseNs(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    // two-letter suffixes first, so that "ms" is not read as "m" or "s"
    String[] order = {"ns", "us", "ms", "s", "m", "h"};
    long[] mult = {1L, 1_000L, 1_000_000L, 1_000_000_000L, 60_000_000_000L, 3_600_000_000_000L};
    for (int i = 0; i < order.length; i++) {
      if (s.endsWith(order[i])) {
        String num = s.substring(0, s.length() - order[i].length());
        if (order[i].equals("s") && (num.endsWith("m") || num.endsWith("n") || num.endsWith("u"))) {
          continue;
        }
        try {
          double v = Double.parseDouble(num);
          if (v < 0 || Double.isNaN(v)) {
            break;
          }
          return Math.round(v * mult[i]);
        } catch (NumberFormatException e) {
          break;
        }
      }
    }
    throw new IllegalArgumentException(
        "duration '"
            + text
            + "' is not a number with a unit (ns, us, ms, s, m, h), e.g. 60s or 500ms");
  }
}
