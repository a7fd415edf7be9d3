package io.inferwatt.study;

import io.inferwatt.core.BadInputException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The paper's Table I for a stored study: per objective (power, latency, energy) and per slice of
 * the plan (one setting of a one-at-a-time sweep, or a grid), the best value of each setting and
 * every value within a tolerance of the best; the Pareto front of latency against energy; and which
 * slice moves energy most.
 */
public final class Optima {
  private Optima() {}

  /** What is minimised. */
  public enum Objective {
    POWER("power", "mW"),
    LATENCY("latency", "ms per input"),
    ENERGY("energy", "mJ per input");

    private final String id;
    private final String unit;

    Objective(String id, String unit) {
      this.id = id;
      this.unit = unit;
    }

    public String id() {
      return id;
    }

    public String unit() {
      return unit;
    }
  }

  /**
   * The best of one slice for one objective.
   *
   * @param value the best value, in the objective's unit
   * @param best the factors' values at the best
   * @param within per factor, its values among the configurations within the tolerance, in sweep
   *     order
   */
  public record Best(double value, Map<String, String> best, Map<String, List<String>> within) {}

  /**
   * One slice's optima.
   *
   * @param label {@code sweep} or {@code sweep/setting}
   * @param factors the settings that vary
   * @param measured configurations of the slice found in the store
   * @param planned configurations of the slice in the plan
   * @param best per objective
   */
  public record SliceOptima(
      String label, List<String> factors, int measured, int planned, Map<Objective, Best> best) {}

  /**
   * How much a slice moves energy: {@code (max − min) / min} over its configurations.
   *
   * @param spread relative spread (0.5 = 50 %)
   */
  public record Influence(
      String label, List<String> factors, double spread, double minMj, double maxMj) {}

  /**
   * The result.
   *
   * @param tolerance relative tolerance of "within" (0.02 = 2 %)
   * @param slices per slice, in plan order
   * @param overall per objective: each setting's best from the first slice that varies it, and its
   *     values within the tolerance (its {@code value} is NaN: slices do not share one scale)
   * @param pareto the configurations on the latency/energy Pareto front (baseline model and input),
   *     by latency
   * @param energyRanking slices by how much they move energy, most first
   */
  public record Result(
      double tolerance,
      List<SliceOptima> slices,
      Map<Objective, Best> overall,
      List<Outcome> pareto,
      List<Influence> energyRanking) {}

  /**
   * Computes the optima of {@code study} from the outcomes stored so far (by key); slices without
   * any outcome are left out.
   */
  public static Result compute(Expansion study, Map<String, Outcome> outcomes, double tolerance) {
    return compute(study.slices(), study.plan().baseline(), outcomes, tolerance);
  }

  /**
   * Computes the optima of the slices from the outcomes stored so far (by key); {@code baseline} is
   * the plan's baseline (its model and input choose the Pareto front's configurations).
   */
  public static Result compute(
      List<Expansion.Slice> studySlices,
      Map<String, String> baseline,
      Map<String, Outcome> outcomes,
      double tolerance) {
    if (!(tolerance >= 0)) {
      throw new BadInputException(
          "tolerance " + tolerance + " is not a number from 0 up (0.02 = 2 %)");
    }
    List<SliceOptima> slices = new ArrayList<>();
    List<Influence> ranking = new ArrayList<>();
    for (Expansion.Slice s : studySlices) {
      List<Outcome> got = new ArrayList<>();
      for (String k : new LinkedHashSet<>(s.keys())) {
        Outcome o = outcomes.get(k);
        if (o != null
            && Double.isFinite(o.powerMw())
            && Double.isFinite(o.energyMjPerInput())
            && Double.isFinite(o.latencyMsPerInput())) {
          got.add(o);
        }
      }
      if (got.isEmpty()) {
        continue;
      }
      Map<Objective, Best> best = new LinkedHashMap<>();
      for (Objective obj : Objective.values()) {
        best.put(obj, best(got, s.factors(), obj, tolerance));
      }
      slices.add(
          new SliceOptima(
              s.label(), s.factors(), got.size(), new LinkedHashSet<>(s.keys()).size(), best));
      if (got.size() > 1) {
        double min = got.stream().mapToDouble(Outcome::energyMjPerInput).min().getAsDouble();
        double max = got.stream().mapToDouble(Outcome::energyMjPerInput).max().getAsDouble();
        ranking.add(new Influence(s.label(), s.factors(), (max - min) / min, min, max));
      }
    }
    ranking.sort(Comparator.comparingDouble(Influence::spread).reversed());
    Map<Objective, Best> overall = new LinkedHashMap<>();
    for (Objective obj : Objective.values()) {
      Map<String, String> b = new LinkedHashMap<>();
      Map<String, List<String>> w = new LinkedHashMap<>();
      double value = Double.NaN;
      for (SliceOptima s : slices) {
        Best sb = s.best().get(obj);
        for (String f : s.factors()) {
          if (!b.containsKey(f)) {
            b.put(f, sb.best().get(f));
            w.put(f, sb.within().get(f));
          }
        }
      }
      overall.put(obj, new Best(value, b, w));
    }
    return new Result(tolerance, slices, overall, pareto(baseline, outcomes), ranking);
  }

  private static Best best(List<Outcome> got, List<String> factors, Objective obj, double tol) {
    Outcome min = got.get(0);
    for (Outcome o : got) {
      if (o.value(obj) < min.value(obj)) {
        min = o;
      }
    }
    double limit = min.value(obj) * (1 + tol);
    Map<String, String> best = new LinkedHashMap<>();
    Map<String, List<String>> within = new LinkedHashMap<>();
    for (String f : factors) {
      best.put(f, min.settings().get(f));
      Set<String> vs = new LinkedHashSet<>();
      for (Outcome o : got) {
        if (o.value(obj) <= limit) {
          vs.add(o.settings().get(f));
        }
      }
      within.put(f, List.copyOf(vs));
    }
    return new Best(min.value(obj), best, within);
  }

  /**
   * Configurations with the baseline's model and input that no other beats in latency and energy
   * (at least as good in both, better in one); configurations equal in both are all on the front.
   */
  private static List<Outcome> pareto(Map<String, String> baseline, Map<String, Outcome> outcomes) {
    String model = baseline.getOrDefault(Models.MODEL, Models.DEFAULTS.get(Models.MODEL));
    String input = baseline.getOrDefault(Models.INPUT, Models.DEFAULTS.get(Models.INPUT));
    List<Outcome> pts = new ArrayList<>();
    for (Outcome o : outcomes.values()) {
      if (model.equals(o.settings().get(Models.MODEL))
          && input.equals(o.settings().get(Models.INPUT))
          && Double.isFinite(o.latencyMsPerInput())
          && Double.isFinite(o.energyMjPerInput())) {
        pts.add(o);
      }
    }
    pts.sort(
        Comparator.comparingDouble(Outcome::latencyMsPerInput)
            .thenComparingDouble(Outcome::energyMjPerInput));
    List<Outcome> front = new ArrayList<>();
    double bestEnergy = Double.POSITIVE_INFINITY;
    for (Outcome o : pts) {
      Outcome last = front.isEmpty() ? null : front.get(front.size() - 1);
      boolean tie =
          last != null
              && o.latencyMsPerInput() == last.latencyMsPerInput()
              && o.energyMjPerInput() == last.energyMjPerInput();
      if (o.energyMjPerInput() < bestEnergy || tie) {
        front.add(o);
        bestEnergy = o.energyMjPerInput();
      }
    }
    return front;
  }
}
