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
