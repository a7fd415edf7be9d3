package io.inferwatt.engines.sim;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.analysis.SensorResponse;

/**
 * How the virtual board's power sensor (an INA3221 in the real Jetson Nano) forms each reading, and
 * whether an external bench meter watches the board's input beside it.
 *
 * @param response the sensor's response: instant (the true power at the reading's {@code tNs}), a
 *     boxcar mean over {@code [readEndNs − W, readEndNs]}, a first-order low-pass at {@code
 *     readEndNs}, or the boxcar followed by the low-pass. The real INA3221 averages over its
 *     conversion time, about 1.1 ms per channel by default.
 * @param gain the sensor's gain error: a reading is {@code gain × response + offsetMw} (1: none)
 * @param offsetMw the sensor's offset error in mW (0: none)
 * @param meterPeriodNs the external meter's period in ns (0: no meter); the meter reads the true
 *     input power averaged over each period, on its own clock ({@link VirtualNano#meterReadings()})
 */
public record SensorConfig(
    SensorResponse response, double gain, double offsetMw, long meterPeriodNs) {

  /** The sensor's conversion time on a stock Jetson Nano, ns (INA3221 default, ≈1.1 ms). */
  public static final long INA3221_DEFAULT_WINDOW_NS = 1_100_000L;

  public SensorConfig {
    if (response == null) {
      throw new IllegalArgumentException("sensor response is null");
    }
    if (!(gain > 0) || Double.isInfinite(gain)) {
      throw new BadInputException("sensor gain " + gain + " must be a positive number");
    }
    if (!Double.isFinite(offsetMw)) {
      throw new BadInputException("sensor offset " + offsetMw + " mW must be a number");
    }
    if (meterPeriodNs < 0) {
      throw new BadInputException("meter period " + meterPeriodNs + " ns is negative");
    }
  }

  /** A boxcar sensor over {@code windowNs} (0: instantaneous), without errors or meter. */
  public SensorConfig(long windowNs) {
    this(boxcarOrFail(windowNs), 1, 0, 0);
  }

  private static SensorResponse boxcarOrFail(long windowNs) {
    if (windowNs < 0) {
      throw new BadInputException("sensor window " + windowNs + " ns is negative");
    }
    return SensorResponse.boxcar(windowNs);
  }

  /** The boxcar part of the response, ns (0 for an instant or plain low-pass sensor). */
  public long windowNs() {
    return response.boxcarNs();
  }

  /** Instantaneous readings (window 0). */
  public static SensorConfig instantaneous() {
    return new SensorConfig(0);
  }

  /** A boxcar average over {@code windowNs}. */
  public static SensorConfig boxcar(long windowNs) {
    return new SensorConfig(windowNs);
  }

  /** The same sensor with the response {@code r}. */
  public SensorConfig withResponse(SensorResponse r) {
    return new SensorConfig(r, gain, offsetMw, meterPeriodNs);
  }

  /** The same sensor with a gain and an offset error. */
  public SensorConfig withError(double gain, double offsetMw) {
    return new SensorConfig(response, gain, offsetMw, meterPeriodNs);
  }

  /** The same sensor with an external meter reading every {@code periodNs}. */
  public SensorConfig withMeter(long periodNs) {
    return new SensorConfig(response, gain, offsetMw, periodNs);
  }
}
