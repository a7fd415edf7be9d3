package io.inferwatt.engines.sim;

import io.inferwatt.core.BadInputException;

/**
 * How the virtual board's power sensor (an INA3221 in the real Jetson Nano) forms each reading.
 *
 * @param windowNs length of the boxcar average in ns: each reading is the mean of the true power
 *     over {@code [readEndNs - windowNs, readEndNs]}; {@code 0} = the instantaneous power at the
 *     reading's {@code tNs}. The real INA3221 averages over its conversion time, about 1.1 ms per
 *     channel by default.
 */
public record SensorConfig(long windowNs) {

  /** The sensor's conversion time on a stock Jetson Nano, ns (INA3221 default, ≈1.1 ms). */
  public static final long INA3221_DEFAULT_WINDOW_NS = 1_100_000L;

  public SensorConfig {
    if (windowNs < 0) {
      throw new BadInputException("sensor window " + windowNs + " ns is negative");
    }
  }

  /** Instantaneous readings (window 0). */
  public static SensorConfig instantaneous() {
    return new SensorConfig(0);
  }

  /** A boxcar average over {@code windowNs}. */
  public static SensorConfig boxcar(long windowNs) {
    return new SensorConfig(windowNs);
  }
}
