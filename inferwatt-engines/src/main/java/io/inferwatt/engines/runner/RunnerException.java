package io.inferwatt.engines.runner;

import io.inferwatt.core.Timeline;

/**
 * The external runner failed (crashed, hung, or printed a line that is not the events protocol).
 * Carries everything measured before the failure, so that a caller can keep it.
 */
final class RunnerException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Timeline partial;
  private final long line;
  private final String stderrTail;

  RunnerException(String message, Timeline partial, long line, String stderrTail, Throwable cause) {
    super(message, cause);
    this.partial = partial;
    this.line = line;
    this.stderrTail = stderrTail;
  }

  /** The samples and the events read before the failure. */
  public Timeline partial() {
    return partial;
  }

  /** The runner's stdout line at fault (1-based), or 0 when no line is at fault. */
  public long line() {
    return line;
  }

  /** The end of the runner's standard error (at most 64 KiB). */
  public String stderrTail() {
    return stderrTail;
  }
}
