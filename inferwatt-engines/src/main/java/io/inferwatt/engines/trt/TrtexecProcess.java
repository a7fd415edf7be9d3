package io.inferwatt.engines.trt;

import io.inferwatt.core.io.OutputReader;
import io.inferwatt.engines.runner.LineReader;
import io.inferwatt.engines.runner.ProcessLauncher;
import io.inferwatt.engines.runner.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One trtexec process: started, its output's last lines kept (each cut at {@link #MAX_LINE_CHARS}),
 * waited for up to a timeout, and ended with whatever it left in its process group.
 */
final class TrtexecProcess {
  private static final int TAIL_LINES = 20;
  private static final int ERROR_LINES = 5;

  /** The longest line of trtexec's output kept (longer ones are cut): a bound on memory. */
  static final int MAX_LINE_CHARS = 4096;

  private TrtexecProcess() {}

  /** A failure inside a pass, turned into {@link TrtexecException} with the partial timeline. */
  static final class PassFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient Path file;
    final long line;
    final String tail;

    PassFailed(String message, Path file, long line, String tail, Throwable cause) {
      super(message, cause);
      this.file = file;
      this.line = line;
      this.tail = tail;
    }
  }

  /** A finished trtexec process. */
  record Finished(long launchNs, long exitNs, List<String> out, List<String> err) {}

  /**
   * Starts trtexec, keeps the last lines of its output and waits for it.
   *
   * @param mustSucceed whether a non-zero exit is an error
   */
  static Finished launch(
      ProcessLauncher launcher,
      Duration timeout,
      Path workDir,
      String pass,
      List<String> argv,
      boolean mustSucceed) {
    long launchNs = System.nanoTime();
    Process p;
    try {
      p = launcher.launch(argv, Map.of(), workDir);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start trtexec " + argv.get(0) + ": " + e.getMessage(), e);
    }
    LineTail out = new LineTail(p.getInputStream(), "inferwatt-trtexec-stdout");
    LineTail err = new LineTail(p.getErrorStream(), "inferwatt-trtexec-stderr");
    out.start();
    err.start();
    boolean done;
    long exitNs;
    try (Processes.Guard guard = Processes.stopOnExit(p)) {
      try {
        done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Processes.destroyTree(p);
        Thread.currentThread().interrupt();
        throw new IllegalStateException(
            "interrupted while trtexec ran (" + pass + " pass); it was stopped", e);
      }
      exitNs = System.nanoTime();
      // ends the pass's process group too: what trtexec left behind would hold its pipes open
      Processes.destroyTree(p);
    }
    out.drain();
    err.drain();
    Finished f = new Finished(launchNs, exitNs, out.lines(), err.lines());
    if (!done) {
      throw new PassFailed(
          "trtexec ("
              + pass
              + " pass) did not finish within "
              + timeout.toSeconds()
              + " s and was stopped",
          null,
          0,
          lastLines(f),
          null);
    }
    if (mustSucceed && p.exitValue() != 0) {
      throw new PassFailed(
          "trtexec ("
              + pass
              + " pass) exited with status "
              + p.exitValue()
              + "; last output: "
              + String.join(" | ", lastLines(f).lines().toList()),
          null,
          0,
          lastLines(f),
          null);
    }
    return f;
  }

  /** The last lines of standard error, or of standard output when trtexec wrote no error. */
  static String lastLines(Finished f) {
    List<String> src = f.err.isEmpty() ? f.out : f.err;
    return String.join("\n", src.subList(Math.max(0, src.size() - ERROR_LINES), src.size()));
  }

  /** Keeps the last {@link #TAIL_LINES} lines of a stream. */
  private static final class LineTail extends OutputReader {
    private final ArrayDeque<String> lines = new ArrayDeque<>();

    LineTail(InputStream in, String name) {
      super(in, name);
    }

    @Override
    public void run() {
      try (LineReader b = new LineReader(input(), MAX_LINE_CHARS, LineReader.Overlong.TRUNCATE)) {
        String line;
        while ((line = b.readLine()) != null && !abandoned()) {
          synchronized (lines) {
            lines.addLast(line);
            if (lines.size() > TAIL_LINES) {
              lines.removeFirst();
            }
          }
        }
      } catch (IOException e) {
        // the process went away; what was read is kept
      }
    }

    List<String> lines() {
      synchronized (lines) {
        return List.copyOf(lines);
      }
    }
  }
}
