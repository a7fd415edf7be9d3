package io.inferwatt.core.analysis;

import io.inferwatt.core.analysis.AnalysisResult.ResidualPoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The window search over the buffered samples: a coarse grid over {@code (W, δ)} on a thinned
 * subset of at most {@value WindowMapping#COARSE_SAMPLES} samples, then a pattern search (the 8
 * neighbours; move to the best, else halve the steps) on the whole buffer.
 */
final class WindowSearch {
  private final WindowDesign design;
  private final WindowBuffer buffer;
  private final WindowRange range;
  private final Map<List<Long>, Double> coarse = new HashMap<>();
  private final Map<List<Long>, Double> fine = new HashMap<>();
  private final long[] gridW = new long[WindowMapping.COARSE_WINDOWS];
  private final long[] gridD = new long[WindowMapping.COARSE_OFFSETS];
  long bestW;
  long bestD;
  private double best;
  int evaluations;

  WindowSearch(WindowDesign design, WindowBuffer buffer, WindowRange range) {
    this.design = design;
    this.buffer = buffer;
    this.range = range;
    for (int i = 0; i < WindowMapping.COARSE_WINDOWS; i++) {
      gridW[i] = range.wMax() * i / (WindowMapping.COARSE_WINDOWS - 1);
    }
    for (int i = 0; i < WindowMapping.COARSE_OFFSETS; i++) {
      gridD[i] =
          range.dMin() + (range.dMax() - range.dMin()) * i / (WindowMapping.COARSE_OFFSETS - 1);
    }
  }

  void run(long hintNs) {
    List<long[]> grid = new ArrayList<>();
    for (long w : gridW) {
      for (long d : gridD) {
        grid.add(new long[] {w, d});
      }
    }
    if (hintNs >= 0) {
      for (long d : gridD) {
        grid.add(new long[] {Math.min(hintNs, range.wMax()), d});
      }
    }
    int thin = (int) Math.max(1, buffer.size / WindowMapping.COARSE_SAMPLES);
    best = Double.POSITIVE_INFINITY;
    evaluate(grid, coarse, thin);
    best = Double.POSITIVE_INFINITY;
    evaluate(List.of(new long[] {bestW, bestD}), fine, 1);
    long sw = Math.max(1, (gridW[1] - gridW[0]) / 2);
    long sd = Math.max(1, (gridD[1] - gridD[0]) / 2);
    long minStep = Math.max(1000, range.wMax() / 20_000);
    for (int step = 0; step < WindowMapping.MAX_PATTERN_STEPS; step++) {
      List<long[]> around = new ArrayList<>();
      for (int i = -1; i <= 1; i++) {
        for (int j = -1; j <= 1; j++) {
          long w = clamp(bestW + i * sw, 0, range.wMax());
          long d = clamp(bestD + j * sd, range.dMin(), range.dMax());
          around.add(new long[] {w, d});
        }
      }
      double before = best;
      evaluate(around, fine, 1);
      if (best < before) {
        continue;
      }
      if (sw <= minStep && sd <= minStep) {
        break;
      }
      sw = Math.max(1, sw / 2);
      sd = Math.max(1, sd / 2);
    }
  }

  private static long clamp(long v, long lo, long hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  /** Evaluates the candidates not yet in {@code cache}, on every {@code thin}-th sample. */
  private void evaluate(List<long[]> cands, Map<List<Long>, Double> cache, int thin) {
    List<long[]> todo = new ArrayList<>();
    for (long[] c : cands) {
      if (cache.putIfAbsent(List.of(c[0], c[1]), Double.NaN) == null) {
        todo.add(c);
      }
    }
    evaluations += todo.size();
    double[] f =
        todo.parallelStream()
            .mapToDouble(
                c ->
                    WindowSolution.of(design.accumulate(buffer, c[0], c[1], thin), false)
                        .relativeResidual())
            .toArray();
    for (int i = 0; i < f.length; i++) {
      long[] c = todo.get(i);
      cache.put(List.of(c[0], c[1]), f[i]);
      // ties go to the smaller window, then the smaller offset: the simpler sensor
      if (f[i] < best || (f[i] == best && (c[0] < bestW || (c[0] == bestW && c[1] < bestD)))) {
        best = f[i];
        bestW = c[0];
        bestD = c[1];
      }
    }
  }

  /** For each coarse window, the best coarse offset and its residual. */
  List<ResidualPoint> curve() {
    List<ResidualPoint> out = new ArrayList<>();
    for (long w : gridW) {
      double f = Double.POSITIVE_INFINITY;
      long at = 0;
      for (long d : gridD) {
        double v = coarse.get(List.of(w, d));
        if (v < f) {
          f = v;
          at = d;
        }
      }
      out.add(new ResidualPoint(w / WindowMapping.NS_PER_MS, at / WindowMapping.NS_PER_MS, f));
    }
    return out;
  }
}
