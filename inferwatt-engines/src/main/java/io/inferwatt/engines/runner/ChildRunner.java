package io.inferwatt.engines.runner;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.EventLog;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.io.EventsFile;
import io.inferwatt.core.io.EventsJsonl;
import io.inferwatt.core.io.FormatException;
import io.inferwatt.core.io.OutputReader;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.feed.FeedPhases;
import io.inferwatt.engines.feed.SampleFeed;
import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.Rail;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The {@link CommandRecorder} implementation. */
final class ChildRunner implements CommandRecorder {
  private static final int STDERR_KEEP_BYTES = 64 * 1024;

  /** The longest line read from a runner's stdout; an event line is far shorter. */
  static final int MAX_LINE_CHARS = 1 << 20;

  private final List<String> argv;
  private final Duration timeout;
  private final ProcessLauncher launcher;
  private final SampleFeed feed;
  private final Path workDir;

  ChildRunner(
      List<String> argv,
      Duration timeout,
      ProcessLauncher launcher,
      SampleFeed feed,
      Path workDir) {
    this.argv = argv;
    this.timeout = timeout;
    this.launcher = launcher;
    this.feed = feed;
    this.workDir = workDir;
  }

  @Override
  public String board() {
    return "runner:" + Path.of(argv.get(0)).getFileName();
  }

  @Override
  public boolean simulated() {
    return false;
  }

  @Override
  public List<Rail> rails() {
    return FeedPhases.rails(feed);
  }

  @Override
  public List<Knob> knobs() {
    return List.of();
  }

  /** The placeholders and their values for one recording. */
  static Map<String, String> values(Workload w, Protocol p) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("network", w.network().name());
    v.put("batch", Integer.toString(w.batch()));
    v.put("mode", w.mode().id());
    v.put("input", w.input().id());
    v.put("warmup", Integer.toString(p.warmupCycles()));
    v.put("latency", Integer.toString(p.latencyCycles()));
    v.put("power", Integer.toString(p.powerCycles()));
    v.put(
        "layers", Integer.toString(p.layerCycles() > 0 ? p.layerCycles() : p.minSamplesPerLayer()));
    return v;
  }

  static List<String> substitute(List<String> argv, Map<String, String> values) {
    List<String> out = new ArrayList<>();
    for (String a : argv) {
      String s = a;
      for (Map.Entry<String, String> e : values.entrySet()) {
        s = s.replace("{" + e.getKey() + "}", e.getValue());
      }
      out.add(s);
    }
    return out;
  }

  static Map<String, String> environment(Map<String, String> values) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("INFERWATT_NETWORK", values.get("network"));
    env.put("INFERWATT_BATCH", values.get("batch"));
    env.put("INFERWATT_MODE", values.get("mode"));
    env.put("INFERWATT_INPUT", values.get("input"));
    env.put("INFERWATT_WARMUP", values.get("warmup"));
    env.put("INFERWATT_LATENCY_CYCLES", values.get("latency"));
    env.put("INFERWATT_POWER_CYCLES", values.get("power"));
    env.put("INFERWATT_LAYER_CYCLES", values.get("layers"));
    return env;
  }

  @Override
  public Timeline record(Workload workload, Protocol protocol, ProgressListener listener) {
    Map<String, String> values = values(workload, protocol);
    List<String> command = substitute(argv, values);
    String source = "runner " + command.get(0) + " stdout";
    EventsJsonl.Parser parser = EventsJsonl.parser(source);
    StdoutReader out = null;
    Tail err = null;
    String failure = null;
    long failureLine = 0;
    Throwable cause = null;
    List<PowerSample> samples = List.of();
    List<PhaseEvent> extraPhases = new ArrayList<>();
    if (feed != null) {
      feed.start();
    }
    try {
      Process p;
      try {
        p = launcher.launch(command, environment(values), workDir);
      } catch (IOException e) {
        throw new BadInputException(
            "cannot start runner " + command.get(0) + ": " + e.getMessage(), e);
      }
      out = new StdoutReader(p, parser, listener, source);
      err = new Tail(p.getErrorStream());
      try (Processes.Guard guard = Processes.stopOnExit(p)) {
        out.start();
        err.start();
        boolean finished = waitFor(p, timeout.toMillis());
        if (!finished) {
          failure =
              "runner "
                  + command.get(0)
                  + " did not finish within "
                  + timeout.toMillis() / 1000.0
                  + " s and was stopped";
        }
        // The runner has exited or is stopped now: end whatever it started and left behind (its
        // process group), which also closes the pipes those held, so its output ends here.
        Processes.destroyTree(p);
      }
      out.drain();
      err.drain();
      if (out.error != null) { // the reader destroyed the runner at the bad line
        failure = out.error.getMessage();
        failureLine = out.error.line();
        cause = out.error;
      } else if (failure == null && p.exitValue() != 0) {
        failure =
            "runner "
                + command.get(0)
                + " exited with status "
                + p.exitValue()
                + " after "
                + parser.lines()
                + " lines";
      } else if (failure == null && out.ioError != null) {
        failure = "cannot read the runner's output: " + out.ioError.getMessage();
        cause = out.ioError;
      }
      if (failure == null) {
        FeedPhases.idle(feed, protocol.idleNs()).ifPresent(extraPhases::add);
      }
    } finally {
      if (feed != null) {
        samples = feed.stop();
      }
    }
    EventLog events;
    EventsFile file = null;
    try {
      file = parser.finish();
    } catch (FormatException e) {
      if (failure == null) {
        failure = e.getMessage();
        failureLine = e.line();
        cause = e;
      }
    }
    if (file != null) {
      events = withPhases(file.events(), extraPhases);
    } else {
      events =
          EventLog.builder().build(); // the references between lines are broken: nothing to trust
    }
    Timeline t = FeedPhases.timeline(feed, samples, events);
    if (failure != null) {
      String tail = err == null ? "" : err.text();
      String lastErr = lastLine(tail);
      throw new RunnerException(
          failure + (lastErr.isEmpty() ? "" : "; stderr: " + lastErr), t, failureLine, tail, cause);
    }
    return t;
  }

  private static EventLog withPhases(EventLog log, List<PhaseEvent> extra) {
    if (extra.isEmpty()) {
      return log;
    }
    EventLog.Builder b = EventLog.builder();
    log.inferences().forEach(b::inference);
    for (int i = 0; i < log.layerCount(); i++) {
      b.layer(log.layer(i), log.layerLine(i));
    }
    log.phases().forEach(b::phase);
    extra.forEach(b::phase);
    return b.build();
  }

  private static boolean waitFor(Process p, long ms) {
    try {
      return p.waitFor(ms, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Processes.destroyTree(p);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the runner ran; it was stopped", e);
    }
  }

  private static String lastLine(String text) {
    String t = text.strip();
    int nl = t.lastIndexOf('\n');
    return nl < 0 ? t : t.substring(nl + 1);
  }

  /**
   * Feeds the runner's stdout to the parser line by line; stops and destroys it at a line that is
   * too long or cannot be read.
   */
  private static final class StdoutReader extends OutputReader {
    private final Process process;
    private final EventsJsonl.Parser parser;
    private final ProgressListener listener;
    private final String source;
    volatile FormatException error;
    volatile IOException ioError;

    StdoutReader(
        Process process, EventsJsonl.Parser parser, ProgressListener listener, String source) {
      super(process.getInputStream(), "inferwatt-runner-stdout");
      this.process = process;
      this.parser = parser;
      this.listener = listener;
      this.source = source;
    }

    @Override
    public void run() {
      long inferences = 0;
      try (LineReader r = new LineReader(input(), MAX_LINE_CHARS, LineReader.Overlong.FAIL)) {
        String line;
        while ((line = r.readLine()) != null && !abandoned()) {
          busy(true);
          try {
            parser.accept(line);
          } catch (FormatException e) {
            fail(e);
            return;
          } catch (RuntimeException | StackOverflowError e) {
            // whatever the JSON reader does with hostile input, the run fails on this line
            FormatException f =
                new FormatException(
                    source,
                    parser.lines(),
                    "cannot be read ("
                        + (e instanceof StackOverflowError ? "nested too deeply" : brief(e))
                        + "); the line starts with \""
                        + LineReader.prefix(line)
                        + "\"");
            f.initCause(e);
            fail(f);
            return;
          } finally {
            busy(false);
          }
          if (line.contains("\"inference\"") && ++inferences % 100 == 0) {
            listener.progress("runner", inferences, 0);
          }
        }
      } catch (LineReader.TooLong e) {
        FormatException f =
            new FormatException(
                source,
                e.line(),
                "longer than "
                    + MAX_LINE_CHARS
                    + " characters (it starts with \""
                    + e.prefix()
                    + "…\"); a runner prints one event per line");
        f.initCause(e);
        fail(f);
      } catch (IOException e) {
        ioError =
            e; // also what a destroyed runner's pipe gives; reported only if nothing else failed
      }
    }

    private void fail(FormatException e) {
      error = e;
      Processes.destroyTree(process);
    }

    private static String brief(Throwable e) {
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return LineReader.prefix(m.lines().findFirst().orElse(""));
    }
  }

  /** Keeps the last {@link #STDERR_KEEP_BYTES} of a stream. */
  private static final class Tail extends OutputReader {
    private final byte[] ring = new byte[STDERR_KEEP_BYTES];
    private long total;

    Tail(InputStream in) {
      super(in, "inferwatt-runner-stderr");
    }

    @Override
    public void run() {
      byte[] buf = new byte[8192];
      try (InputStream in = input()) {
        int n;
        while ((n = in.read(buf)) > 0) {
          synchronized (this) {
            for (int i = 0; i < n; i++) {
              ring[(int) (total++ % ring.length)] = buf[i];
            }
          }
        }
      } catch (IOException e) {
        // the runner went away; what was read is kept
      }
    }

    synchronized String text() {
      int n = (int) Math.min(total, ring.length);
      byte[] out = new byte[n];
      long start = total - n;
      for (int i = 0; i < n; i++) {
        out[i] = ring[(int) ((start + i) % ring.length)];
      }
      return new String(out, StandardCharsets.UTF_8);
    }
  }
}
