package io.inferwatt.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.inferwatt.study.Optima.Objective;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Optima} on outcomes built by hand, each expected value worked out on paper: the best and
 * the values within the tolerance per slice, ties, missing and non-finite outcomes, a single
 * configuration, the energy ranking and the latency/energy Pareto front.
 */
class OptimaTest {
  private static final Map<String, String> BASE =
      Map.of(Models.MODEL, "mobilenetv2", Models.INPUT, "fixed-random");

  /** An outcome of the base model and input with one factor set. */
  private static Outcome o(
      String key, String factor, String value, double mw, double ms, double mj) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put(Models.MODEL, "mobilenetv2");
    s.put(Models.INPUT, "fixed-random");
    s.put(factor, value);
    return new Outcome(key, s, mw, ms, mj);
  }

  private static Map<String, Outcome> byKey(Outcome... os) {
    Map<String, Outcome> m = new LinkedHashMap<>();
    for (Outcome x : os) {
      m.put(x.key(), x);
    }
    return m;
  }

  private static Expansion.Slice slice(String label, String factor, String... keys) {
    return new Expansion.Slice(label, List.of(factor), List.of(keys));
  }

  @Test
  void eachObjectiveHasItsBestAndTheValuesWithinTheTolerance() {
    // energy 100 (f=1), 101.5 (f=2), 102.5 (f=3), 150 (f=4): 2 % above 100 is 102, so 1 and 2
    // latency 40, 30, 20, 10: the best is f=4 alone (11 > 10.2)
    // power 2500, 3383.3, 5125, 15000: the best is f=1 alone
    Map<String, Outcome> out =
        byKey(
            o("a", "f", "1", 2500, 40, 100),
            o("b", "f", "2", 3383.3, 30, 101.5),
            o("c", "f", "3", 5125, 20, 102.5),
            o("d", "f", "4", 15000, 10, 150));
    Optima.Result r = Optima.compute(List.of(slice("s", "f", "a", "b", "c", "d")), BASE, out, 0.02);
    Optima.SliceOptima s = r.slices().get(0);
    assertThat(s.measured()).isEqualTo(4);
    assertThat(s.planned()).isEqualTo(4);
    Optima.Best e = s.best().get(Objective.ENERGY);
    assertThat(e.value()).isEqualTo(100);
    assertThat(e.best()).containsExactly(Map.entry("f", "1"));
    assertThat(e.within().get("f")).containsExactly("1", "2");
    Optima.Best l = s.best().get(Objective.LATENCY);
    assertThat(l.value()).isEqualTo(10);
    assertThat(l.best()).containsEntry("f", "4");
    assertThat(l.within().get("f")).containsExactly("4");
    assertThat(s.best().get(Objective.POWER).best()).containsEntry("f", "1");
    // the overall table takes each factor from its slice; its value has no common scale
    assertThat(r.overall().get(Objective.ENERGY).best()).containsEntry("f", "1");
    assertThat(r.overall().get(Objective.ENERGY).value()).isNaN();
  }

  @Test
  void theToleranceIncludesItsBoundary() {
    // 50 × (1 + 0.5) = 75 exactly in binary: 75 is within, 75.01 is not
    Map<String, Outcome> out =
        byKey(
            o("a", "f", "1", 1, 1, 50), o("b", "f", "2", 1, 1, 75), o("c", "f", "3", 1, 1, 75.01));
    Optima.Best e =
        Optima.compute(List.of(slice("s", "f", "a", "b", "c")), BASE, out, 0.5)
            .slices()
            .get(0)
            .best()
            .get(Objective.ENERGY);
    assertThat(e.within().get("f")).containsExactly("1", "2");
    // a tolerance of 0 keeps the best and its exact ties only
    Map<String, Outcome> tied =
        byKey(o("a", "f", "1", 1, 1, 60), o("b", "f", "2", 1, 1, 50), o("c", "f", "3", 1, 1, 50));
    Optima.Best t =
        Optima.compute(List.of(slice("s", "f", "a", "b", "c")), BASE, tied, 0)
            .slices()
            .get(0)
            .best()
            .get(Objective.ENERGY);
    assertThat(t.within().get("f")).containsExactly("2", "3");
  }

  @Test
  void ofTwoEqualBestsTheFirstInSweepOrderIsTheBestAndBothAreWithin() {
    Map<String, Outcome> out =
        byKey(o("a", "f", "1", 7, 1, 90), o("b", "f", "2", 5, 1, 80), o("c", "f", "3", 5, 1, 80));
    // sweep order c, b, a: c comes first
    Optima.Best p =
        Optima.compute(List.of(slice("s", "f", "c", "b", "a")), BASE, out, 0.02)
            .slices()
            .get(0)
            .best()
            .get(Objective.POWER);
    assertThat(p.best()).containsEntry("f", "3");
    assertThat(p.within().get("f")).containsExactly("3", "2");
  }

  @Test
  void missingAndNonFiniteOutcomesAreLeftOutAndCounted() {
    Map<String, Outcome> out =
        byKey(
            o("a", "f", "1", 5000, 20, 100),
            o("b", "f", "2", Double.NaN, 10, 50), // no power: not comparable on any objective
            o("c", "f", "3", 4000, Double.POSITIVE_INFINITY, 80),
            o("d", "f", "4", 6000, 25, 120));
    // e is planned but not stored yet
    Optima.Result r =
        Optima.compute(
            List.of(slice("s", "f", "a", "b", "c", "d", "e"), slice("empty", "g", "x", "y")),
            BASE,
            out,
            0.02);
    // the slice with nothing stored is left out
    assertThat(r.slices()).extracting(Optima.SliceOptima::label).containsExactly("s");
    Optima.SliceOptima s = r.slices().get(0);
    assertThat(s.measured()).isEqualTo(2);
    assertThat(s.planned()).isEqualTo(5);
    assertThat(s.best().get(Objective.ENERGY).best()).containsEntry("f", "1");
    assertThat(s.best().get(Objective.POWER).value()).isEqualTo(5000);
    // the Pareto front skips c's infinite latency; b has finite latency and energy and is on it
    assertThat(r.pareto()).extracting(Outcome::key).containsExactly("b");
  }

  @Test
  void aSingleConfigurationIsItsOwnBestAndMovesNothing() {
    Optima.Result r =
        Optima.compute(
            List.of(slice("one", "f", "a")), BASE, byKey(o("a", "f", "1", 5, 2, 10)), 0.02);
    Optima.SliceOptima s = r.slices().get(0);
    for (Objective obj : Objective.values()) {
      assertThat(s.best().get(obj).best()).containsEntry("f", "1");
      assertThat(s.best().get(obj).within().get("f")).containsExactly("1");
    }
    assertThat(s.best().get(Objective.LATENCY).value()).isEqualTo(2);
    assertThat(r.energyRanking()).isEmpty();
    assertThat(r.pareto()).extracting(Outcome::key).containsExactly("a");
  }

  @Test
  void slicesAreRankedByHowMuchTheyMoveEnergy() {
    Map<String, Outcome> out =
        byKey(
            o("a", "f", "1", 1, 1, 100),
            o("b", "f", "2", 1, 1, 110),
            o("c", "g", "1", 1, 1, 80),
            o("d", "g", "2", 1, 1, 120),
            o("e", "h", "1", 1, 1, 40));
    Optima.Result r =
        Optima.compute(
            List.of(slice("f", "f", "a", "b"), slice("g", "g", "c", "d"), slice("h", "h", "e")),
            BASE,
            out,
            0.02);
    // g: (120 − 80) / 80 = 0.5; f: (110 − 100) / 100 = 0.1; h has one configuration
    assertThat(r.energyRanking()).extracting(Optima.Influence::label).containsExactly("g", "f");
    assertThat(r.energyRanking().get(0).spread()).isCloseTo(0.5, within(1e-12));
    assertThat(r.energyRanking().get(0).minMj()).isEqualTo(80);
    assertThat(r.energyRanking().get(0).maxMj()).isEqualTo(120);
    assertThat(r.energyRanking().get(1).spread()).isCloseTo(0.1, within(1e-12));
  }

  @Test
  void theParetoFrontHoldsExactlyTheUndominatedConfigurations() {
    // (latency, energy): A (10, 100), B (12, 80), C (11, 120) is beaten by A in both, D (12, 90)
    // by B (same latency, more energy), E (20, 50), F (20, 50) ties E: neither beats the other,
    // G (25, 50) is beaten by E (same energy, slower); X is another model, fastest of all
    Map<String, Outcome> out =
        byKey(
            o("G", "f", "7", 1, 25, 50),
            o("C", "f", "3", 1, 11, 120),
            o("A", "f", "1", 1, 10, 100),
            o("E", "f", "5", 1, 20, 50),
            o("D", "f", "4", 1, 12, 90),
            o("B", "f", "2", 1, 12, 80),
            o("F", "f", "6", 1, 20, 50),
            new Outcome(
                "X", Map.of(Models.MODEL, "resnet18", Models.INPUT, "fixed-random"), 1, 1, 1));
    List<Outcome> front = Optima.compute(List.of(), BASE, out, 0.02).pareto();
    assertThat(front).extracting(Outcome::key).containsExactly("A", "B", "E", "F");
    // the front is what a brute-force check over every pair says
    for (Outcome p : out.values()) {
      if (!p.settings().get(Models.MODEL).equals("mobilenetv2")) {
        continue;
      }
      boolean dominated = false;
      for (Outcome q : out.values()) {
        if (q.settings().get(Models.MODEL).equals("mobilenetv2")
            && q.latencyMsPerInput() <= p.latencyMsPerInput()
            && q.energyMjPerInput() <= p.energyMjPerInput()
            && (q.latencyMsPerInput() < p.latencyMsPerInput()
                || q.energyMjPerInput() < p.energyMjPerInput())) {
          dominated = true;
        }
      }
      assertThat(front.contains(p)).as(p.key()).isEqualTo(!dominated);
    }
  }

  @Test
  void aToleranceBelowZeroOrNotANumberIsRefused() {
    assertThatThrownBy(() -> Optima.compute(List.of(), BASE, Map.of(), -0.01))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Optima.compute(List.of(), BASE, Map.of(), Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
