package io.inferwatt.study;

import io.inferwatt.hardware.Knob;
import java.nio.charset.StandardCharsets;
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

/**
 * A plan checked against a board and expanded into configurations: the baseline, the sweeps' values
 * resolved against the board's knobs, the count checked before anything is built, and each
 * configuration's stable key. {@link Plans#expand} and {@link Plans#key} are its public face.
 */
final class PlanExpansion {

  private PlanExpansion() {}

  /**
   * Checks a plan against the board and turns it into configurations: every setting must be an
   * engine setting or one of {@code knobs}, every value allowed. The baseline takes the board's
   * current value for knobs it does not name, except {@link Knob#onDemand() on-demand} knobs (the
   * power mode), which are left out unless the plan names them: reading them needs a tool.
   *
   * @param board the name of the board the knobs belong to (must be the plan's)
   * @param engines the engines the board runs
   * @throws IllegalArgumentException listing every problem at once
   */
  static Expansion expand(Plan plan, String board, List<String> engines, List<Knob> knobs) {
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
    Map<String, String> baseline = new LinkedHashMap<>();
    for (String e : Models.ENGINE_KEYS) {
      // a setting without a default (threads) only where the plan names it: the keys of plans
      // that do not stay what they were
      String v = plan.baseline().getOrDefault(e, Models.DEFAULTS.get(e));
      if (v != null) {
        baseline.put(e, v);
      }
    }
    Set<String> named = new HashSet<>(plan.baseline().keySet());
    plan.sweeps().forEach(sw -> named.addAll(sw.values().keySet()));
    for (Knob k : knobs) {
      if (plan.baseline().containsKey(k.name())) {
        baseline.put(k.name(), plan.baseline().get(k.name()));
      } else if (!k.onDemand() || named.contains(k.name())) {
        baseline.put(k.name(), k.read());
      }
    }
    for (Map.Entry<String, String> e : plan.baseline().entrySet()) {
      checkValue(Plans.BASELINE, e.getKey(), e.getValue(), plan.engine(), byName, problems);
    }
    // every sweep's values first, then the count, and only then the configurations: a plan of
    // 10^7 configurations is refused here in milliseconds instead of filling the heap
    List<Map<String, List<String>>> resolved = new ArrayList<>();
    for (Plan.Sweep sw : plan.sweeps()) {
      Map<String, List<String>> values = new LinkedHashMap<>();
      for (Map.Entry<String, List<String>> e : sw.values().entrySet()) {
        List<String> vs =
            resolve(sw.name(), e.getKey(), e.getValue(), plan.engine(), byName, problems);
        values.put(e.getKey(), vs);
      }
      resolved.add(values);
    }
    String tooMany = tooMany(plan, resolved);
    if (tooMany != null) {
      problems.add(tooMany);
    }
    Plans.fail(plan.study(), problems);
    List<Expansion.Slice> slices = new ArrayList<>();
    Map<String, Configuration> configs = new LinkedHashMap<>();
    for (int si = 0; si < plan.sweeps().size(); si++) {
      Plan.Sweep sw = plan.sweeps().get(si);
      Map<String, List<String>> values = resolved.get(si);
      if (sw.kind() == Plan.Kind.ONE_AT_A_TIME) {
        for (Map.Entry<String, List<String>> e : values.entrySet()) {
          List<String> keys = new ArrayList<>();
          for (String v : e.getValue()) {
            Map<String, String> s = new LinkedHashMap<>(baseline);
            s.put(e.getKey(), v);
            keys.add(add(configs, plan, sw.name(), s));
          }
          String label = values.size() == 1 ? sw.name() : sw.name() + "/" + e.getKey();
          slices.add(new Expansion.Slice(label, List.of(e.getKey()), keys));
        }
      } else {
        List<String> keys = new ArrayList<>();
        grid(baseline, values, s -> keys.add(add(configs, plan, sw.name(), s)));
        slices.add(new Expansion.Slice(sw.name(), List.copyOf(values.keySet()), keys));
      }
    }
    if (plan.sweeps().isEmpty()) {
      add(configs, plan, Plans.BASELINE, baseline);
    }
    return new Expansion(plan, List.copyOf(configs.values()), slices);
  }

  /**
   * Hands every combination of {@code values} (the rest at {@code baseline}) to {@code each}, one
   * at a time, the last setting varying fastest: nothing but the current combination is held.
   */
  private static void grid(
      Map<String, String> baseline,
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
      Map<String, String> s = new LinkedHashMap<>(baseline);
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
      String engine,
      Map<String, Knob> knobs,
      List<String> problems) {
    if (offEngine(key, engine)) {
      problems.add("sweep " + sweep + ": " + notOfEngine(key, engine));
      return List.of();
    }
    if (values.size() == 1 && values.get(0).equals(Plans.ALL)) {
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
                    : " is not a setting of this board" + knownSettings(engine, knobs)));
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
      if (checkValue("sweep " + sweep, key, v, engine, knobs, problems)) {
        out.add(v);
      }
    }
    return out;
  }

  private static boolean checkValue(
      String where,
      String key,
      String value,
      String engine,
      Map<String, Knob> knobs,
      List<String> problems) {
    if (offEngine(key, engine)) {
      problems.add(where + ": " + notOfEngine(key, engine));
      return false;
    }
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
      problems.add(
          where + ": '" + key + "' is not a setting of this board" + knownSettings(engine, knobs));
      return false;
    }
    if (!k.allowed().contains(value)) {
      problems.add(
          where + ": " + key + " " + value + " is not one of " + String.join(", ", k.allowed()));
      return false;
    }
    return true;
  }

  /** Whether {@code key} is an engine setting that {@code engine} does not have (threads). */
  private static boolean offEngine(String key, String engine) {
    return Models.ENGINE_KEYS.contains(key) && !Models.engineKeys(engine).contains(key);
  }

  /** The problem of an engine setting that {@code engine} does not have (threads). */
  private static String notOfEngine(String key, String engine) {
    return key
        + ": only the onnxruntime engine has intra-op threads, not engine "
        + engine
        + " (remove it from the plan)";
  }

  private static String knownSettings(String engine, Map<String, Knob> knobs) {
    List<String> all = new ArrayList<>(Models.engineKeys(engine));
    all.addAll(knobs.keySet());
    return " (it has " + String.join(", ", all) + ")";
  }

  /**
   * The configuration key: the first 16 hex digits of the SHA-256 of board, engine, seed, protocol
   * and the settings sorted by name. The same plan gives the same keys in every run.
   */
  static String key(Plan plan, Map<String, String> settings) {
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
}
