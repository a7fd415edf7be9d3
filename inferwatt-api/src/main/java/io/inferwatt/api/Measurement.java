package io.inferwatt.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one window measured: an immutable value.
 *
 * @param name the window's name
 * @param startNs monotonic ns ({@link System#nanoTime()}) when the window opened
 * @param endNs monotonic ns when it closed
 * @param rails every rail's estimate, in the meter's rail order
 * @param resolutionNs the shortest window the sensors resolve: the slowest of their update period
 *     and the read period, ns
 * @param belowResolution true when the window was shorter than {@code resolutionNs}: its energy is
 *     then interpolated between readings outside the window, not measured inside it
 * @param problems what went wrong while the window was open (a sensor that failed or disappeared,
 *     the meter closed first), each a sentence; empty when nothing did
 * @param simulated true when the readings came from a virtual board ({@code sim:nano}), not a
 *     sensor: every number of the measurement is then simulated
 */
public record Measurement(
    String name,
    long startNs,
    long endNs,
    Map<String, RailEstimate> rails,
    long resolutionNs,
    boolean belowResolution,
    List<String> problems,
    boolean simulated) {

  public Measurement {
    rails = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rails));
    problems = List.copyOf(problems);
  }

  /** The window's length, ns. */
  public long durationNs() {
    return endNs - startNs;
  }

  /**
   * One rail's estimate.
   *
   * @throws IllegalArgumentException naming the known rails when there is no such rail
   */
  public RailEstimate rail(String rail) {
    RailEstimate r = rails.get(rail);
    if (r == null) {
      throw new IllegalArgumentException(
          "no rail '"
              + rail
              + "' in measurement '"
              + name
              + "'; its rails are: "
              + String.join(", ", rails.keySet()));
    }
    return r;
  }

  /** Energy of one rail in mJ. */
  public double energyMj(String rail) {
    return rail(rail).energyMj();
  }

  /** Mean power of one rail in mW. */
  public double meanPowerMw(String rail) {
    return rail(rail).meanPowerMw();
  }

  /** The most readings any one rail had inside the window. */
  public long samples() {
    return rails.values().stream().mapToLong(RailEstimate::samples).max().orElse(0);
  }

  /** The smallest fraction of the window any rail's sensor covered, 0 to 1. */
  public double coverage() {
    return rails.values().stream().mapToDouble(RailEstimate::coverage).min().orElse(0);
  }

  /** Whether every rail was read throughout the window and nothing went wrong. */
  public boolean complete() {
    return problems.isEmpty() && coverage() >= 0.999;
  }
}
