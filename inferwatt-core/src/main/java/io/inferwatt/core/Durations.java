package io.inferwatt.core;

import java.util.Locale;

/** Durations as people write them on command lines and in plans: {@code 60s}, {@code 500ms}. */
public final class Durations {
  // two-letter suffixes first, so that "ms" is not read as "m" or "s"
  private static final String[] UNITS = {"ns", "us", "ms", "s", "m", "h"};
  private static final long[] NS_PER_UNIT = {
    1L, 1_000L, 1_000_000L, 1_000_000_000L, 60_000_000_000L, 3_600_000_000_000L
  };

  private Durations() {}

  /**
   * A non-negative number with a unit ({@code ns, us, ms, s, m, h}), such as {@code 60s}, {@code
   * 500ms}, {@code 2m}, {@code 1.5s}, in ns.
   *
   * @throws IllegalArgumentException naming the text and the units
   */
  public static long parseNs(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    for (int i = 0; i < UNITS.length; i++) {
      if (s.endsWith(UNITS[i])) {
        try {
          double v = Double.parseDouble(s.substring(0, s.length() - UNITS[i].length()));
          if (v >= 0) {
            return Math.round(v * NS_PER_UNIT[i]);
          }
        } catch (NumberFormatException e) {
          // try the next unit
        }
      }
    }
    throw new BadInputException(
        "duration '"
            + text
            + "' is not a number with a unit (ns, us, ms, s, m, h), e.g. 60s or 500ms");
  }
}
