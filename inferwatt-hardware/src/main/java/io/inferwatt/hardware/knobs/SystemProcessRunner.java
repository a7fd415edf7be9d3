package io.inferwatt.hardware.knobs;

import io.inferwatt.core.io.OutputReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program with {@link ProcessBuilder}; stdout and stderr are drained on their own threads.
 */
final class SystemProcessRunner implements ProcessRunner {
  static final SystemProcessRunner INSTANCE = new SystemProcessRunner();

  private SystemProcessRunner() {}

  @Override
  public Result run(List<String> command, Duration timeout) {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
    }
    try {
      p.getOutputStream().close();
      Drain out = new Drain(p.getInputStream());
      Drain err = new Drain(p.getErrorStream());
      out.start();
      err.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", command) + " did not finish within " + timeout.toMillis() + " ms");
      }
      // a program that left a process behind holding its output (a daemon it started) is not
      // waited for: what it wrote is read, then a silent pipe is cut off
      out.drain();
      err.drain();
      return new Result(p.exitValue(), out.text(), err.text());
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class Drain extends OutputReader {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    Drain(InputStream in) {
      super(in, "inferwatt-process-drain");
    }

    @Override
    public void run() {
      try (InputStream in = input()) {
        in.transferTo(buf);
      } catch (IOException e) {
        // the process went away; keep what was read
      }
    }

    String text() {
      return buf.toString(StandardCharsets.UTF_8);
    }
  }
}
