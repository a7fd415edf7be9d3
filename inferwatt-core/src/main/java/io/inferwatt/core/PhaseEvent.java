package io.inferwatt.core;

/**
 * A named part of a measurement, on the monotonic time base. The measurement protocol uses the
 * names in {@link Phases}; energy is integrated only inside phases.
 *
 * @param name the phase's name
 * @param startNs monotonic ns of its start
 * @param endNs monotonic ns of its end
 */
public record PhaseEvent(String name, long startNs, long endNs) {

  public PhaseEvent {
    if (endNs < startNs) {
      throw new IllegalArgumentException(
          "phase " + name + " ends at " + endNs + " ns, before its start " + startNs + " ns");
    }
  }

  public long durationNs() {
    return endNs - startNs;
  }

  public boolean contains(long tNs) {
    return tNs >= startNs && tNs < endNs;
  }
}
