package io.inferwatt.core;

import java.util.Arrays;

/**
 * One reading of a power source: one value per rail, in milliwatts, on the monotonic time base.
 *
 * <p>{@code tNs} is the instant the reading stands for (the paper's mapping assigns the sample to
 * whatever runs at {@code tNs}); {@code readStartNs} and {@code readEndNs} bracket the read itself,
 * so a mapping that models the sensor's averaging window can place the window. A source that only
 * knows one instant sets all three equal. The array is indexed like the rail list of the recording
 * that holds the sample; a rail not read in this sample is {@code NaN}.
 *
 * @param tNs monotonic ns the value stands for
 * @param readStartNs monotonic ns when the read began
 * @param readEndNs monotonic ns when the read returned
 * @param powerMw power per rail in mW (not copied: do not change it after construction)
 */
public record PowerSample(long tNs, long readStartNs, long readEndNs, double[] powerMw) {

  public PowerSample {
    if (readEndNs < readStartNs) {
      throw new IllegalArgumentException(
          "read end " + readEndNs + " ns is before read start " + readStartNs + " ns");
    }
  }

  /** A reading known only by one instant. */
  public static PowerSample at(long tNs, double... powerMw) {
    return new PowerSample(tNs, tNs, tNs, powerMw);
  }

  /** Power of rail {@code rail} in mW. */
  public double powerMw(int rail) {
    return powerMw[rail];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PowerSample p
        && p.tNs == tNs
        && p.readStartNs == readStartNs
        && p.readEndNs == readEndNs
        && Arrays.equals(p.powerMw, powerMw);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(tNs) * 31 + Arrays.hashCode(powerMw);
  }

  @Override
  public String toString() {
    return "PowerSample[tNs=" + tNs + ", powerMw=" + Arrays.toString(powerMw) + "]";
  }
}
