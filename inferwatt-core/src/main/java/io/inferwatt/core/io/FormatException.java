package io.inferwatt.core.io;

import io.inferwatt.core.BadInput;

/**
 * Bad input in a file: names the file, the line (1-based; 0 when the problem is not on one line)
 * and the problem, so that the command line can print it as one line.
 */
public final class FormatException extends RuntimeException implements BadInput {
  private static final long serialVersionUID = 1L;
  private final String file;
  private final long line;
  private final String problem;

  public FormatException(String file, long line, String problem) {
    super(file + (line > 0 ? ":" + line : "") + ": " + problem);
    this.file = file;
    this.line = line;
    this.problem = problem;
  }

  /**
   * A sink's own complaint about the event on {@code line} (e.g. events out of order), which stays
   * reachable as the cause.
   */
  static FormatException fromSink(String file, long line, IllegalArgumentException complaint) {
    FormatException f = new FormatException(file, line, complaint.getMessage());
    f.initCause(complaint);
    return f;
  }

  public String file() {
    return file;
  }

  public long line() {
    return line;
  }

  public String problem() {
    return problem;
  }
}
