package io.inferwatt.study;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.Durations;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.hardware.Knob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads plan files ({@code docs/plans.md}) and turns them into configurations (the expansion is
 * {@link PlanExpansion}'s). Both steps check everything before returning and report every problem
 * in one {@link IllegalArgumentException}, one problem per line, so that a plan fails in second 0
 * and not after an hour.
 */
public final class Plans {
  /** The key of the configuration every sweep starts from. */
  static final String BASELINE = "baseline";

  /** Its old name, still read: {@code base} (which also meant the measurement base). */
  static final String OLD_BASELINE = "base";

  private static final Set<String> TOP =
      Set.of(
          "study",
          "board",
          "engine",
          "seed",
          "order",
          "protocol",
          BASELINE,
          OLD_BASELINE,
          "sweeps");
  private static final Set<String> PROTOCOL =
      Set.of(
          "warmup", "cycles", "layer_cycles", "max_layer_cycles", "min_samples_per_layer", "idle");

  /** The value that stands for every allowed value of a setting. */
  static final String ALL = "all";

  private Plans() {}

  /**
   * Reads and parses a plan file.
   *
   * @param notes gets one line per deprecated form the plan uses (a plan with the old key {@code
   *     base})
   */
  public static Plan load(Path file, Consumer<String> notes) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read plan " + file, e);
    }
    return parse(text, file.toString(), notes);
  }

  /**
   * Parses a plan, saying nothing about deprecated forms (for plans already stored or built in).
   *
   * @param origin the file name, for messages
   * @throws IllegalArgumentException listing every problem of the plan's form
   */
  public static Plan parse(String text, String origin) {
    return parse(text, origin, note -> {});
  }

  /**
   * Parses a plan.
   *
   * @param origin the file name, for messages
   * @param notes gets one line per deprecated form the plan uses
   * @throws IllegalArgumentException listing every problem of the plan's form
   */
  public static Plan parse(String text, String origin, Consumer<String> notes) {
    Object doc;
    try {
      doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (YAMLException e) {
      throw new BadInputException(origin + ": not valid YAML: " + e.getMessage(), e);
    }
    if (!(doc instanceof Map<?, ?> top)) {
      throw new BadInputException(
          origin + ": a plan is a YAML mapping with study, board, baseline and sweeps");
    }
    List<String> problems = new ArrayList<>();
    for (Object k : top.keySet()) {
      if (!TOP.contains(String.valueOf(k))) {
        problems.add(
            "unknown key '"
                + k
                + "' (a plan has "
                + String.join(
                    ", ",
                    sorted(
                        new HashSet<>(TOP.stream().filter(t -> !t.equals(OLD_BASELINE)).toList())))
                + ")");
      }
    }
    String study = text(top.get("study"), "study", problems);
    if (study != null && !study.matches("[a-z0-9][a-z0-9._-]*")) {
      problems.add("study '" + study + "' must be lower-case letters, digits, '.', '_' or '-'");
    }
    String board = text(top.get("board"), "board", problems);
    String engine = top.containsKey("engine") ? text(top.get("engine"), "engine", problems) : "sim";
    long seed =
        top.containsKey("seed") ? number(top.get("seed"), "seed", 0, Long.MAX_VALUE, problems) : 1;
    Plan.Order order = Plan.Order.AS_WRITTEN;
    if (top.containsKey("order")) {
      String o = text(top.get("order"), "order", problems);
      if (o != null) {
        order = Plan.Order.parse(o).orElse(null);
        if (order == null) {
          problems.add("order '" + o + "' is not one of " + Plan.Order.names());
          order = Plan.Order.AS_WRITTEN;
        }
      }
    }
    Protocol protocol = protocol(top.get("protocol"), problems);
    Map<String, String> baseline = new LinkedHashMap<>();
    String key = BASELINE;
    if (top.containsKey(OLD_BASELINE)) {
      if (top.containsKey(BASELINE)) {
        problems.add("both 'baseline' and its old name 'base': keep 'baseline' only");
      } else {
        key = OLD_BASELINE;
        notes.accept(
            origin + ": the key 'base' is now called 'baseline'; 'base' still works, rename it");
      }
    }
    String where = key;
    Object b = top.get(key);
    if (b instanceof Map<?, ?> bm) {
      bm.forEach(
          (k, v) -> {
            if (v instanceof Map || v instanceof List || v == null) {
              problems.add(where + "." + k + " must be one value, not " + v);
            } else {
              baseline.put(String.valueOf(k), scalar(v));
            }
          });
    } else if (b != null) {
      problems.add(where + " must be a mapping of setting to value");
    }
    List<Plan.Sweep> sweeps = new ArrayList<>();
    Object s = top.get("sweeps");
    if (s instanceof List<?> list) {
      Set<String> names = new LinkedHashSet<>();
      for (int i = 0; i < list.size(); i++) {
        Plan.Sweep sw = sweep(list.get(i), i, problems);
        if (sw != null) {
          if (!names.add(sw.name())) {
            problems.add("sweeps[" + i + "]: name '" + sw.name() + "' is used twice");
          }
          sweeps.add(sw);
        }
      }
    } else if (s != null) {
      problems.add("sweeps must be a list");
    }
    fail(origin, problems);
    return new Plan(study, board, engine, seed, order, protocol, baseline, sweeps, text);
  }

  private static Protocol protocol(Object o, List<String> problems) {
    Protocol d = new Protocol(20, 200, 200, 0, 2000, 100, 1_000_000_000L);
    if (o == null) {
      return d;
    }
    if (!(o instanceof Map<?, ?> m)) {
      problems.add("protocol must be a mapping");
      return d;
    }
    for (Object k : m.keySet()) {
      if (!PROTOCOL.contains(String.valueOf(k))) {
        problems.add(
            "protocol: unknown key '"
                + k
                + "' (it has "
                + String.join(", ", sorted(PROTOCOL))
                + ")");
      }
    }
    int warmup = (int) get(m, "warmup", d.warmupCycles(), 0, problems);
    int cycles = (int) get(m, "cycles", d.latencyCycles(), 1, problems);
    int layer = (int) get(m, "layer_cycles", d.layerCycles(), 0, problems);
    int maxLayer = (int) get(m, "max_layer_cycles", d.maxLayerCycles(), 1, problems);
    int min = (int) get(m, "min_samples_per_layer", d.minSamplesPerLayer(), 1, problems);
    long idle = d.idleNs();
    if (m.containsKey("idle")) {
      try {
        idle = Durations.parseNs(scalar(m.get("idle")));
      } catch (IllegalArgumentException e) {
        problems.add("protocol.idle: " + e.getMessage());
      }
    }
    return new Protocol(warmup, cycles, cycles, layer, maxLayer, min, idle);
  }

  private static long get(Map<?, ?> m, String key, long dflt, long min, List<String> problems) {
    return m.containsKey(key)
        ? number(m.get(key), "protocol." + key, min, Integer.MAX_VALUE, problems)
        : dflt;
  }

  private static Plan.Sweep sweep(Object o, int i, List<String> problems) {
    String where = "sweeps[" + i + "]";
    if (!(o instanceof Map<?, ?> m)) {
      problems.add(where + " must be a mapping with name and vary or grid");
      return null;
    }
    for (Object k : m.keySet()) {
      if (!Set.of("name", "vary", "grid").contains(String.valueOf(k))) {
        problems.add(where + ": unknown key '" + k + "' (a sweep has name and vary or grid)");
      }
    }
    String name = m.get("name") == null ? "sweep" + (i + 1) : scalar(m.get("name"));
    if (m.containsKey("vary") == m.containsKey("grid")) {
      problems.add(
          where + " (" + name + ") needs exactly one of vary (one factor at a time) or grid");
      return null;
    }
    Plan.Kind kind = m.containsKey("vary") ? Plan.Kind.ONE_AT_A_TIME : Plan.Kind.GRID;
    Object v = m.get(kind == Plan.Kind.GRID ? "grid" : "vary");
    if (!(v instanceof Map<?, ?> vm) || vm.isEmpty()) {
      problems.add(
          where
              + " ("
              + name
              + "): "
              + (kind == Plan.Kind.GRID ? "grid" : "vary")
              + " must map settings to lists of values (or 'all')");
      return null;
    }
    Map<String, List<String>> values = new LinkedHashMap<>();
    vm.forEach(
        (k, val) -> {
          List<String> list = new ArrayList<>();
          if (val instanceof List<?> l) {
            l.forEach(x -> list.add(scalar(x)));
          } else if (val != null && scalar(val).equals(ALL)) {
            list.add(ALL);
          } else {
            problems.add(
                where + " (" + name + "): " + k + " must be a list of values or 'all', not " + val);
          }
          if (list.isEmpty() && val instanceof List) {
            problems.add(where + " (" + name + "): " + k + " has no values");
          }
          values.put(String.valueOf(k), list);
        });
    return new Plan.Sweep(name, kind, values);
  }

  /**
   * Checks a plan against the board and turns it into configurations: every setting must be an
   * engine setting or one of {@code knobs}, every value allowed ({@link PlanExpansion}).
   *
   * @param board the name of the board the knobs belong to (must be the plan's)
   * @param engines the engines the board runs
   * @throws IllegalArgumentException listing every problem at once
   */
  public static Expansion expand(Plan plan, String board, List<String> engines, List<Knob> knobs) {
    return PlanExpansion.expand(plan, board, engines, knobs);
  }

  /**
   * The configuration key: the first 16 hex digits of the SHA-256 of board, engine, seed, protocol
   * and the settings sorted by name. The same plan gives the same keys in every run.
   */
  public static String key(Plan plan, Map<String, String> settings) {
    return PlanExpansion.key(plan, settings);
  }

  private static String text(Object o, String key, List<String> problems) {
    if (o == null || o instanceof Map || o instanceof List || scalar(o).isBlank()) {
      problems.add(key + " is missing or not a single value");
      return null;
    }
    return scalar(o);
  }

  private static long number(Object o, String key, long min, long max, List<String> problems) {
    try {
      long v = Long.parseLong(scalar(o));
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException | NullPointerException e) {
      // below
    }
    problems.add(
        key
            + " "
            + o
            + " is not a whole number from "
            + min
            + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? " up" : " to " + max));
    return min;
  }

  private static String scalar(Object o) {
    return o == null ? "" : String.valueOf(o).trim();
  }

  static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }

  /** Throws one {@link BadInputException} listing every problem, once each; nothing if none. */
  static void fail(String origin, List<String> all) {
    // a problem found once per value of a sweep (an unknown setting) is said once
    List<String> problems = List.copyOf(new LinkedHashSet<>(all));
    if (!problems.isEmpty()) {
      throw new BadInputException(
          origin
              + ": "
              + problems.size()
              + " problem"
              + (problems.size() == 1 ? "" : "s")
              + " in the plan:\n  - "
              + String.join("\n  - ", problems));
    }
  }
}
