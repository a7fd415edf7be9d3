package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.Durations;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks of option values that picocli's types do not make, each failing with one line that names
 * the option, the value and what to give instead.
 */
final class Checks {
  private Checks() {}

  /** {@code v}, which must be a number of 0 or more. */
  static double nonNegative(String option, double v, String unit) {
    if (Double.isNaN(v)) {
      throw new BadInputException(option + " NaN is not a number; give " + unit + ", 0 or more");
    }
    if (Double.isInfinite(v) || v < 0) {
      throw new BadInputException(
          option + " " + v + " is not a finite number of 0 or more; give " + unit);
    }
    return v;
  }

  /** {@code v}, which must be at least {@code min}. */
  static int atLeast(String option, int v, int min) {
    if (v < min) {
      throw new BadInputException(
          option + " " + v + " is below " + min + "; give " + min + " or more");
    }
    return v;
  }

  /** {@code text} as a duration in ns ({@code 60s}, {@code 500ms}), the option named on error. */
  static long durationNs(String option, String text) {
    try {
      return Durations.parseNs(text);
    } catch (BadInputException e) {
      throw new BadInputException(option + ": " + e.getMessage(), e);
    }
  }

  /** {@code p}, which must be a readable file (not a folder). */
  static Path inputFile(String what, Path p) {
    if (Files.isDirectory(p)) {
      throw new BadInputException(what + " " + p + " is a folder, not a file; name the file");
    }
    if (!Files.exists(p)) {
      throw new BadInputException(what + " " + p + ": no such file");
    }
    if (!Files.isReadable(p)) {
      throw new BadInputException(what + " " + p + ": permission denied");
    }
    return p;
  }
}
