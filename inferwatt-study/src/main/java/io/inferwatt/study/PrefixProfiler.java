package io.inferwatt.study;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.analysis.CounterEnergy;
import io.inferwatt.core.analysis.PrefixDifferences;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.models.Zoo;
import io.inferwatt.hardware.EnergyCounter;
import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.Recorder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Differential prefix profiling: per-layer energy on a board whose only good sensor is a slow
 * energy counter. For a network of L layers it measures the energy per inference of each prefix (k
 * = 0 … L: the first k layers; 0 = the engine's overhead alone) over a long window with {@link
 * CounterEnergy}, and takes layer k's energy as the difference of prefixes k and k−1 ({@link
 * PrefixDifferences}). A round measures every prefix once; rounds alternate forward and backward
 * order, so that a drift that is linear over a pair of rounds cancels and what remains shows in the
 * confidence intervals. After {@link Options#minRounds()} the spread decides how many more rounds
 * the targets need, up to {@link Options#maxRounds()}.
 */
public final class PrefixProfiler {

  private PrefixProfiler() {}

  /**
   * Settings.
   *
   * @param windowNs length of one prefix's window, ns (at least 10 counter updates)
   * @param minRounds rounds before the spread is judged (even: forward and backward pairs)
   * @param maxRounds the most rounds run
   * @param relative the wanted 95 % half-width relative to a layer's energy
   * @param minShare the share of the network's energy above which a layer is held to {@code
   *     relative} of its own energy (smaller ones: {@code relative × minShare} of the network's)
   */
  public record Options(
      long windowNs, int minRounds, int maxRounds, double relative, double minShare) {
    public Options {
      if (windowNs <= 0 || minRounds < 2 || maxRounds < minRounds) {
        throw new BadInputException(
            "prefix profiling needs a window > 0 and 2 <= min rounds <= max rounds");
      }
    }

    /**
     * 2 s windows, 4 to 40 rounds, ±2.5 % (half the 5 % goal) for layers above 1 % of the energy.
     */
    public static Options defaults() {
      return new Options(2_000_000_000L, 4, 40, 0.025, 0.01);
    }
  }

  /**
   * The outcome.
   *
   * @param layers per-layer energy with its 95 % half-width (mJ), in layer order
   * @param networkMj energy per inference of the whole network over the overhead, mJ
   * @param overheadMj energy per inference of prefix 0 (the engine's overhead and the host gap), mJ
   * @param rounds rounds run
   * @param roundsNeeded rounds the targets needed by the spread (may exceed {@code rounds} when
   *     capped)
   * @param windowNs one prefix window, ns
   */
  public record Result(
      List<PrefixDifferences.Layer> layers,
      double networkMj,
      double overheadMj,
      int rounds,
      int roundsNeeded,
      long windowNs) {
    public Result {
      layers = List.copyOf(layers);
    }
  }

  /**
   * Refuses a prefix window shorter than {@link CounterEnergy#MIN_UPDATES} + 1 updates of {@code
   * board}'s energy counter.
   */
  public static void checkWindow(EnergyCounter board, long windowNs) {
    if (windowNs < (CounterEnergy.MIN_UPDATES + 1) * board.counterUpdatePeriodNs()) {
      throw new BadInputException(
          String.format(
              java.util.Locale.ROOT,
              "a prefix window of %.2f s is too short for the energy counter (one update every"
                  + " %.0f ms): it needs at least %.1f s",
              windowNs / 1e9,
              board.counterUpdatePeriodNs() / 1e6,
              (CounterEnergy.MIN_UPDATES + 1) * board.counterUpdatePeriodNs() / 1e9));
    }
  }

  /** The first {@code k} layers of {@code net} ({@code k = 0}: none). */
  static NetworkSpec prefix(NetworkSpec net, int k) {
    if (k == 0) {
      return new NetworkSpec(net.name() + "-prefix0", net.inputShape(), List.of());
    }
    return Zoo.prefix(net, k);
  }

  /**
   * Profiles {@code w}'s layers on {@code board} with {@code settings} applied (knob name to value,
   * as checked by {@link ProfileRunner}) and restored afterwards, also on error.
   */
  public static <B extends Recorder & EnergyCounter> Result run(
      B board,
      Workload w,
      Map<String, String> settings,
      Options o,
      Recorder.ProgressListener progress) {
    Map<String, String> saved = new LinkedHashMap<>();
    Map<String, Knob> knobs = new LinkedHashMap<>();
    board.knobs().forEach(k -> knobs.put(k.name(), k));
    try {
      for (Map.Entry<String, String> e : settings.entrySet()) {
        Knob k = knobs.get(e.getKey());
        if (k == null) {
          throw new BadInputException("unknown setting '" + e.getKey() + "'");
        }
        saved.put(k.name(), k.read());
        k.apply(e.getValue());
      }
      return run(board, w, o, progress);
    } finally {
      saved.forEach((k, v) -> knobs.get(k).apply(v));
    }
  }

  /** Profiles {@code w}'s layers on {@code board}; progress as phase {@code prefix}. */
  public static Result run(
      EnergyCounter board, Workload w, Options o, Recorder.ProgressListener progress) {
    NetworkSpec net = w.network();
    int l = net.layers().size();
    if (l == 0) {
      throw new BadInputException(net.name() + " has no layers to profile");
    }
    checkWindow(board, o.windowNs());
    List<Workload> prefixes = new ArrayList<>(l + 1);
    for (int k = 0; k <= l; k++) {
      prefixes.add(new Workload(prefix(net, k), w.batch(), w.mode(), w.input(), w.threads()));
    }
    PrefixDifferences d = new PrefixDifferences(l);
    double overhead = 0;
    int target = o.minRounds();
    long done = 0;
    while (d.rounds() < target) {
      double[] e = new double[l + 1];
      boolean forward = d.rounds() % 2 == 0;
      for (int i = 0; i <= l; i++) {
        int k = forward ? i : l - i;
        CounterEnergy.Result r =
            CounterEnergy.perInference(board.window(prefixes.get(k), o.windowNs()));
        if (!r.ok()) {
          throw new BadInputException("prefix " + k + ": " + r.refusal().orElseThrow());
        }
        e[k] = r.energyMj();
        progress.progress("prefix", ++done, (long) target * (l + 1));
      }
      d.add(e);
      overhead += e[0];
      if (d.rounds() == target && target < o.maxRounds()) {
        int need = d.roundsNeeded(o.relative(), o.minShare());
        need += need % 2; // whole forward-backward pairs
        target = Math.min(o.maxRounds(), Math.max(target, need));
      }
    }
    return new Result(
        d.layers(),
        d.networkMj(),
        overhead / d.rounds(),
        d.rounds(),
        d.roundsNeeded(o.relative(), o.minShare()),
        o.windowNs());
  }
}
