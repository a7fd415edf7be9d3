package io.inferwatt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.core.BadInputException;
import io.inferwatt.core.PowerSample;
import io.inferwatt.hardware.Rail;
import io.inferwatt.hardware.sensors.AbsentSource;
import io.inferwatt.hardware.sensors.PowerLogger;
import io.inferwatt.hardware.sensors.PowerSource;
import io.inferwatt.hardware.sensors.PowerSources;
import io.inferwatt.hardware.sensors.Reading;
import io.inferwatt.hardware.sensors.SourceStats;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code inferwatt sensors}: every power source of this machine with its rails, live values, the
 * achieved sample period and the sensor's own update period, and why each absent source is absent.
 */
@Command(
    name = "sensors",
    mixinStandardHelpOptions = true,
    description = {
      "List this machine's power sources and read them for a few seconds.",
      "For each: its rails, units, what each rail covers and the board total, live values, the",
      "achieved sample period and how often the sensor's value really changes; and why each absent",
      "source is absent."
    })
final class SensorsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin RootOption root;

  @Mixin FormatOption output;

  @Option(
      names = "--duration",
      paramLabel = "TIME",
      converter = LogCommand.DurationConverter.class,
      description = "how long to read each source (default: 3s; 0 reads once)")
  Duration duration = Duration.ofSeconds(3);

  @Option(
      names = "--period",
      paramLabel = "TIME",
      converter = LogCommand.DurationConverter.class,
      description = "time between reads; default: as fast as each sensor updates")
  Duration period;

  /** What was measured of one source. */
  private record Result(
      PowerSource source, Reading once, double[] lastMw, double[] meanMw, SourceStats stats) {}

  @Override
  public Integer call() throws Exception {
    Path rootDir = root.folder();
    if (duration.isNegative()) {
      throw new BadInputException("--duration " + LogCommand.format(duration) + " is negative");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (PowerSources.Discovery found = PowerSources.discover(rootDir)) {
      List<Result> results = measure(found.present(), out);
      if (output.json()) {
        out.println(json(results, found.absent()));
      } else {
        text(results, found.absent(), out);
      }
      out.flush();
    }
    return 0;
  }

  private List<Result> measure(List<PowerSource> sources, PrintWriter out)
      throws InterruptedException {
    List<Reading> once = new ArrayList<>();
    for (PowerSource s : sources) {
      once.add(s.read());
    }
    int width = sources.stream().mapToInt(s -> s.rails().size()).sum();
    double[] last = new double[width];
    double[] sum = new double[width];
    long[] n = new long[width];
    Arrays.fill(last, Double.NaN);
    List<SourceStats> stats = new ArrayList<>();
    if (!sources.isEmpty() && !duration.isZero()) {
      try (PowerLogger logger =
          PowerLogger.create(sources, PowerLogger.Options.defaults().withPeriod(period))) {
        logger.start();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long nextLive = start + 1_000_000_000L;
        while (System.nanoTime() < end) {
          Thread.sleep(Math.max(1, Math.min(20, (end - System.nanoTime()) / 1_000_000L)));
          logger.drainOrdered(s -> add(s, last, sum, n));
          if (!output.json() && System.nanoTime() >= nextLive) {
            live(logger.rails(), last, (System.nanoTime() - start) / 1e9, out);
            nextLive += 1_000_000_000L;
          }
        }
        logger.close();
        logger.drainOrdered(s -> add(s, last, sum, n));
        stats.addAll(logger.stats());
      }
    }
    List<Result> results = new ArrayList<>();
    int offset = 0;
    for (int i = 0; i < sources.size(); i++) {
      PowerSource s = sources.get(i);
      int k = s.rails().size();
      double[] l = Arrays.copyOfRange(last, offset, offset + k);
      double[] mean = new double[k];
      for (int r = 0; r < k; r++) {
        mean[r] = n[offset + r] == 0 ? Double.NaN : sum[offset + r] / n[offset + r];
      }
      results.add(new Result(s, once.get(i), l, mean, stats.isEmpty() ? null : stats.get(i)));
      offset += k;
    }
    return results;
  }

  private static void add(PowerSample s, double[] last, double[] sum, long[] n) {
    double[] p = s.powerMw();
    for (int i = 0; i < p.length; i++) {
      if (!Double.isNaN(p[i])) {
        last[i] = p[i];
        sum[i] += p[i];
        n[i]++;
      }
    }
  }

  private static void live(List<Rail> rails, double[] last, double seconds, PrintWriter out) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%5.1f s ", seconds));
    for (int i = 0; i < rails.size(); i++) {
      b.append(' ').append(rails.get(i).name()).append(' ').append(num(last[i])).append(" mW");
    }
    out.println(b);
    out.flush();
  }

  /** The power of a rail: the last value read while logging, else the single read's. */
  private static double power(Result r, int i) {
    return Double.isNaN(r.lastMw[i]) ? r.once.powerMw()[i] : r.lastMw[i];
  }

  private static String totalName(PowerSource s) {
    return s.rails().stream().filter(Rail::total).map(Rail::name).findFirst().orElse(null);
  }

  private void text(List<Result> results, List<AbsentSource> absent, PrintWriter out) {
    if (results.isEmpty()) {
      out.println(
          "No power source found" + (root.path.getParent() == null ? "." : " under " + root + "."));
    }
    for (Result r : results) {
      PowerSource s = r.source;
      out.println();
      out.printf("%s  (%s)%n", s.kind(), s.where());
      String total = totalName(s);
      out.printf("  board total: %s%n", total == null ? "not known for this source" : total);
      for (Map.Entry<String, String> e : s.settings().entrySet()) {
        out.printf("  %s = %s%n", e.getKey(), e.getValue());
      }
      out.printf(
          Locale.ROOT,
          "  %-12s %-18s %10s %10s %10s %10s  %s%n",
          "rail",
          "label",
          "power mW",
          "mean mW",
          "volt mV",
          "curr mA",
          "covers");
      for (int i = 0; i < s.rails().size(); i++) {
        Rail rail = s.rails().get(i);
        out.printf(
            Locale.ROOT,
            "  %-12s %-18s %10s %10s %10s %10s  %s%s%n",
            rail.name(),
            rail.label(),
            num(power(r, i)),
            num(r.meanMw[i]),
            num(r.once.voltageMv()[i]),
            num(r.once.currentMa()[i]),
            rail.covers(),
            rail.total() ? "  [total]" : "");
      }
      String declared =
          s.updatePeriodNs().isPresent()
              ? LogCommand.ms(s.updatePeriodNs().getAsLong()) + " (reported by the driver)"
              : "not reported by the driver";
      out.printf("  sensor update period: %s%n", declared);
      SourceStats st = r.stats;
      if (st != null) {
        out.printf(
            Locale.ROOT,
            "  sampling: %d reads, period %s asked, %s mean, %s p99; read %s mean, %s p99%n",
            st.reads(),
            st.periodNs() == 0 ? "back to back" : LogCommand.ms(st.periodNs()),
            LogCommand.ms(st.meanPeriodNs()),
            LogCommand.ms(st.p99PeriodNs()),
            LogCommand.ms(st.meanReadNs()),
            LogCommand.ms(st.p99ReadNs()));
        out.printf(
            Locale.ROOT,
            "  value changes: %s; logger CPU %s per read; %d failed reads%s%n",
            Double.isNaN(st.medianChangeNs())
                ? "no change seen"
                : "every " + LogCommand.ms(st.medianChangeNs()) + " (median, measured)",
            LogCommand.ms(st.cpuTimePerReadNs()),
            st.failedReads(),
            st.lastError() == null ? "" : " (last: " + st.lastError() + ")");
      }
      if (r.once.error() != null) {
        out.printf("  read problem: %s%n", r.once.error());
      }
    }
    if (!absent.isEmpty()) {
      out.println();
      out.println("Not used:");
      for (AbsentSource a : absent) {
        out.printf("  %-22s %s%n", a.kind(), a.reason());
      }
    }
  }

  private String json(List<Result> results, List<AbsentSource> absent) throws Exception {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode doc = mapper.createObjectNode();
    doc.put("root", root.toString());
    ArrayNode sources = doc.putArray("sources");
    for (Result r : results) {
      PowerSource s = r.source;
      ObjectNode o = sources.addObject();
      o.put("kind", s.kind());
      o.put("where", s.where());
      o.put("total", totalName(s));
      if (s.updatePeriodNs().isPresent()) {
        o.put("update_period_ns", s.updatePeriodNs().getAsLong());
      } else {
        o.putNull("update_period_ns");
      }
      ObjectNode settings = o.putObject("settings");
      s.settings().forEach(settings::put);
      ArrayNode rails = o.putArray("rails");
      for (int i = 0; i < s.rails().size(); i++) {
        Rail rail = s.rails().get(i);
        ObjectNode j = rails.addObject();
        j.put("name", rail.name());
        j.put("label", rail.label());
        j.put("covers", rail.covers());
        j.put("total", rail.total());
        put(j, "power_mw", power(r, i));
        put(j, "mean_power_mw", r.meanMw[i]);
        put(j, "voltage_mv", r.once.voltageMv()[i]);
        put(j, "current_ma", r.once.currentMa()[i]);
      }
      SourceStats st = r.stats;
      if (st == null) {
        o.putNull("sampling");
      } else {
        ObjectNode m = o.putObject("sampling");
        m.put("reads", st.reads());
        m.put("failed_reads", st.failedReads());
        m.put("dropped_samples", st.droppedSamples());
        m.put("period_ns", st.periodNs());
        put(m, "mean_period_ns", st.meanPeriodNs());
        put(m, "p99_period_ns", st.p99PeriodNs());
        put(m, "mean_read_ns", st.meanReadNs());
        put(m, "p99_read_ns", st.p99ReadNs());
        put(m, "median_change_ns", st.medianChangeNs());
        put(m, "cpu_time_per_read_ns", st.cpuTimePerReadNs());
        m.put("last_error", st.lastError());
      }
      o.put("read_error", r.once.error());
    }
    ArrayNode a = doc.putArray("absent");
    for (AbsentSource s : absent) {
      ObjectNode o = a.addObject();
      o.put("kind", s.kind());
      o.put("where", s.where());
      o.put("reason", s.reason());
    }
    return mapper.writeValueAsString(doc);
  }

  /** A number, or null for NaN (JSON has no NaN). */
  private static void put(ObjectNode o, String field, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      o.putNull(field);
    } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      o.put(field, (long) v);
    } else {
      o.put(field, v);
    }
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
  }
}
