package io.inferwatt.api;

import io.inferwatt.hardware.Rail;
import io.inferwatt.hardware.sensors.AbsentSource;
import io.inferwatt.hardware.sensors.BoardSensors;
import io.inferwatt.hardware.sensors.PowerLogger;
import io.inferwatt.hardware.sensors.PowerSource;
import io.inferwatt.hardware.sensors.PowerSources;
import io.inferwatt.hardware.sensors.SourceStats;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A meter's sensors: found under the root or on a named board, each read by its own power logger,
 * with the meter's flat list of rails (every source's rails in order) and what each rail's history
 * needs. Opened by {@link PowerMeter#open(MeterOptions)}, closed with the meter.
 */
final class Sensors implements AutoCloseable {

  /** One sensor with its logger and where its rails sit in the meter's rail list. */
  record Feed(PowerSource source, PowerLogger logger, int offset, int width, long resolutionNs) {}

  private final PowerSources.Discovery discovery;
  final String board;
  final boolean simulated;
  final List<Feed> feeds = new ArrayList<>();
  final List<String> railNames = new ArrayList<>();

  /** Per rail: the longest gap between readings that still counts as covered, ns. */
  final List<Long> maxGapNs = new ArrayList<>();

  /** The slowest of every sensor's update period and read period, ns. */
  final long resolutionNs;

  private Sensors(
      PowerSources.Discovery discovery, String board, boolean simulated, Duration period) {
    this.discovery = discovery;
    this.board = board;
    this.simulated = simulated;
    int offset = 0;
    long res = 0;
    List<Rail> rails = PowerLogger.railsOf(discovery.present());
    for (PowerSource s : discovery.present()) {
      long p = period != null ? period.toNanos() : PowerLogger.defaultPeriodNs(s);
      long u = Math.max(p, s.updatePeriodNs().orElse(0));
      PowerLogger logger =
          PowerLogger.create(
              List.of(s),
              PowerLogger.Options.defaults()
                  .withPeriod(period)
                  .withFailAfter(Duration.ofMillis(500)));
      feeds.add(new Feed(s, logger, offset, s.rails().size(), u));
      for (int i = 0; i < s.rails().size(); i++) {
        railNames.add(rails.get(offset + i).name());
        maxGapNs.add(Math.max(10 * u, 100_000_000L));
      }
      offset += s.rails().size();
      res = Math.max(res, u);
    }
    resolutionNs = res;
  }

  /**
   * The sensors {@code options} name, loggers not started yet.
   *
   * @throws IllegalArgumentException for a root that is not a folder or an unknown board
   * @throws IllegalStateException when no power sensor is found (the message says why each was not)
   */
  static Sensors open(MeterOptions options) {
    String board = "local";
    boolean simulated = false;
    PowerSources.Discovery d;
    if (options.board() == null) {
      checkRoot(options);
      d = PowerSources.discover(options.root());
    } else {
      BoardSensors.Found f = BoardSensors.open(options.board(), options.root());
      d = f.sensors();
      board = f.board();
      simulated = f.simulated();
      if (!simulated && !Files.isDirectory(options.root())) {
        d.close();
        checkRoot(options);
      }
    }
    if (d.present().isEmpty()) {
      d.close();
      StringBuilder why = new StringBuilder();
      for (AbsentSource a : d.absent()) {
        why.append("; ").append(a.kind()).append(": ").append(a.reason());
      }
      throw new IllegalStateException(
          "no power sensor found under " + options.root() + why + " (inferwatt sensors says more)");
    }
    return new Sensors(d, board, simulated, options.period());
  }

  private static void checkRoot(MeterOptions options) {
    if (!Files.isDirectory(options.root())) {
      throw new IllegalArgumentException(
          "sysfs root "
              + options.root()
              + " is not a folder: set "
              + MeterOptions.ROOT_ENV
              + " to a copied or fake /sys tree, or leave it unset for /");
    }
  }

  void start() {
    for (Feed f : feeds) {
      f.logger().start();
    }
  }

  /** Stops every logger (their last readings stay to be drained). */
  void stop() {
    for (Feed f : feeds) {
      f.logger().close();
    }
  }

  List<SourceStats> stats() {
    List<SourceStats> out = new ArrayList<>();
    for (Feed f : feeds) {
      out.addAll(f.logger().stats());
    }
    return out;
  }

  /** Releases the sources (after {@link #stop()}). */
  @Override
  public void close() {
    discovery.close();
  }
}
