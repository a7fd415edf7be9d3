package io.inferwatt.cli;

import io.inferwatt.core.PowerSample;
import io.inferwatt.hardware.Rail;
import io.inferwatt.hardware.sensors.PowerLogger;
import io.inferwatt.hardware.sensors.PowerSource;
import io.inferwatt.hardware.sensors.SourceStats;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The live state behind {@code inferwatt monitor}: a power logger over every source, per-rail
 * statistics since the start (current, mean, min, max, energy by the trapezoid rule, a trend of
 * per-second means), the text views, and, when asked, a Prometheus endpoint with {@code
 * hw_power_watts} gauges and {@code hw_energy_joules_total} counters (OpenTelemetry's {@code
 * hw.power} and {@code hw.energy} in Prometheus naming) per board and rail, with a {@code
 * simulated} label ({@code "true"} on a virtual board). One thread calls {@link #pump()} and the
 * views; the HTTP server's threads read only the metric registry.
 */
final class Monitor implements AutoCloseable {

  static final int TREND_POINTS = 24;
  private static final String BARS = "▁▂▃▄▅▆▇█";

  /** Statistics of one rail since the start. */
  static final class RailStat {
    final Rail rail;
    double lastMw = Double.NaN;
    double minMw = Double.POSITIVE_INFINITY;
    double maxMw = Double.NEGATIVE_INFINITY;
    double sumMw;
    long n;
    double energyMwNs;
    long firstNs = Long.MIN_VALUE;
    long lastNs = Long.MIN_VALUE;
    double secondSumMw;
    long secondN;
    final double[] trend = new double[TREND_POINTS];
    int trendCount;

    /** This rail's Prometheus series, looked up once; null when nothing is served. */
    GaugeDataPoint powerW;

    CounterDataPoint energyJ;

    RailStat(Rail rail) {
      this.rail = rail;
    }

    double meanMw() {
      return n == 0 ? Double.NaN : sumMw / n;
    }

    double energyJ() {
      return energyMwNs / 1e12;
    }
  }

  private final PowerLogger logger;
  private final List<RailStat> rails = new ArrayList<>();
  private final String board;
  private final long startNs = System.nanoTime();
  private long nextSecondNs = startNs + 1_000_000_000L;
  private final HTTPServer server;
  private final boolean simulated;

  /**
   * @param prometheus where to serve {@code /metrics}; null serves nothing
   * @param simulated whether the readings come from a virtual board (then labelled so)
   */
  Monitor(
      List<PowerSource> sources,
      Duration period,
      String board,
      InetSocketAddress prometheus,
      boolean simulated) {
    this.board = board;
    this.simulated = simulated;
    logger = PowerLogger.create(sources, PowerLogger.Options.defaults().withPeriod(period));
    for (Rail r : logger.rails()) {
      rails.add(new RailStat(r));
    }
    if (prometheus == null) {
      server = null;
    } else {
      PrometheusRegistry registry = new PrometheusRegistry();
      Gauge power =
          Gauge.builder()
              .name("hw_power_watts")
              .help("Instantaneous power of a rail, W" + (simulated ? " (simulated)" : ""))
              .labelNames("board", "rail", "simulated")
              .register(registry);
      Counter energy =
          Counter.builder()
              .name("hw_energy_joules_total")
              .help(
                  "Energy of a rail since the monitor started, J"
                      + (simulated ? " (simulated)" : ""))
              .labelNames("board", "rail", "simulated")
              .register(registry);
      String sim = Boolean.toString(simulated);
      for (RailStat s : rails) {
        s.powerW = power.labelValues(board, s.rail.name(), sim);
        s.energyJ = energy.labelValues(board, s.rail.name(), sim);
        s.energyJ.inc(0);
      }
      try {
        server =
            HTTPServer.builder()
                .hostname(prometheus.getHostString())
                .port(prometheus.getPort())
                .registry(registry)
                .buildAndStart();
      } catch (IOException e) {
        throw new UncheckedIOException(
            new IOException(
                "cannot serve metrics on "
                    + prometheus.getHostString()
                    + ":"
                    + prometheus.getPort()
                    + ": "
                    + e.getMessage()
                    + " (choose another --prometheus HOST:PORT)",
                e));
      }
    }
    logger.start();
  }

  /** The port metrics are served on; -1 when none. */
  int port() {
    return server == null ? -1 : server.getPort();
  }

  List<RailStat> rails() {
    return rails;
  }

  /** The logger's self-measurement per source. */
  List<SourceStats> stats() {
    return logger.stats();
  }

  /** Takes every sample the logger has ready into the statistics and the metrics. */
  void pump() {
    logger.drainOrdered(this::take);
    long now = System.nanoTime();
    while (now >= nextSecondNs) {
      for (RailStat s : rails) {
        double m = s.secondN == 0 ? Double.NaN : s.secondSumMw / s.secondN;
        s.trend[s.trendCount % TREND_POINTS] = m;
        s.trendCount++;
        s.secondSumMw = 0;
        s.secondN = 0;
      }
      nextSecondNs += 1_000_000_000L;
    }
  }

  private void take(PowerSample sample) {
    for (int i = 0; i < rails.size(); i++) {
      double p = sample.powerMw(i);
      if (Double.isNaN(p)) {
        continue;
      }
      RailStat s = rails.get(i);
      double added = 0;
      if (s.firstNs == Long.MIN_VALUE) {
        s.firstNs = sample.tNs();
      }
      if (s.lastNs != Long.MIN_VALUE && !Double.isNaN(s.lastMw)) {
        added = (sample.tNs() - s.lastNs) * (s.lastMw + p) / 2;
        s.energyMwNs += added;
      }
      s.lastNs = sample.tNs();
      s.lastMw = p;
      s.minMw = Math.min(s.minMw, p);
      s.maxMw = Math.max(s.maxMw, p);
      s.sumMw += p;
      s.n++;
      s.secondSumMw += p;
      s.secondN++;
      if (s.powerW != null) {
        s.powerW.set(p / 1000.0);
        if (added > 0) {
          s.energyJ.inc(added / 1e12);
        }
      }
    }
  }

  /** A trend line of the per-second means, oldest first, scaled between their min and max. */
  static String trend(RailStat s) {
    int k = Math.min(s.trendCount, TREND_POINTS);
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < k; i++) {
      double v = s.trend[(s.trendCount - k + i) % TREND_POINTS];
      if (!Double.isNaN(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < k; i++) {
      double v = s.trend[(s.trendCount - k + i) % TREND_POINTS];
      if (Double.isNaN(v)) {
        b.append(' ');
      } else {
        int level = hi > lo ? (int) Math.round((v - lo) / (hi - lo) * (BARS.length() - 1)) : 0;
        b.append(BARS.charAt(level));
      }
    }
    return b.toString();
  }

  /** The table of every rail and the logger's own rate and cost, one line each. */
  List<String> table() {
    double elapsedS = (System.nanoTime() - startNs) / 1e9;
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "%-22s %10s %10s %10s %10s %12s  %-24s%s",
            "rail",
            "now mW",
            "mean mW",
            "min mW",
            "max mW",
            "energy J",
            "trend (1 s)",
            simulated ? "  [simulated]" : ""));
    for (RailStat s : rails) {
      lines.add(
          String.format(
              Locale.ROOT,
              "%-22s %10.1f %10.1f %10.1f %10.1f %12.4f  %-24s%s",
              s.rail.name() + (s.rail.total() ? " (total)" : ""),
              s.lastMw,
              s.meanMw(),
              s.n == 0 ? Double.NaN : s.minMw,
              s.n == 0 ? Double.NaN : s.maxMw,
              s.energyJ(),
              trend(s),
              simulated ? "  [simulated]" : ""));
    }
    for (SourceStats st : logger.stats()) {
      lines.add(
          String.format(
              Locale.ROOT,
              "logger %-15s %8.0f reads/s  period %.2f ms  read %.1f µs  cpu %.2f %%  dropped %d  failed %d",
              st.kind(),
              elapsedS > 0 ? st.reads() / elapsedS : 0.0,
              st.meanPeriodNs() / 1e6,
              st.meanReadNs() / 1e3,
              st.cpuTimeNs() < 0 || elapsedS <= 0 ? Double.NaN : st.cpuTimeNs() / (elapsedS * 1e7),
              st.droppedSamples(),
              st.failedReads()));
    }
    return lines;
  }

  /** One plain line per rail, for pipes and CI. */
  List<String> plainLines() {
    double elapsedS = (System.nanoTime() - startNs) / 1e9;
    List<String> lines = new ArrayList<>();
    for (RailStat s : rails) {
      lines.add(
          String.format(
              Locale.ROOT,
              "%8.1f s  %-12s now %.1f mW  mean %.1f mW  min %.1f  max %.1f  energy %.4f J%s",
              elapsedS,
              s.rail.name(),
              s.lastMw,
              s.meanMw(),
              s.n == 0 ? Double.NaN : s.minMw,
              s.n == 0 ? Double.NaN : s.maxMw,
              s.energyJ(),
              simulated ? "  [simulated]" : ""));
    }
    return lines;
  }

  /** Stops the server (first: no scrape sees a half-closed logger) and the logger. */
  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
    logger.close();
    pump();
  }
}
