package io.inferwatt.core.analysis;

import io.inferwatt.core.InferenceEvent;
import java.util.Arrays;

/**
 * Power and energy per inference of the power set, as the samples stream: the inferences still open
 * (a sample may yet fall in them) with their running sums per rail, folded into the run's
 * aggregates in start order once every rail has a reading past their end. Memory holds the open
 * inferences only.
 */
final class InferencePower {
  private final int nr;
  private final IntervalQueue points = new IntervalQueue();
  private final IntervalQueue[] areas;
  private long[] pStart = new long[64];
  private long[] pEnd = new long[64];
  private long[] pRows = new long[64];
  private long[] pCount;
  private double[] pSum;
  private double[] pArea;
  private long pBase; // id of index 0 in the arrays
  private int pSize;

  /** Inferences in the power set. */
  long count;

  /** Inferences that had samples inside them. */
  long withSamples;

  final RunningStats[] means;
  final double[] total;
  final long[] samples;
  final RunningStats[] energy;

  InferencePower(int rails) {
    nr = rails;
    areas = new IntervalQueue[nr];
    for (int r = 0; r < nr; r++) {
      areas[r] = new IntervalQueue();
    }
    pCount = new long[64 * nr];
    pSum = new double[64 * nr];
    pArea = new double[64 * nr];
    means = stats(nr);
    total = new double[nr];
    samples = new long[nr];
    energy = stats(nr);
  }

  private static RunningStats[] stats(int n) {
    RunningStats[] a = new RunningStats[n];
    for (int i = 0; i < n; i++) {
      a[i] = new RunningStats();
    }
    return a;
  }

  /** A sample at {@code t} ({@code p} per reported rail, NaN = a gap). */
  void point(long t, double[] p) {
    int k = points.advance(t);
    for (int i = 0; i < k; i++) {
      int at = (int) (points.tag(points.active(i)) - pBase);
      pRows[at]++;
      for (int r = 0; r < nr; r++) {
        if (!Double.isNaN(p[r])) {
          pCount[at * nr + r]++;
          pSum[at * nr + r] += p[r];
        }
      }
    }
  }

  void add(InferenceEvent inf) {
    if (pSize == pStart.length) {
      int n = pSize * 2;
      pStart = Arrays.copyOf(pStart, n);
      pEnd = Arrays.copyOf(pEnd, n);
      pRows = Arrays.copyOf(pRows, n);
      pCount = Arrays.copyOf(pCount, n * nr);
      pSum = Arrays.copyOf(pSum, n * nr);
      pArea = Arrays.copyOf(pArea, n * nr);
    }
    int i = pSize++;
    pStart[i] = inf.startNs();
    pEnd[i] = inf.endNs();
    pRows[i] = 0;
    Arrays.fill(pCount, i * nr, (i + 1) * nr, 0);
    Arrays.fill(pSum, i * nr, (i + 1) * nr, 0);
    Arrays.fill(pArea, i * nr, (i + 1) * nr, 0);
    int id = (int) (pBase + i);
    points.add(inf.startNs(), inf.endNs(), id);
    for (int r = 0; r < nr; r++) {
      areas[r].add(inf.startNs(), inf.endNs(), id);
    }
    count++;
  }

  /**
   * Folds finished inferences of the power set into the aggregates, in start order: one is finished
   * when every rail has a reading after its end (or at the end of the run).
   */
  void retire(boolean all, long prevT, long[] firstValid, long[] lastValid) {
    if (pSize == 0 || (!all && prevT <= pEnd[0])) {
      return;
    }
    int k = 0;
    while (k < pSize) {
      if (!all) {
        boolean done = prevT > pEnd[k];
        for (int r = 0; r < nr && done; r++) {
          done = lastValid[r] >= pEnd[k];
        }
        if (!done) {
          break;
        }
      }
      fold(k, firstValid, lastValid);
      k++;
    }
    if (k > 0) {
      int rest = pSize - k;
      System.arraycopy(pStart, k, pStart, 0, rest);
      System.arraycopy(pEnd, k, pEnd, 0, rest);
      System.arraycopy(pRows, k, pRows, 0, rest);
      System.arraycopy(pCount, k * nr, pCount, 0, rest * nr);
      System.arraycopy(pSum, k * nr, pSum, 0, rest * nr);
      System.arraycopy(pArea, k * nr, pArea, 0, rest * nr);
      pSize = rest;
      pBase += k;
    }
  }

  private void fold(int i, long[] firstValid, long[] lastValid) {
    if (pRows[i] > 0) {
      withSamples++;
    }
    for (int r = 0; r < nr; r++) {
      long c = pCount[i * nr + r];
      if (c > 0) {
        means[r].add(pSum[i * nr + r] / c);
        total[r] += pSum[i * nr + r];
        samples[r] += c;
      }
      boolean covered =
          firstValid[r] != Long.MIN_VALUE && firstValid[r] <= pStart[i] && lastValid[r] >= pEnd[i];
      if (covered) {
        energy[r].add(pArea[i * nr + r] / 1e9); // mW*ns -> mJ
      }
    }
  }

  /** Adds rail {@code r}'s trapezoid between two of its readings to the inferences it overlaps. */
  void integrate(int r, long t0, double p0, long t1, double p1) {
    IntervalQueue sweep = areas[r];
    int k = sweep.advanceWindow(t0, t1);
    for (int i = 0; i < k; i++) {
      long id = sweep.active(i);
      double area = Analyzer.overlapMwNs(t0, p0, t1, p1, sweep.start(id), sweep.end(id));
      if (area == 0) {
        continue;
      }
      int at = (int) (sweep.tag(id) - pBase);
      pArea[at * nr + r] += area;
    }
  }
}
