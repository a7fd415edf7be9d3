package io.inferwatt.engines.trt;

import io.inferwatt.core.Timeline;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A trtexec pass failed (non-zero exit, timeout, a missing or unparsable export). Carries every
 * pass measured before it, so that a caller can keep them.
 */
final class TrtexecException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Timeline partial;
  private final transient Path file;
  private final long line;
  private final String stderrTail;

  TrtexecException(
      String message, Timeline partial, Path file, long line, String stderrTail, Throwable cause) {
    super(message, cause);
    this.partial = partial;
    this.file = file;
    this.line = line;
    this.stderrTail = stderrTail;
  }

  /** The samples and events of the passes before the failure. */
  public Timeline partial() {
    return partial;
  }

  /** The export at fault (kept on disk), when a file is at fault. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /** The line of {@link #file()} at fault (1-based), or 0. */
  public long line() {
    return line;
  }

  /** trtexec's last lines of standard error (of standard output when it wrote no error). */
  public String stderrTail() {
    return stderrTail;
  }
}
