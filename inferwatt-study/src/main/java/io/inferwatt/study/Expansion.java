package io.inferwatt.study;

import java.util.List;

/**
 * A validated plan turned into configurations.
 *
 * @param plan the plan
 * @param configurations every distinct configuration, in plan order (a configuration two sweeps
 *     share is measured once)
 * @param slices the groups the optima compare: one per setting of a one-at-a-time sweep, one per
 *     grid
 */
public record Expansion(Plan plan, List<Configuration> configurations, List<Slice> slices) {
  public Expansion {
    configurations = List.copyOf(configurations);
    slices = List.copyOf(slices);
  }

  /**
   * Configurations that differ from each other only in {@code factors}.
   *
   * @param label {@code sweep} or {@code sweep/setting}
   * @param factors the settings that vary
   * @param keys the configurations' keys, in sweep order
   */
  public record Slice(String label, List<String> factors, List<String> keys) {
    public Slice {
      factors = List.copyOf(factors);
      keys = List.copyOf(keys);
    }
  }
}
