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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads plan files ({@code docs/plans.md}) and turns them into configurations. Both steps check
 * everything before returning and report every problem in one {@link IllegalArgumentException}, one
 * problem per line, so that a plan fails in second 0 and not after an hour.
 */
public final class Plans {
  private static final Set<String> TOP =
      Set.of("study", "board", "engine", "seed", "protocol", "base", "sweeps");
  private static final Set<String> PROTOCOL =
      Set.of(
          "warmup", "cycles", "layer_cycles", "max_layer_cycles", "min_samples_per_layer", "idle");
  private static final String ALL = "all";

  private Plans() {}

  /** Reads and parses a plan file. */
  public static Plan load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read plan " + file, e);
    }
    return parse(text, file.toString());
  }

  /**
   * Parses a plan.
   *
   * @param origin the file name, for messages
   * @throws IllegalArgumentException listing every problem of the plan's form
   */
  public static Plan parse(String text, String origin) {
    Object doc;
    try {
      doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (YAMLException e) {
      throw new BadInputException(origin + ": not valid YAML: " + e.getMessage(), e);
    }
    if (!(doc instanceof Map<?, ?> top)) {
      throw new BadInputException(
          origin + ": a plan is a YAML mapping with study, board, base and sweeps");
    }
    List<String> problems = new ArrayList<>();
    for (Object k : top.keySet()) {
      if (!TOP.contains(String.valueOf(k))) {
        problems.add("unknown key '" + k + "' (a plan has " + String.join(", ", sorted(TOP)) + ")");
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
    Protocol protocol = protocol(top.get("protocol"), problems);
    Map<String, String> base = new LinkedHashMap<>();
    Object b = top.get("base");
    if (b instanceof Map<?, ?> bm) {
      bm.forEach(
          (k, v) -> {
            if (v instanceof Map || v instanceof List || v == null) {
              problems.add("base." + k + " must be one value, not " + v);
            } else {
              base.put(String.valueOf(k), scalar(v));
            }
          });
    } else if (b != null) {
      problems.add("base must be a mapping of setting to value");
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
    return new Plan(study, board, engine, seed, protocol, base, sweeps, text);
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
   * engine setting or one of {@code knobs}, every value allowed. The base takes the board's current
   * value for knobs it does not name, except {@link Knob#onDemand() on-demand} knobs (the power
   * mode), which are left out unless the plan names them: reading them needs a tool.
   *
   * @param board the name of the board the knobs belong to (must be the plan's)
   * @param engines the engines the board runs
   * @throws IllegalArgumentException listing every problem at once
   */
  public static Expansion expand(Plan plan, String board, List<String> engines, List<Knob> knobs) {
    List<String> problems = new ArrayList<>();
    if (!plan.board().equals(board)) {
      problems.add("the plan is for board " + plan.board() + ", not " + board);
    }
    if (!engines.contains(plan.engine())) {
      problems.add(
          "engine '"
              + plan.engine()
              + "' is not one of "
              + String.join(", ", engines)
              + " on board "
              + board);
    }
    Map<String, Knob> byName = new LinkedHashMap<>();
    knobs.forEach(k -> byName.put(k.name(), k));
    Map<String, String> base = new LinkedHashMap<>();
    for (String e : Models.ENGINE_KEYS) {
      base.put(e, plan.base().getOrDefault(e, Models.DEFAULTS.get(e)));
    }
    Set<String> named = new HashSet<>(plan.base().keySet());
    plan.sweeps().forEach(sw -> named.addAll(sw.values().keySet()));
    for (Knob k : knobs) {
      if (plan.base().containsKey(k.name())) {
        base.put(k.name(), plan.base().get(k.name()));
      } else if (!k.onDemand() || named.contains(k.name())) {
        base.put(k.name(), k.read());
      }
    }
    for (Map.Entry<String, String> e : plan.base().entrySet()) {
      checkValue("base", e.getKey(), e.getValue(), byName, problems);
    }
    // every sweep's values first, then the count, and only then the configurations: a plan of
    // 10^7 configurations is refused here in milliseconds instead of filling the heap
    List<Map<String, List<String>>> resolved = new ArrayList<>();
    for (Plan.Sweep sw : plan.sweeps()) {
      Map<String, List<String>> values = new LinkedHashMap<>();
      for (Map.Entry<String, List<String>> e : sw.values().entrySet()) {
        List<String> vs = resolve(sw.name(), e.getKey(), e.getValue(), byName, problems);
        values.put(e.getKey(), vs);
      }
      resolved.add(values);
    }
    String tooMany = tooMany(plan, resolved);
    if (tooMany != null) {
      problems.add(tooMany);
    }
    fail(plan.study(), problems);
    List<Expansion.Slice> slices = new ArrayList<>();
    Map<String, Configuration> configs = new LinkedHashMap<>();
    for (int si = 0; si < plan.sweeps().size(); si++) {
      Plan.Sweep sw = plan.sweeps().get(si);
      Map<String, List<String>> values = resolved.get(si);
      if (sw.kind() == Plan.Kind.ONE_AT_A_TIME) {
        for (Map.Entry<String, List<String>> e : values.entrySet()) {
          List<String> keys = new ArrayList<>();
          for (String v : e.getValue()) {
            Map<String, String> s = new LinkedHashMap<>(base);
            s.put(e.getKey(), v);
            keys.add(add(configs, plan, sw.name(), s));
          }
          String label = values.size() == 1 ? sw.name() : sw.name() + "/" + e.getKey();
          slices.add(new Expansion.Slice(label, List.of(e.getKey()), keys));
        }
      } else {
        List<String> keys = new ArrayList<>();
        grid(base, values, s -> keys.add(add(configs, plan, sw.name(), s)));
        slices.add(new Expansion.Slice(sw.name(), List.copyOf(values.keySet()), keys));
      }
    }
    if (plan.sweeps().isEmpty()) {
      add(configs, plan, "base", base);
    }
    return new Expansion(plan, List.copyOf(configs.values()), slices);
  }

  /**
   * Hands every combination of {@code values} (the rest at {@code base}) to {@code each}, one at a
   * time, the last setting varying fastest: nothing but the current combination is held.
   */
  private static void grid(
      Map<String, String> base,
      Map<String, List<String>> values,
      java.util.function.Consumer<Map<String, String>> each) {
    List<String> keys = List.copyOf(values.keySet());
    for (String k : keys) {
      if (values.get(k).isEmpty()) {
        return;
      }
    }
    int[] at = new int[keys.size()];
    while (true) {
      Map<String, String> s = new LinkedHashMap<>(base);
      for (int i = 0; i < keys.size(); i++) {
        s.put(keys.get(i), values.get(keys.get(i)).get(at[i]));
      }
      each.accept(s);
      int i = keys.size() - 1;
      while (i >= 0 && ++at[i] == values.get(keys.get(i)).size()) {
        at[i--] = 0;
      }
      if (i < 0) {
        return;
      }
    }
  }

  /**
   * The configurations the sweeps make, counted before making them (at most; sweeps may share
   * some); a problem naming the largest sweep's axes when above {@link Budget#MAX_CONFIGURATIONS},
   * else null.
   */
  private static String tooMany(Plan plan, List<Map<String, List<String>>> resolved) {
    double total = plan.sweeps().isEmpty() ? 1 : 0;
    double largest = -1;
    String largestAxes = "";
    for (int i = 0; i < resolved.size(); i++) {
      Plan.Sweep sw = plan.sweeps().get(i);
      Map<String, List<String>> values = resolved.get(i);
      double n = sw.kind() == Plan.Kind.GRID ? 1 : 0;
      for (List<String> vs : values.values()) {
        n = sw.kind() == Plan.Kind.GRID ? n * vs.size() : n + vs.size();
      }
      total += n;
      if (n > largest) {
        largest = n;
        List<Map.Entry<String, List<String>>> axes = new ArrayList<>(values.entrySet());
        axes.sort((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size()));
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<String>> a : axes) {
          sb.append(sb.length() == 0 ? "" : sw.kind() == Plan.Kind.GRID ? " × " : " + ")
              .append(a.getKey())
              .append(' ')
              .append(a.getValue().size());
        }
        largestAxes = "sweep " + sw.name() + ": " + sb + " = " + Budget.count(n);
      }
    }
    if (total <= Budget.MAX_CONFIGURATIONS) {
      return null;
    }
    return "the plan makes "
        + Budget.count(total)
        + " configurations, more than the "
        + Budget.MAX_CONFIGURATIONS
        + " a study may have; shrink the largest axes ("
        + largestAxes
        + ") or split the plan into several studies";
  }

  private static String add(
      Map<String, Configuration> configs, Plan plan, String sweep, Map<String, String> s) {
    String key = key(plan, s);
    configs.computeIfAbsent(key, k -> new Configuration(k, configs.size(), sweep, s));
    return key;
  }

  private static List<String> resolve(
      String sweep,
      String key,
      List<String> values,
      Map<String, Knob> knobs,
      List<String> problems) {
    if (values.size() == 1 && values.get(0).equals(ALL)) {
      if (knobs.containsKey(key)) {
        return knobs.get(key).allowed();
      }
      List<String> all = Models.all(key);
      if (all == null) {
        problems.add(
            "sweep "
                + sweep
                + ": "
                + key
                + (Models.ENGINE_KEYS.contains(key)
                    ? " has no finite list of values; name them"
                    : " is not a setting of this board" + knownSettings(knobs)));
        return List.of();
      }
      return all;
    }
    if (key.equals(Models.MODEL)) {
      values = Models.expandSamples(sweep, values, problems);
    }
    List<String> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String v : values) {
      if (!seen.add(v)) {
        problems.add("sweep " + sweep + ": " + key + " lists " + v + " twice");
        continue;
      }
      if (checkValue("sweep " + sweep, key, v, knobs, problems)) {
        out.add(v);
      }
    }
    return out;
  }

  private static boolean checkValue(
      String where, String key, String value, Map<String, Knob> knobs, List<String> problems) {
    if (Models.ENGINE_KEYS.contains(key)) {
      String p = Models.check(key, value);
      if (p != null) {
        problems.add(where + ": " + p);
        return false;
      }
      return true;
    }
    Knob k = knobs.get(key);
    if (k == null) {
      problems.add(where + ": '" + key + "' is not a setting of this board" + knownSettings(knobs));
      return false;
    }
    if (!k.allowed().contains(value)) {
      problems.add(
          where + ": " + key + " " + value + " is not one of " + String.join(", ", k.allowed()));
      return false;
    }
    return true;
  }

  private static String knownSettings(Map<String, Knob> knobs) {
    List<String> all = new ArrayList<>(Models.ENGINE_KEYS);
    all.addAll(knobs.keySet());
    return " (it has " + String.join(", ", all) + ")";
  }

  /**
   * The configuration key: the first 16 hex digits of the SHA-256 of board, engine, seed, protocol
   * and the settings sorted by name. The same plan gives the same keys in every run.
   */
  public static String key(Plan plan, Map<String, String> settings) {
    StringBuilder sb = new StringBuilder();
    sb.append("board=").append(plan.board()).append('\n');
    sb.append("engine=").append(plan.engine()).append('\n');
    sb.append("seed=").append(plan.seed()).append('\n');
    sb.append("protocol=").append(plan.protocol()).append('\n');
    new TreeMap<>(settings).forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(sb.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
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

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }

  private static void fail(String origin, List<String> all) {
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
