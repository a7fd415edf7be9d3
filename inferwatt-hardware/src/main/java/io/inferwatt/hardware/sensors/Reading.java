package io.inferwatt.hardware.sensors;

import java.util.Arrays;

/**
 * One read of every rail of a {@link PowerSource}, indexed like {@link PowerSource#rails()}. A
 * value the source does not have (voltage from {@code tegrastats}) or whose read failed is NaN,
 * never 0.
 *
 * @param powerMw power per rail in mW
 * @param voltageMv bus voltage per rail in mV, NaN where the source has none
 * @param currentMa current per rail in mA, NaN where the source has none
 * @param error null when every rail was read; otherwise what failed, naming the file or call
 */
public record Reading(double[] powerMw, double[] voltageMv, double[] currentMa, String error) {

  /** A reading of {@code rails} rails with every value NaN and no error. */
  static Reading empty(int rails) {
    double[] p = new double[rails];
    double[] v = new double[rails];
    double[] c = new double[rails];
    Arrays.fill(p, Double.NaN);
    Arrays.fill(v, Double.NaN);
    Arrays.fill(c, Double.NaN);
    return new Reading(p, v, c, null);
  }

  /** Whether every power value is NaN (nothing was read). */
  public boolean allMissing() {
    for (double p : powerMw) {
      if (!Double.isNaN(p)) {
        return false;
      }
    }
    return true;
  }

  /** The same values with {@code error} set. */
  Reading withError(String error) {
    return new Reading(powerMw, voltageMv, currentMa, error);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Reading r
        && Arrays.equals(r.powerMw, powerMw)
        && Arrays.equals(r.voltageMv, voltageMv)
        && Arrays.equals(r.currentMa, currentMa)
        && java.util.Objects.equals(r.error, error);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(powerMw);
  }

  @Override
  public String toString() {
    return "Reading[powerMw="
        + Arrays.toString(powerMw)
        + ", voltageMv="
        + Arrays.toString(voltageMv)
        + ", currentMa="
        + Arrays.toString(currentMa)
        + (error == null ? "" : ", error=" + error)
        + "]";
  }
}
