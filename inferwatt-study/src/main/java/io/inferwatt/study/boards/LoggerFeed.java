package io.inferwatt.study.boards;

import io.inferwatt.core.PowerSample;
import io.inferwatt.engines.feed.SampleFeed;
import io.inferwatt.hardware.Rail;
import io.inferwatt.hardware.sensors.AbsentSource;
import io.inferwatt.hardware.sensors.PowerLogger;
import io.inferwatt.hardware.sensors.PowerSource;
import io.inferwatt.hardware.sensors.PowerSources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The real power logger as the engines' {@link SampleFeed}: each {@link #start()} starts a fresh
 * logger over the same sources and a drainer thread that empties its bounded queue into memory, so
 * a long phase never drops samples for want of a reader; {@link #stop()} closes the logger and
 * hands back every sample in time order.
 */
final class LoggerFeed implements SampleFeed {
  /**
   * How often the drainer empties the logger's queue, ms: rarely, since every wake-up can delay a
   * thread of the engine (the queue holds minutes of samples).
   */
  private static final long DRAIN_PERIOD_MS = 500;

  private final List<PowerSource> sources;
  private final List<String> rails;
  private final long periodNs;
  private PowerLogger logger;
  private Thread drainer;
  private final List<PowerSample> collected = new ArrayList<>();
  private volatile boolean draining;
  private long startedNs;
  private long loggedNs;
  private long droppedSamples;
  private long cpuNs;
  private boolean cpuKnown = true;

  /**
   * The power sources found under a root, and a feed over them when there are any; closing it
   * closes the sources.
   */
  record Sensors(PowerSources.Discovery found, Optional<LoggerFeed> logger)
      implements AutoCloseable {

    /** A feed over the sources {@code found} holds. */
    static Sensors of(PowerSources.Discovery found) {
      return new Sensors(
          found,
          found.present().isEmpty()
              ? Optional.empty()
              : Optional.of(new LoggerFeed(found.present())));
    }

    /** The feed, typed as the engines take it. */
    Optional<SampleFeed> feed() {
      return logger.map(f -> f);
    }

    /** Where it looked and why each source is absent: {@code kind (where): reason; ...}. */
    String absentSummary() {
      StringBuilder where = new StringBuilder();
      for (AbsentSource a : found.absent()) {
        where
            .append(where.length() == 0 ? "" : "; ")
            .append(a.kind())
            .append(" (")
            .append(a.where())
            .append("): ")
            .append(a.reason());
      }
      return where.toString();
    }

    @Override
    public void close() {
      found.close();
    }
  }

  synchronized LoggerCost cost() {
    double pct = cpuKnown && loggedNs > 0 ? 100.0 * cpuNs / loggedNs : Double.NaN;
    return new LoggerCost(droppedSamples, pct);
  }

  LoggerFeed(List<PowerSource> sources) {
    this.sources = List.copyOf(sources);
    this.rails = PowerLogger.railsOf(this.sources).stream().map(Rail::name).toList();
    long p = Long.MAX_VALUE;
    for (PowerSource s : this.sources) {
      p = Math.min(p, PowerLogger.defaultPeriodNs(s));
    }
    this.periodNs = p;
  }

  @Override
  public List<String> rails() {
    return rails;
  }

  @Override
  public long periodNs() {
    return periodNs;
  }

  @Override
  public synchronized void start() {
    if (logger != null) {
      return;
    }
    collected.clear();
    logger = PowerLogger.create(sources, PowerLogger.Options.defaults());
    startedNs = System.nanoTime();
    logger.start();
    draining = true;
    drainer =
        new Thread(
            () -> {
              while (draining) {
                synchronized (collected) {
                  logger.drainOrdered(collected::add);
                }
                try {
                  Thread.sleep(DRAIN_PERIOD_MS);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "inferwatt-feed-drainer");
    drainer.setDaemon(true);
    drainer.start();
  }

  @Override
  public synchronized List<PowerSample> stop() {
    if (logger == null) {
      return List.of();
    }
    draining = false;
    try {
      drainer.join(Duration.ofSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    logger.close();
    loggedNs += System.nanoTime() - startedNs;
    for (io.inferwatt.hardware.sensors.SourceStats st : logger.stats()) {
      droppedSamples += st.droppedSamples();
      if (st.cpuTimeNs() < 0) {
        cpuKnown = false;
      } else {
        cpuNs += st.cpuTimeNs();
      }
    }
    List<PowerSample> out;
    synchronized (collected) {
      logger.drainOrdered(collected::add);
      out = new ArrayList<>(collected);
      collected.clear();
    }
    logger = null;
    return out;
  }
}
