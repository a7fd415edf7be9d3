package io.inferwatt.engines.feed;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.Phases;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.hardware.Rail;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The phase bookkeeping around a power feed that the real (wall-clock) recorders share: the idle
 * phase, the rails, and the timeline of the feed's samples. A {@code null} feed means no power
 * sensor.
 */
public final class FeedPhases {

  /** The note a recorder writes when it records without a power feed. */
  public static final String NO_FEED_NOTE =
      "no power sensor found: recorded latency and per-layer latency only (power and idle phases skipped)";

  private FeedPhases() {}

  /** The feed's rails as a recorder reports them; none without a feed. */
  public static List<Rail> rails(SampleFeed feed) {
    return feed == null ? List.of() : feed.railList();
  }

  /**
   * Sleeps through the idle phase while the feed logs, if there is a feed and an idle phase;
   * returns the phase on the monotonic time base.
   */
  public static Optional<PhaseEvent> idle(SampleFeed feed, long idleNs) {
    if (feed == null || idleNs <= 0) {
      return Optional.empty();
    }
    long start = System.nanoTime();
    sleepNs(idleNs);
    return Optional.of(new PhaseEvent(Phases.IDLE, start, System.nanoTime()));
  }

  /** Sleeps {@code ns} nanoseconds of the idle phase. */
  public static void sleepNs(long ns) {
    try {
      Thread.sleep(ns / 1_000_000, (int) (ns % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted in the idle phase", e);
    }
  }

  /**
   * Samples strictly increasing in time, as {@link Timeline} requires (a repeated stamp is
   * dropped).
   */
  public static List<PowerSample> increasing(List<PowerSample> in) {
    List<PowerSample> out = new ArrayList<>(in.size());
    long last = Long.MIN_VALUE;
    for (PowerSample s : in) {
      if (s.tNs() > last) {
        out.add(s);
        last = s.tNs();
      }
    }
    return out;
  }

  /** The timeline of a recording: the feed's rail names (none without a feed) and its samples. */
  public static Timeline timeline(SampleFeed feed, List<PowerSample> samples, EventLog events) {
    return new Timeline(feed == null ? List.of() : feed.rails(), increasing(samples), events);
  }
}
