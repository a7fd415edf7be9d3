package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import io.inferwatt.study.Budget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks, before a study, that the measurement base's disk has room for what it will store. */
final class BaseRoom {
  private BaseRoom() {}

  /**
   * Refuses a study whose stored runs would not fit on the disk of {@code base}.
   *
   * @param bytes what the study adds to the base
   * @throws BadInputException in one line, with what to do
   */
  static void check(Path base, double bytes, KeepRaw keep) {
    long usable = usableBytes(base);
    if (usable < 0) {
      return; // the disk cannot say; DuckDB's own error will, if it fills
    }
    String problem = Budget.diskProblem(base.toString(), bytes, usable, keep.id());
    if (problem != null) {
      throw new BadInputException(problem);
    }
  }

  /** Free bytes on the disk that holds {@code file} (or would), -1 when unknown. */
  static long usableBytes(Path file) {
    Path at = file.toAbsolutePath().normalize();
    while (at != null && !Files.exists(at)) {
      at = at.getParent();
    }
    if (at == null) {
      return -1;
    }
    try {
      return Files.getFileStore(at).getUsableSpace();
    } catch (IOException | SecurityException e) {
      return -1;
    }
  }
}
