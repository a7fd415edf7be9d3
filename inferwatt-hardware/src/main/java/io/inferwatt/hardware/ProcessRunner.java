package io.inferwatt.hardware;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the command-line tools the program reads ({@code tegrastats}, {@code nvpmodel}, ...).
 * Production code uses {@link #system()}; tests hand back recorded output.
 */
@FunctionalInterface
public interface ProcessRunner {

  /**
   * Starts {@code command} (program and arguments, no shell).
   *
   * @throws IOException when the program cannot be started (the message names it)
   */
  Running start(List<String> command) throws IOException;

  /** A started command: its standard output, line by line, and a way to end it. */
  interface Running extends AutoCloseable {

    /** Standard output (standard error merged into it). */
    BufferedReader stdout();

    /** Ends the command (if still running) and waits briefly for it; safe to call twice. */
    @Override
    void close();
  }

  /** Starts real operating-system processes. */
  static ProcessRunner system() {
    return command -> {
      Process p;
      try {
        p = new ProcessBuilder(command).redirectErrorStream(true).start();
      } catch (IOException e) {
        throw new IOException(
            "cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
      }
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      return new Running() {
        @Override
        public BufferedReader stdout() {
          return out;
        }

        @Override
        public void close() {
          p.destroy();
          try {
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
              p.destroyForcibly();
            }
          } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
          }
          try {
            out.close();
          } catch (IOException ignored) {
            // the process is gone; nothing more to read
          }
        }
      };
    };
  }
}
