package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.Durations;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.io.SamplesCsv;
import io.inferwatt.hardware.Rail;
import io.inferwatt.hardware.sensors.PowerLogger;
import io.inferwatt.hardware.sensors.PowerSource;
import io.inferwatt.hardware.sensors.PowerSources;
import io.inferwatt.hardware.sensors.SourceStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code inferwatt log}: records the power rails of this machine to a samples CSV until the
 * duration is over or Ctrl-C, which stops cleanly and keeps what was recorded.
 */
@Command(
    name = "log",
    mixinStandardHelpOptions = true,
    description = {
      "Record this machine's power rails into a samples CSV.",
      "Columns t_ns,read_start_ns,read_end_ns,<rail>_mw,... (monotonic ns, mW).",
      "Ctrl-C stops it and keeps what was recorded."
    })
final class LogCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--duration",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description = "how long to record (60s, 500ms, 2m); default: until Ctrl-C")
  Duration duration;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "the samples CSV to write (an existing file is replaced)")
  Path out;

  @Option(
      names = "--rails",
      split = ",",
      paramLabel = "RAIL",
      description = "rails to record, by name (see inferwatt sensors); default: all")
  List<String> rails;

  @Option(
      names = "--period",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description =
          "time between reads (2ms); 0 reads back to back; default: as fast as each sensor updates")
  Duration period;

  @Mixin RootOption root;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter outText = spec.commandLine().getOut();
    if (duration != null && (duration.isNegative() || duration.isZero())) {
      throw new BadInputException("--duration " + format(duration) + " must be above 0");
    }
    if (period != null && period.isNegative()) {
      throw new BadInputException("--period " + format(period) + " is negative; give 0 or more");
    }
    Path rootDir = root.folder();
    new OutputCheck().output("--out", out).check();
    try (PowerSources.Discovery found = PowerSources.discover(rootDir)) {
      if (found.present().isEmpty()) {
        StringBuilder why = new StringBuilder("no power source found under " + root);
        found
            .absent()
            .forEach(a -> why.append("; ").append(a.kind()).append(": ").append(a.reason()));
        throw new IllegalStateException(why.toString());
      }
      Selection sel = select(found.present(), rails);
      PowerLogger.Options options = PowerLogger.Options.defaults().withPeriod(period);
      try (PowerLogger logger = PowerLogger.create(sel.sources, options)) {
        int[] columns = sel.columns(logger.rails());
        List<String> names =
            Arrays.stream(columns).mapToObj(c -> logger.rails().get(c).name()).toList();
        SamplesCsv.Writer writer;
        try {
          writer = SamplesCsv.writer(out, names, true);
        } catch (IOException e) {
          throw IoErrors.failure("write the samples to", out, e, "choose another --out");
        }
        return record(logger, writer, columns, names, err, outText);
      }
    }
  }

  /** The sources that hold a chosen rail, and the chosen rails' names in order. */
  private record Selection(List<PowerSource> sources, List<String> wanted) {
    int[] columns(List<Rail> loggerRails) {
      List<String> all = loggerRails.stream().map(Rail::name).toList();
      if (wanted == null) {
        int[] c = new int[all.size()];
        Arrays.setAll(c, i -> i);
        return c;
      }
      return wanted.stream().mapToInt(all::indexOf).toArray();
    }
  }

  private static Selection select(List<PowerSource> present, List<String> asked) {
    if (asked == null || asked.isEmpty()) {
      return new Selection(present, null);
    }
    // rail names as the logger will name them: the first source keeps a shared name
    List<String> all = PowerLogger.railsOf(present).stream().map(Rail::name).toList();
    List<PowerSource> owner = new ArrayList<>();
    for (PowerSource s : present) {
      for (int k = 0; k < s.rails().size(); k++) {
        owner.add(s);
      }
    }
    List<PowerSource> used = new ArrayList<>();
    List<String> wanted = new ArrayList<>();
    for (String a : asked) {
      String name = a.strip().toLowerCase(Locale.ROOT);
      int i = all.indexOf(name);
      if (i < 0) {
        throw new BadInputException("rail '" + a + "' is not one of " + String.join(", ", all));
      }
      if (wanted.contains(name)) {
        throw new BadInputException("rail '" + a + "' is asked for twice");
      }
      wanted.add(name);
      if (!used.contains(owner.get(i))) {
        used.add(owner.get(i));
      }
    }
    // keep the discovery order so that the logger names shared rails the same way
    List<PowerSource> ordered = present.stream().filter(used::contains).toList();
    if (ordered.size() != present.size()) {
      // a shared name may change owner when a source drops out: check again
      List<String> names = PowerLogger.railsOf(ordered).stream().map(Rail::name).toList();
      for (String w : wanted) {
        if (!names.contains(w)) {
          throw new BadInputException(
              "rail '" + w + "' cannot be chosen with this selection; choose it by its plain name");
        }
      }
    }
    return new Selection(ordered, wanted);
  }

  private int record(
      PowerLogger logger,
      SamplesCsv.Writer writer,
      int[] columns,
      List<String> names,
      PrintWriter err,
      PrintWriter outText)
      throws IOException, InterruptedException {
    CountDownLatch finished = new CountDownLatch(1);
    boolean[] stopRequested = {false};
    Object lock = new Object();
    Thread hook =
        new Thread(
            () -> {
              synchronized (lock) {
                stopRequested[0] = true;
              }
              try {
                // let the recording loop flush and close the file before the JVM ends
                finished.await(5, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "inferwatt-log-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    long[] written = {0};
    double[] last = new double[columns.length];
    Arrays.fill(last, Double.NaN);
    IOException[] writeError = {null};
    String failure = null;
    long startNs = System.nanoTime();
    long endNs = duration == null ? Long.MAX_VALUE : startNs + duration.toNanos();
    try {
      try {
        logger.start();
        long nextProgressNs = startNs + 1_000_000_000L;
        while (true) {
          synchronized (lock) {
            if (stopRequested[0]) {
              break;
            }
          }
          long now = System.nanoTime();
          if (now >= endNs) {
            break;
          }
          write(logger, writer, columns, written, last, writeError);
          if (writeError[0] != null) {
            break;
          }
          if (logger.failure().isPresent()) {
            failure = logger.failure().get();
            break;
          }
          if (now >= nextProgressNs) {
            progress(err, now - startNs, written[0], names, last, logger.stats());
            nextProgressNs += 1_000_000_000L;
          }
          Thread.sleep(Math.max(1, Math.min(50, (endNs - now) / 1_000_000L)));
        }
      } finally {
        logger.close();
        try {
          write(logger, writer, columns, written, last, writeError);
          writer.flush();
        } finally {
          writer.close();
        }
      }
      summary(logger, err, outText, written[0], names, last, startNs, writeError[0], failure);
    } finally {
      // the file is closed and the summary printed (also on Ctrl-C) before the hook lets the JVM
      // end
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: Ctrl-C
      }
      finished.countDown();
    }
    return 0;
  }

  private void summary(
      PowerLogger logger,
      PrintWriter err,
      PrintWriter outText,
      long written,
      List<String> names,
      double[] last,
      long startNs,
      IOException writeError,
      String failure) {
    if (writeError != null) {
      throw IoErrors.failure("write the samples to", out, writeError, "choose another --out");
    }
    progress(err, System.nanoTime() - startNs, written, names, last, logger.stats());
    err.println();
    err.flush();
    for (SourceStats s : logger.stats()) {
      outText.printf(
          Locale.ROOT,
          "%s: %d reads, period %s mean / %s p99, read %s mean, %d failed, %d dropped, CPU %s per read%s%n",
          s.kind(),
          s.reads(),
          ms(s.meanPeriodNs()),
          ms(s.p99PeriodNs()),
          ms(s.meanReadNs()),
          s.failedReads(),
          s.droppedSamples(),
          ms(s.cpuTimePerReadNs()),
          s.lastError() == null ? "" : "; last failure: " + s.lastError());
    }
    outText.printf(
        Locale.ROOT, "wrote %d samples of %s to %s%n", written, String.join(", ", names), out);
    outText.flush();
    if (failure != null) {
      throw new IllegalStateException(failure + " (the samples before it are kept in " + out + ")");
    }
  }

  private static void write(
      PowerLogger logger,
      SamplesCsv.Writer writer,
      int[] columns,
      long[] written,
      double[] last,
      IOException[] error) {
    // every rail in its own column: the logged sample is the row as it is, no copy
    boolean identity = columns.length == logger.rails().size();
    for (int i = 0; identity && i < columns.length; i++) {
      identity = columns[i] == i;
    }
    boolean asLogged = identity;
    logger.drainOrdered(
        s -> {
          if (error[0] != null) {
            return;
          }
          // every logged source owns a chosen rail: a row of NaN is a failed read, kept as a gap
          double[] p = asLogged ? s.powerMw() : new double[columns.length];
          for (int i = 0; i < columns.length; i++) {
            if (!asLogged) {
              p[i] = s.powerMw()[columns[i]];
            }
            if (!Double.isNaN(p[i])) {
              last[i] = p[i];
            }
          }
          try {
            writer.write(
                asLogged ? s : new PowerSample(s.tNs(), s.readStartNs(), s.readEndNs(), p));
            written[0]++;
          } catch (IOException e) {
            error[0] = e;
          }
        });
  }

  private void progress(
      PrintWriter err,
      long elapsedNs,
      long written,
      List<String> names,
      double[] last,
      List<SourceStats> stats) {
    StringBuilder b = new StringBuilder("\rlog ");
    b.append(String.format(Locale.ROOT, "%.0f", elapsedNs / 1e9));
    if (duration != null) {
      b.append('/').append(duration.toSeconds());
    }
    b.append(" s  ").append(written).append(" samples ");
    for (int i = 0; i < names.size() && i < 6; i++) {
      b.append(' ').append(names.get(i)).append(' ');
      b.append(Double.isNaN(last[i]) ? "-" : String.format(Locale.ROOT, "%.0f", last[i]))
          .append(" mW");
    }
    long dropped = stats.stream().mapToLong(SourceStats::droppedSamples).sum();
    long failed = stats.stream().mapToLong(SourceStats::failedReads).sum();
    if (dropped > 0 || failed > 0) {
      b.append("  dropped ").append(dropped).append(" failed ").append(failed);
    }
    err.print(b);
    err.flush();
  }

  static String ms(double ns) {
    return Double.isNaN(ns) ? "-" : String.format(Locale.ROOT, "%.3f ms", ns / 1e6);
  }

  static String format(Duration d) {
    return d.toMillis() + " ms";
  }

  private static final Pattern BARE_SECONDS = Pattern.compile("\\d+(?:\\.\\d+)?");

  /**
   * Parses {@code 60s}, {@code 2ms}, {@code 500us}, {@code 1.5m}, {@code 1h}, a bare number of
   * seconds, or ISO-8601 ({@code PT60S}).
   */
  static Duration parseDuration(String text) {
    String t = text.strip();
    if (t.startsWith("PT") || t.startsWith("pt")) {
      try {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (RuntimeException e) {
        throw new BadInputException("duration '" + text + "' is not ISO-8601 (PT60S)");
      }
    }
    String lower = t.toLowerCase(Locale.ROOT);
    if (BARE_SECONDS.matcher(lower).matches()) {
      lower += "s"; // a bare number is seconds
    }
    // the shared parser's units, plus the spellings µs and min
    lower = lower.replace("µs", "us").replaceFirst("min$", "m").replace(" ", "");
    return Duration.ofNanos(Durations.parseNs(lower));
  }

  /** picocli converter for {@link #parseDuration}. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return parseDuration(value);
      } catch (BadInputException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
