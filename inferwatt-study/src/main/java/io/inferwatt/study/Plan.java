package io.inferwatt.study;

import io.inferwatt.core.model.Protocol;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A study plan (see {@code docs/plans.md}): which board and engine, the baseline configuration, the
 * measurement protocol of every configuration and the sweeps away from the baseline.
 *
 * @param study the study's name, its id in the measurement base ({@code [a-z0-9._-]+})
 * @param board the board ({@code sim:nano}, ...)
 * @param engine the inference engine ({@code sim} on the virtual Nano)
 * @param seed seed of a simulated board, and of the measuring order where it is shuffled
 * @param order the order the configurations are measured in (not their keys or their order in the
 *     study's results, which follow the plan as written)
 * @param protocol the protocol every configuration runs
 * @param baseline the baseline settings (engine settings {@code model}, {@code batch}, {@code
 *     mode}, {@code input} and board knobs such as {@code cpu.cores}), in order
 * @param sweeps the sweeps, in order
 * @param text the plan as written (kept with the study so that {@code optima} can re-expand it)
 */
public record Plan(
    String study,
    String board,
    String engine,
    long seed,
    Order order,
    Protocol protocol,
    Map<String, String> baseline,
    List<Sweep> sweeps,
    String text) {

  public Plan {
    baseline = Collections.unmodifiableMap(new LinkedHashMap<>(baseline));
    sweeps = List.copyOf(sweeps);
  }

  /**
   * One sweep away from the baseline.
   *
   * @param name the sweep's name, unique in the plan
   * @param kind one factor at a time, or the full grid
   * @param values per setting, the values to take; {@code [all]} means every allowed value
   */
  public record Sweep(String name, Kind kind, Map<String, List<String>> values) {
    public Sweep {
      Map<String, List<String>> copy = new LinkedHashMap<>();
      values.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      values = Collections.unmodifiableMap(copy);
    }
  }

  /** The order a study measures its configurations in. */
  public enum Order {
    /** Sweep after sweep, each in the order its values are written (the default). */
    AS_WRITTEN("as-written"),
    /**
     * A permutation drawn from the plan's seed, the same on every run and resume: a real machine's
     * speed drifts by tens of percent over seconds to minutes (other tenants of a virtual machine,
     * a warming board), and measured sweep after sweep a whole family of networks shares one
     * stretch of it; shuffled, every family samples the whole study's stretch.
     */
    SHUFFLED("shuffled");

    private final String id;

    Order(String id) {
      this.id = id;
    }

    /** The name in a plan's {@code order:}. */
    public String id() {
      return id;
    }

    /** The order named {@code id}, if any. */
    static Optional<Order> parse(String id) {
      for (Order o : values()) {
        if (o.id.equals(id)) {
          return Optional.of(o);
        }
      }
      return Optional.empty();
    }

    /** Every name, for messages. */
    static String names() {
      return java.util.Arrays.stream(values()).map(Order::id).collect(Collectors.joining(", "));
    }
  }

  /** How a sweep combines its settings. */
  public enum Kind {
    /** Each setting on its own, the others at the baseline (as the paper did): {@code vary:}. */
    ONE_AT_A_TIME,
    /** Every combination of the settings' values, the rest at the baseline: {@code grid:}. */
    GRID
  }
}
