package io.inferwatt.core.analysis;

import io.inferwatt.core.analysis.AnalysisResult.ResidualPoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The search for the sensor's response over the buffered samples. Three shapes compete, each with
 * its offset {@code δ}: a boxcar of width {@code W} (instant at {@code W = 0}), a first-order
 * low-pass with time constant {@code τ}, and the boxcar followed by the low-pass. For the two
 * single shapes a coarse grid over (parameter, {@code δ}) runs on a thinned subset of at most
 * {@value WindowMapping#COARSE_SAMPLES} samples, then a pattern search (the neighbours on every
 * searched axis; move to the best, else halve the steps): the boxcar's on the whole buffer, the
 * low-pass's on a thinned subset (every second sample at least: they cost more per sample) and
 * compared on the whole buffer; the combination starts a pattern search over {@code (W, τ, δ)} on
 * that subset from the better of the two, also compared on the whole buffer; a low-pass shape
 * chosen is refined on the whole buffer at the end. The combination is chosen only when its
 * relative residual is at least {@value #SIMPLER_MARGIN} (relative) below the better single
 * shape's: it nests both, so it never fits worse.
 */
final class WindowSearch {

  /** How much lower the combination's residual must be to be chosen over a single shape. */
  static final double SIMPLER_MARGIN = 0.01;

  /** The smallest step of a pattern search on the thinned subset, ns. */
  static final long SUBSET_STEP_NS = 10_000;

  /** The outcome of one shape's search: parameters in ns and the relative residual. */
  record Found(long w, long tau, long d, double residual) {
    WindowKernel kernel() {
      return WindowKernel.of(w, tau);
    }
  }

  private static final int W = 0;
  private static final int T = 1;
  private static final int D = 2;

  private final WindowDesign design;
  private final WindowBuffer buffer;
  private final WindowRange range;
  private final long tauMax;
  private final Map<Integer, Map<List<Long>, Double>> byThinning = new HashMap<>();
  private Map<List<Long>, Double> coarse;
  private final Map<List<Long>, Double> fine = cache(1);
  private final long[] gridW = new long[WindowMapping.COARSE_WINDOWS];
  private final long[] gridT = new long[WindowMapping.COARSE_TIME_CONSTANTS];
  private final long[] gridD = new long[WindowMapping.COARSE_OFFSETS];
  Found boxcar;
  Found lowPass;
  Found mixed;
  Found chosen;
  int evaluations;

  WindowSearch(WindowDesign design, WindowBuffer buffer, WindowRange range) {
    this.design = design;
    this.buffer = buffer;
    this.range = range;
    this.tauMax = (long) Math.floor(range.wMax() / WindowKernel.TAILS);
    for (int i = 0; i < WindowMapping.COARSE_WINDOWS; i++) {
      gridW[i] = range.wMax() * i / (WindowMapping.COARSE_WINDOWS - 1);
    }
    for (int i = 0; i < gridT.length; i++) {
      gridT[i] = tauMax * (i + 1) / gridT.length;
    }
    for (int i = 0; i < WindowMapping.COARSE_OFFSETS; i++) {
      gridD[i] =
          range.dMin() + (range.dMax() - range.dMin()) * i / (WindowMapping.COARSE_OFFSETS - 1);
    }
  }

  /** Kernel length of the largest candidate: the chosen one's, for widening the range. */
  long chosenLengthNs() {
    return chosen.kernel().lengthNs;
  }

  /** How far, in initial steps, a re-check may move from the response found before. */
  static final int PRIOR_BOX_STEPS = 4;

  /** The initial steps of a re-check, as a fraction of the coarse grid's half-steps. */
  static final int PRIOR_STEP_DIVISOR = 4;

  /**
   * A re-check that runs to its box's edge and lowers the residual there by more than this
   * (relative to the prior's) says the prior no longer fits; less, and the residual is flat there
   * (a sensor the recording barely resolves): the re-check stands.
   */
  static final double REFIT_GAIN = 0.05;

  // a re-check's box around the response found before (null: no box)
  private long[] boxLo;
  private long[] boxHi;

  /**
   * Re-checks a response found before on the same sensor: a pattern search from it over its own
   * shape's axes, with small steps, inside a box of {@value #PRIOR_BOX_STEPS} steps around it.
   * Returns false (and chooses nothing) when the prior lies outside the searched range or the
   * search runs to the box's edge with a residual more than {@link #REFIT_GAIN} below the prior's:
   * the residual says the sensor is not where it was, and the whole search must run.
   */
  boolean runFrom(AnalysisOptions.SensorPrior prior) {
    long[] start = {prior.response().boxcarNs(), prior.response().tauNs(), prior.offsetNs()};
    if (!valid(start)) {
      return false;
    }
    long sw = Math.max(1, (gridW[1] - gridW[0]) / (2 * PRIOR_STEP_DIVISOR));
    long st = Math.max(1, (gridT[1] - gridT[0]) / (2 * PRIOR_STEP_DIVISOR));
    long sd = Math.max(1, (gridD[1] - gridD[0]) / (2 * PRIOR_STEP_DIVISOR));
    // the prior's own shape: a low-pass part searched on τ, a boxcar (or an instant sensor) on W
    long[] steps = {
      start[W] > 0 || start[T] == 0 ? sw : 0, start[T] > 0 ? st : 0, sd,
    };
    boxLo = new long[3];
    boxHi = new long[3];
    for (int a = 0; a < 3; a++) {
      boxLo[a] = start[a] - PRIOR_BOX_STEPS * steps[a];
      boxHi[a] = start[a] + PRIOR_BOX_STEPS * steps[a];
    }
    Found f = pattern(start, steps, 1);
    long[] at = {f.w(), f.tau(), f.d()};
    boolean inside = true;
    for (int a = 0; a < 3; a++) {
      if (steps[a] > 0) {
        inside &= at[a] - boxLo[a] > steps[a] && boxHi[a] - at[a] > steps[a];
      }
    }
    boxLo = null;
    boxHi = null;
    double atPrior = fine.get(key(start));
    if (!inside && atPrior - f.residual() > REFIT_GAIN * atPrior) {
      return false;
    }
    chosen = f;
    reused = true;
    return true;
  }

  /** Whether the response came from a re-check of a prior ({@link #runFrom}). */
  boolean reused;

  void run(long hintNs) {
    int thin = (int) Math.max(1, buffer.size / WindowMapping.COARSE_SAMPLES);
    coarse = cache(thin);
    // the low-pass shapes' pattern searches: on half the samples at least (the chosen shape is
    // refined on every sample)
    int thinLow = buffer.size >= 2 * WindowMapping.COARSE_SAMPLES / 4 ? Math.max(2, thin) : 1;
    List<long[]> box = new ArrayList<>();
    List<long[]> low = new ArrayList<>();
    for (long d : gridD) {
      for (long w : gridW) {
        box.add(new long[] {w, 0, d});
      }
      if (hintNs >= 0) {
        box.add(new long[] {Math.min(hintNs, range.wMax()), 0, d});
      }
      for (long t : gridT) {
        low.add(new long[] {0, t, d});
      }
    }
    long[] box0 = best(box, coarse, thin);
    long[] low0 = best(low, coarse, thin);
    long sw = Math.max(1, (gridW[1] - gridW[0]) / 2);
    long st = Math.max(1, (gridT[1] - gridT[0]) / 2);
    long sd = Math.max(1, (gridD[1] - gridD[0]) / 2);
    boxcar = pattern(box0, new long[] {sw, 0, sd}, 1);
    // the low-pass shapes cost more per sample (longer responses, exponentials): their pattern
    // searches run on the coarse grid's thinned subset, their results are compared on every sample
    lowPass = onEverySample(pattern(low0, new long[] {0, st, sd}, thinLow));
    Found single = better(boxcar, lowPass);
    mixed =
        onEverySample(
            pattern(
                new long[] {single.w(), single.tau(), single.d()},
                new long[] {Math.max(1, sw / 2), Math.max(1, st / 2), Math.max(1, sd / 2)},
                thinLow));
    chosen = mixed.residual() < single.residual() * (1 - SIMPLER_MARGIN) ? mixed : single;
    if (chosen != boxcar && thinLow > 1) {
      // a low-pass shape was searched on the subset: refine it on the whole buffer
      chosen =
          pattern(
              new long[] {chosen.w(), chosen.tau(), chosen.d()},
              new long[] {
                chosen.w() > 0 ? 2 * SUBSET_STEP_NS : 0, 2 * SUBSET_STEP_NS, 2 * SUBSET_STEP_NS
              },
              1);
    }
  }

  private Found onEverySample(Found f) {
    long[] c = {f.w(), f.tau(), f.d()};
    return new Found(f.w(), f.tau(), f.d(), values(List.of(c), fine, 1)[0]);
  }

  private static Found better(Found a, Found b) {
    return b.residual() < a.residual() ? b : a;
  }

  /**
   * A pattern search on the whole buffer from {@code start}, over the axes with a non-zero step:
   * every neighbour on those axes; move to the best one when it is lower, else halve the steps.
   */
  private Found pattern(long[] start, long[] steps, int thin) {
    Map<List<Long>, Double> cache = cache(thin);
    long[] cur = start.clone();
    double f = values(List.of(cur), cache, thin)[0];
    long[] step = steps.clone();
    long minStep = Math.max(1000, range.wMax() / 20_000);
    if (thin > 1) {
      // on the subset, a basin to 10 µs is enough: what is chosen is refined on every sample
      minStep = Math.max(minStep, SUBSET_STEP_NS);
    }
    int axes = 0;
    for (long s : step) {
      axes += s > 0 ? 1 : 0;
    }
    int combos = (int) Math.pow(3, axes);
    for (int it = 0; it < WindowMapping.MAX_PATTERN_STEPS; it++) {
      List<long[]> around = new ArrayList<>();
      for (int c = 0; c < combos; c++) {
        long[] n = cur.clone();
        int code = c;
        boolean moved = false;
        for (int a = 0; a < 3; a++) {
          if (step[a] == 0) {
            continue;
          }
          int dir = code % 3 - 1;
          code /= 3;
          n[a] += dir * step[a];
          moved |= dir != 0;
        }
        if (moved && valid(n)) {
          around.add(n);
        }
      }
      double[] v = values(around, cache, thin);
      int at = -1;
      double bestV = f;
      for (int i = 0; i < v.length; i++) {
        if (v[i] < bestV || (v[i] == bestV && at >= 0 && simpler(around.get(i), around.get(at)))) {
          bestV = v[i];
          at = i;
        }
      }
      if (at >= 0 && bestV < f) {
        cur = around.get(at);
        f = bestV;
        continue;
      }
      boolean small = true;
      for (int a = 0; a < 3; a++) {
        if (step[a] > 0) {
          small &= step[a] <= minStep;
          step[a] = Math.max(1, step[a] / 2);
        }
      }
      if (small) {
        break;
      }
    }
    return new Found(cur[W], cur[T], cur[D], f);
  }

  private boolean valid(long[] c) {
    return c[W] >= 0
        && c[T] >= 0
        && c[T] <= tauMax
        && c[D] >= range.dMin()
        && c[D] <= range.dMax()
        && WindowKernel.of(c[W], c[T]).lengthNs <= range.wMax()
        && inBox(c);
  }

  private boolean inBox(long[] c) {
    if (boxLo == null) {
      return true;
    }
    for (int a = 0; a < 3; a++) {
      if (c[a] < boxLo[a] || c[a] > boxHi[a]) {
        return false;
      }
    }
    return true;
  }

  /** Ties go to the shorter response, then the smaller offset: the simpler sensor. */
  private static boolean simpler(long[] a, long[] b) {
    long la = a[W] + a[T];
    long lb = b[W] + b[T];
    return la < lb || (la == lb && a[D] < b[D]);
  }

  /** The residuals cached for every {@code thin}-th sample. */
  private Map<List<Long>, Double> cache(int thin) {
    return byThinning.computeIfAbsent(thin, t -> new HashMap<>());
  }

  /** The best of {@code cands} on every {@code thin}-th sample. */
  private long[] best(List<long[]> cands, Map<List<Long>, Double> cache, int thin) {
    double[] v = values(cands, cache, thin);
    int at = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] < v[at] || (v[i] == v[at] && simpler(cands.get(i), cands.get(at)))) {
        at = i;
      }
    }
    return cands.get(at);
  }

  /** The relative residuals of {@code cands} on every {@code thin}-th sample, cached. */
  private double[] values(List<long[]> cands, Map<List<Long>, Double> cache, int thin) {
    List<long[]> todo = new ArrayList<>();
    for (long[] c : cands) {
      if (cache.putIfAbsent(key(c), Double.NaN) == null) {
        todo.add(c);
      }
    }
    evaluations += todo.size();
    double[] f =
        todo.parallelStream()
            .mapToDouble(
                c ->
                    WindowSolution.of(
                            design.accumulate(buffer, WindowKernel.of(c[W], c[T]), c[D], thin),
                            false)
                        .relativeResidual())
            .toArray();
    for (int i = 0; i < f.length; i++) {
      cache.put(key(todo.get(i)), f[i]);
    }
    double[] out = new double[cands.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = cache.get(key(cands.get(i)));
    }
    return out;
  }

  private static List<Long> key(long[] c) {
    return List.of(c[W], c[T], c[D]);
  }

  /**
   * For each coarse boxcar window and each coarse low-pass time constant, the best coarse offset
   * and its residual.
   */
  List<ResidualPoint> curve() {
    List<ResidualPoint> out = new ArrayList<>();
    if (coarse == null) {
      return out; // a re-check searches no grid
    }
    for (long w : gridW) {
      long[] at = bestOffset(w, 0);
      out.add(
          new ResidualPoint(
              w / WindowMapping.NS_PER_MS,
              at[0] / WindowMapping.NS_PER_MS,
              Double.longBitsToDouble(at[1]),
              "boxcar",
              0));
    }
    for (long t : gridT) {
      long[] at = bestOffset(0, t);
      out.add(
          new ResidualPoint(
              0,
              at[0] / WindowMapping.NS_PER_MS,
              Double.longBitsToDouble(at[1]),
              "lowpass",
              t / WindowMapping.NS_PER_MS));
    }
    return out;
  }

  /** {offset, residual bits} of the best coarse offset for the shape {@code (w, t)}. */
  private long[] bestOffset(long w, long t) {
    double f = Double.POSITIVE_INFINITY;
    long at = 0;
    for (long d : gridD) {
      Double v = coarse.get(List.of(w, t, d));
      if (v != null && v < f) {
        f = v;
        at = d;
      }
    }
    return new long[] {at, Double.doubleToLongBits(f)};
  }
}
