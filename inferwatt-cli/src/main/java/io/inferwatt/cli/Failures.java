package io.inferwatt.cli;

import io.inferwatt.core.BadInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.IExitCodeExceptionMapper;

/**
 * The one mapping from an exception to an exit code and a line on stderr. Bad input is whatever the
 * project marks {@link BadInput} (options, files, plans, a base that cannot be one), a usage error
 * picocli finds, and an I/O failure on a path the user named: exit code 2. Everything else, a plain
 * {@link IllegalArgumentException} included (that is a bug, not the user's input), is a failure:
 * exit code 1.
 */
final class Failures implements IExitCodeExceptionMapper {

  /** Exit code for bad input or usage. */
  static final int BAD_INPUT = 2;

  /** Exit code for a failure while running. */
  static final int FAILED = 1;

  @Override
  public int getExitCode(Throwable t) {
    if (t instanceof BadInput || t instanceof CommandLine.ParameterException) {
      return BAD_INPUT;
    }
    IOException io = io(t);
    return io != null && IoErrors.userFault(io) ? BAD_INPUT : FAILED;
  }

  /**
   * Whether the message says everything a user needs: bad input, an I/O failure, or a failure that
   * the program reports on purpose ({@link IllegalStateException}: a sensor gone, a tool that
   * failed). Otherwise the line ends with a hint to get the stack trace.
   */
  static boolean explained(Throwable t) {
    return t instanceof BadInput || t instanceof IllegalStateException || io(t) != null;
  }

  /** The one line for {@code t}. */
  static String message(Throwable t) {
    IOException io = io(t);
    if (io != null) {
      String m = t.getMessage();
      // a bare JDK message is only the path: say why
      if (m == null || m.equals(io.toString()) || m.equals(io.getMessage())) {
        return IoErrors.describe(io);
      }
      // "cannot read X: X": the JDK's message, only the path, says why in words
      if (io instanceof FileSystemException fs
          && fs.getFile() != null
          && m.endsWith(": " + io.getMessage())
          && io.getMessage().startsWith(fs.getFile())) {
        return m.substring(0, m.length() - io.getMessage().length())
            + IoErrors.reason(io, Path.of(fs.getFile()), false);
      }
      // "cannot read plan X" without the reason: add it
      if (io.getMessage() != null && !m.contains(io.getMessage())) {
        String file = io instanceof FileSystemException fs ? fs.getFile() : null;
        return m + ": " + IoErrors.reason(io, Path.of(file == null ? "" : file), false);
      }
      return m;
    }
    return t.getMessage() == null ? t.getClass().getName() : t.getMessage();
  }

  /**
   * The one line for the JVM running out of heap ({@code maxHeapBytes} at most) or of stack: what
   * ran out and what to do. What a command had already stored stays stored (every save is its own
   * transaction).
   */
  static String exhausted(VirtualMachineError e, long maxHeapBytes) {
    if (e instanceof StackOverflowError) {
      return "the input is nested too deeply for Java's stack; give it more with"
          + " INFERWATT_JAVA_OPTS=-Xss64m (what was already stored is kept)";
    }
    return String.format(
        java.util.Locale.ROOT,
        "out of memory: Java's heap (at most %d MiB) is full; give it more with"
            + " INFERWATT_JAVA_OPTS=-Xmx4g, or ask for less (fewer cycles, a shorter recording)"
            + " (what was already stored is kept)",
        maxHeapBytes >> 20);
  }

  /** The I/O failure {@code t} is, or wraps directly; null if none. */
  private static IOException io(Throwable t) {
    if (t instanceof IOException e) {
      return e;
    }
    if (t instanceof UncheckedIOException u) {
      return u.getCause();
    }
    return null;
  }
}
