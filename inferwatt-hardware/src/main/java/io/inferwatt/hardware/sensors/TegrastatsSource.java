package io.inferwatt.hardware.sensors;

import io.inferwatt.hardware.ProcessRunner;
import io.inferwatt.hardware.Rail;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code tegrastats --interval N} run as a child process; every line it prints is one reading.
 * {@link #read()} waits for the next line (at most two intervals plus a second), so the reading
 * stands for the end of the read. Voltage and current are NaN: tegrastats prints power only.
 */
final class TegrastatsSource implements PowerSource {

  static final String KIND = "tegrastats";
  static final String PATH = "usr/bin/tegrastats";

  private final String where;
  private final ProcessRunner.Running process;
  private final long intervalMs;
  private final List<Rail> rails;
  private final JetsonRails.Total total;
  private final Map<String, Integer> index = new HashMap<>();
  // each line parsed once, by the pump; the reader only maps labels onto rails
  private final BlockingQueue<List<TegrastatsParser.RailPower>> lines = new ArrayBlockingQueue<>(4);
  private final Thread pump;
  private volatile String endedWith;
  private volatile boolean closed;

  private TegrastatsSource(
      String where,
      ProcessRunner.Running process,
      long intervalMs,
      List<String> labels,
      List<TegrastatsParser.RailPower> first) {
    this.where = where;
    this.process = process;
    this.intervalMs = intervalMs;
    this.total = JetsonRails.total(labels);
    this.rails = JetsonRails.rails(labels, total);
    for (int i = 0; i < labels.size(); i++) {
      index.put(labels.get(i), i);
    }
    lines.add(first);
    pump = new Thread(this::pump, "inferwatt-tegrastats-reader");
    pump.setDaemon(true);
    pump.start();
  }

  /**
   * Starts {@code root/usr/bin/tegrastats --interval intervalMs} through {@code runner} and waits
   * for its first line to learn the rails; adds the source or the reason it is absent.
   */
  static void probe(
      Path root,
      ProcessRunner runner,
      long intervalMs,
      List<PowerSource> present,
      List<AbsentSource> absent) {
    Path exe = root.resolve(PATH);
    if (!Files.exists(exe)) {
      absent.add(
          new AbsentSource(KIND, "/" + PATH, "no tool: " + exe + " does not exist (not a Jetson)"));
      return;
    }
    List<String> command = List.of(exe.toString(), "--interval", Long.toString(intervalMs));
    ProcessRunner.Running p;
    try {
      p = runner.start(command);
    } catch (IOException e) {
      absent.add(new AbsentSource(KIND, exe.toString(), e.getMessage()));
      return;
    }
    List<TegrastatsParser.RailPower> first;
    try {
      first = firstPowerLine(p, intervalMs * 2 + 2000);
    } catch (IOException e) {
      p.close();
      absent.add(new AbsentSource(KIND, exe.toString(), e.getMessage()));
      return;
    }
    List<String> labels = new ArrayList<>();
    for (TegrastatsParser.RailPower r : first) {
      if (!r.label().equals("NC") && !labels.contains(r.label())) {
        labels.add(r.label());
      }
    }
    present.add(new TegrastatsSource(String.join(" ", command), p, intervalMs, labels, first));
  }

  /** The first line with power fields, read on a helper thread so a silent tool cannot hang us. */
  private static List<TegrastatsParser.RailPower> firstPowerLine(
      ProcessRunner.Running p, long timeoutMs) throws IOException {
    BlockingQueue<Object> result = new ArrayBlockingQueue<>(1);
    Thread t =
        new Thread(
            () -> {
              try {
                String line;
                int seen = 0;
                while ((line = p.stdout().readLine()) != null) {
                  seen++;
                  List<TegrastatsParser.RailPower> fields = TegrastatsParser.parse(line);
                  if (!fields.isEmpty()) {
                    result.offer(fields);
                    return;
                  }
                }
                result.offer(
                    new IOException(
                        seen == 0
                            ? "tegrastats ended without output"
                            : "no power fields in tegrastats output (not root? tegrastats needs root to report power)"));
              } catch (IOException e) {
                result.offer(e);
              }
            },
            "inferwatt-tegrastats-probe");
    t.setDaemon(true);
    t.start();
    Object r;
    try {
      r = result.poll(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for tegrastats", e);
    }
    if (r == null) {
      throw new IOException("tegrastats printed no power line in " + timeoutMs + " ms");
    }
    if (r instanceof IOException e) {
      throw e;
    }
    @SuppressWarnings("unchecked")
    List<TegrastatsParser.RailPower> fields = (List<TegrastatsParser.RailPower>) r;
    return fields;
  }

  private void pump() {
    try {
      String line;
      while ((line = process.stdout().readLine()) != null) {
        List<TegrastatsParser.RailPower> fields = TegrastatsParser.parse(line);
        if (fields.isEmpty()) {
          continue;
        }
        // keep the newest lines: when the reader falls behind the oldest line goes
        while (!lines.offer(fields)) {
          lines.poll();
        }
      }
      endedWith = "tegrastats ended (end of output)";
    } catch (IOException e) {
      endedWith = closed ? "closed" : "cannot read tegrastats output: " + e.getMessage();
    }
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String where() {
    return where;
  }

  @Override
  public List<Rail> rails() {
    return rails;
  }

  @Override
  public Reading read() {
    if (closed) {
      throw new IllegalStateException("tegrastats source is closed");
    }
    List<TegrastatsParser.RailPower> line;
    try {
      line = lines.poll(intervalMs * 2 + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Reading.empty(rails.size()).withError("interrupted while waiting for tegrastats");
    }
    if (line == null) {
      String why = endedWith;
      return Reading.empty(rails.size())
          .withError(
              why != null ? why : "no tegrastats line in " + (intervalMs * 2 + 1000) + " ms");
    }
    return toReading(line);
  }

  /** The reading of one parsed line, mapped by label onto this source's rails. */
  Reading toReading(List<TegrastatsParser.RailPower> fields) {
    Reading r = Reading.empty(rails.size());
    for (TegrastatsParser.RailPower p : fields) {
      Integer i = index.get(p.label());
      if (i != null) {
        r.powerMw()[i] = p.powerMw();
      }
    }
    JetsonRails.fillSum(r.powerMw(), total);
    return r;
  }

  @Override
  public boolean readWaitsForValue() {
    return true;
  }

  /** The {@code --interval} it was started with. */
  @Override
  public OptionalLong updatePeriodNs() {
    return OptionalLong.of(intervalMs * 1_000_000L);
  }

  @Override
  public Map<String, String> settings() {
    return Map.of("interval_ms", Long.toString(intervalMs));
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    process.close();
  }
}
