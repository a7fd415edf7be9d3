package io.inferwatt.hardware.knobs;

import java.time.Duration;
import java.util.List;

/**
 * Runs an external command (never through a shell) and hands back what it printed. Tests pass a
 * runner that returns recorded output ({@code nvpmodel -q} of a given JetPack).
 */
@FunctionalInterface
public interface ProcessRunner {

  /**
   * Runs {@code command} (program and arguments, no shell) and waits at most {@code timeout}.
   *
   * @throws IllegalStateException when the program cannot be started or does not finish in time
   */
  Result run(List<String> command, Duration timeout);

  /**
   * What a command did.
   *
   * @param exitCode its exit status
   * @param stdout everything it printed on stdout
   * @param stderr everything it printed on stderr
   */
  record Result(int exitCode, String stdout, String stderr) {}

  /** Runs real programs with {@link ProcessBuilder}. */
  static ProcessRunner system() {
    return SystemProcessRunner.INSTANCE;
  }
}
