package io.inferwatt.core.analysis;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Energy per inference from an energy counter that changes only now and then (NVML's total energy:
 * every ≈100 ms), over a window of many inferences run back to back.
 *
 * <p>The counter is exact only at its updates. An update happened between the read that still saw
 * the old value and the read that saw the new one, so its instant is known to within that pair of
 * reads. The energy between the first and the last update seen in the window is the difference of
 * their values (±1 mJ for the counter's resolution); the time between them is the difference of
 * their instants, each known to within half its bracket. Energy per inference is that energy over
 * that time times the mean time from one inference's start to the next: it includes the host's gap
 * between inferences, which the counter cannot separate from them. The uncertainty given is the
 * bound from the two brackets and the resolution, so it shrinks as the window grows.
 *
 * <p>Refused, with a reason instead of a number, when the window holds fewer than {@link
 * #MIN_UPDATES} updates: reading the counter at arbitrary instants, a window that short could be
 * off by a whole update period at each end, and even with the brackets it says too little.
 */
public final class CounterEnergy {

  /** The fewest counter updates a window must hold for a number. */
  public static final int MIN_UPDATES = 10;

  private CounterEnergy() {}

  /**
   * One read of the counter.
   *
   * @param readStartNs monotonic ns when the call began
   * @param readEndNs monotonic ns when it returned
   * @param valueMj the counter's value, mJ
   */
  public record Read(long readStartNs, long readEndNs, long valueMj) {}

  /**
   * What a window recorded: the counter's reads and the inferences' spans, in time order.
   *
   * @param reads the counter's reads
   * @param startsNs each inference's start, monotonic ns
   * @param endsNs each inference's end, monotonic ns
   * @param updatePeriodNs the counter's nominal update period, ns (NVML: 100 ms)
   */
  public record Window(List<Read> reads, long[] startsNs, long[] endsNs, long updatePeriodNs) {
    public Window {
      reads = List.copyOf(reads);
      if (startsNs.length != endsNs.length) {
        throw new IllegalArgumentException("starts and ends differ in length");
      }
    }
  }

  /**
   * The energy per inference, or why there is none.
   *
   * @param energyMj energy per inference (with the gap to the next one), mJ; NaN when refused
   * @param uncertaintyMj bound on its error from the update brackets and the resolution, mJ
   * @param meanPowerMw mean power between the first and the last update, mW
   * @param spanNs time between the first and the last update, ns
   * @param updates counter updates seen inside the window
   * @param inferences inferences in the window
   * @param cycleNs mean time from one inference's start to the next, ns
   * @param refusal empty for a number; otherwise one line saying why there is none
   */
  public record Result(
      double energyMj,
      double uncertaintyMj,
      double meanPowerMw,
      long spanNs,
      int updates,
      int inferences,
      double cycleNs,
      Optional<String> refusal) {

    /** Whether there is a number. */
    public boolean ok() {
      return refusal.isEmpty();
    }
  }

  /** Energy per inference over window {@code w}. */
  public static Result perInference(Window w) {
    int n = w.startsNs().length;
    if (n < 2) {
      return refused(w, 0, 0, n, "fewer than 2 inferences in the window");
    }
    long first = w.startsNs()[0];
    long last = w.endsNs()[n - 1];
    double cycleNs = (w.startsNs()[n - 1] - first) / (double) (n - 1);
    // updates inside [first start, last end]: the change between two consecutive reads there
    List<Read> in =
        w.reads().stream().filter(r -> r.readStartNs() >= first && r.readEndNs() <= last).toList();
    int firstChange = -1;
    int lastChange = -1;
    int updates = 0;
    for (int i = 1; i < in.size(); i++) {
      if (in.get(i).valueMj() != in.get(i - 1).valueMj()) {
        updates++;
        if (firstChange < 0) {
          firstChange = i;
        }
        lastChange = i;
      }
    }
    long windowNs = last - first;
    if (updates < MIN_UPDATES) {
      long needNs = (MIN_UPDATES + 1) * w.updatePeriodNs();
      long needInferences = (long) Math.ceil(needNs / Math.max(1.0, cycleNs));
      return refused(
          w,
          updates,
          windowNs,
          n,
          String.format(
              Locale.ROOT,
              "the window of %.0f ms holds %d energy-counter update%s (one every %.0f ms); at"
                  + " least %d are needed, so run at least %d inferences (%.1f s) back to back",
              windowNs / 1e6,
              updates,
              updates == 1 ? "" : "s",
              w.updatePeriodNs() / 1e6,
              MIN_UPDATES,
              needInferences,
              needNs / 1e9));
    }
    Read a0 = in.get(firstChange - 1);
    Read a1 = in.get(firstChange);
    Read b0 = in.get(lastChange - 1);
    Read b1 = in.get(lastChange);
    double ua = (a0.readStartNs() + a1.readEndNs()) / 2.0;
    double ub = (b0.readStartNs() + b1.readEndNs()) / 2.0;
    double halfA = (a1.readEndNs() - a0.readStartNs()) / 2.0;
    double halfB = (b1.readEndNs() - b0.readStartNs()) / 2.0;
    double span = ub - ua;
    double energy = b1.valueMj() - a1.valueMj();
    double powerMw = energy / span * 1e9;
    double perInference = energy * cycleNs / span;
    double bound = perInference * (halfA + halfB) / span + 1.0 * cycleNs / span;
    return new Result(
        perInference, bound, powerMw, Math.round(span), updates, n, cycleNs, Optional.empty());
  }

  private static Result refused(Window w, int updates, long spanNs, int n, String why) {
    double cycle = Double.NaN;
    if (n >= 2) {
      cycle = (w.startsNs()[n - 1] - w.startsNs()[0]) / (double) (n - 1);
    }
    return new Result(
        Double.NaN, Double.NaN, Double.NaN, spanNs, updates, n, cycle, Optional.of(why));
  }
}
