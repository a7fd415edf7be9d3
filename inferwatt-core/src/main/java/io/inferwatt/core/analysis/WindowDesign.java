package io.inferwatt.core.analysis;

import io.inferwatt.core.PowerSample;
import io.inferwatt.core.SampleSource;
import java.util.Iterator;

/** The design matrix: which part of a window each unknown covers. */
final class WindowDesign {
  final long[] starts;
  final long[] ends;
  final int[] slotOf;
  final int count;
  final long maxLenNs;
  final int slots;
  final int k;
  final int tailCol;
  final int gapCol;
  final WindowRange range;
  final long spanStartNs;
  final long spanEndNs;
  final int[] railIdx;

  WindowDesign(LayerLayout l, WindowRange range, long spanStartNs, long spanEndNs, int[] railIdx) {
    this.starts = l.starts;
    this.ends = l.ends;
    this.slotOf = l.slotOf;
    this.count = l.intervalCount;
    long max = 0;
    for (int i = 0; i < count; i++) {
      max = Math.max(max, ends[i] - starts[i]);
    }
    this.maxLenNs = max;
    this.slots = l.slotCount;
    this.k = slots + 2;
    this.tailCol = slots;
    this.gapCol = slots + 1;
    this.range = range;
    this.spanStartNs = spanStartNs;
    this.spanEndNs = spanEndNs;
    this.railIdx = railIdx;
  }

  /** Whether every candidate window of a sample read until {@code endNs} lies in the span. */
  boolean selected(long endNs) {
    return endNs - range.dMax() - range.wMax() >= spanStartNs && endNs - range.dMin() <= spanEndNs;
  }

  /** First interval that can overlap windows starting at or after {@code fromNs}. */
  int advance(int p, long fromNs) {
    while (p < count && starts[p] + maxLenNs <= fromNs) {
      p++;
    }
    return p;
  }

  /** One pass filling the search buffer; returns the samples left out for NaN values. */
  long fill(SampleSource source, WindowBuffer buffer) {
    double[] v = new double[railIdx.length];
    int p = 0;
    int q = 0;
    long nan = 0;
    for (Iterator<PowerSample> it = source.open(); it.hasNext(); ) {
      PowerSample s = it.next();
      long end = s.readEndNs();
      if (!selected(end)) {
        continue;
      }
      if (!values(s, v)) {
        nan++;
        continue;
      }
      p = advance(p, end - range.dMax() - range.wMax());
      long lastEnd = end - range.dMin();
      q = Math.max(q, p);
      while (q < count && starts[q] < lastEnd) {
        q++;
      }
      buffer.offer(end, v, starts, ends, slotOf, p, q);
    }
    return nan;
  }

  private boolean values(PowerSample s, double[] v) {
    for (int r = 0; r < railIdx.length; r++) {
      v[r] = s.powerMw()[railIdx[r]];
      if (!Double.isFinite(v[r])) {
        return false;
      }
    }
    return true;
  }

  /**
   * The normal equations over every {@code thin}-th buffered sample for the response {@code
   * kernel}, offset {@code d}.
   */
  WindowNormal accumulate(WindowBuffer b, WindowKernel kernel, long d, int thin) {
    WindowNormal ne = new WindowNormal(k, b.rails);
    WindowRow row = new WindowRow(k);
    for (int i = 0; i < b.size; i += thin) {
      row(kernel, b.endNs[i] - d, b.locStart, b.locEnd, b.locSlot, b.off[i], b.off[i + 1], row);
      ne.add(row, b.y, i * b.rails);
    }
    return ne;
  }

  /** The normal equations over every sample of {@code source}, streaming. */
  WindowNormal accumulate(SampleSource source, WindowKernel kernel, long d) {
    WindowNormal ne = new WindowNormal(k, railIdx.length);
    WindowRow row = new WindowRow(k);
    double[] v = new double[railIdx.length];
    int p = 0;
    for (Iterator<PowerSample> it = source.open(); it.hasNext(); ) {
      PowerSample s = it.next();
      long end = s.readEndNs();
      if (!selected(end) || !values(s, v)) {
        continue;
      }
      p = advance(p, end - d - kernel.lengthNs);
      row(kernel, end - d, starts, ends, slotOf, p, count, row);
      ne.add(row, v, 0);
    }
    return ne;
  }

  /**
   * Fills {@code row} with the weight of each unknown under the response {@code kernel} read at
   * {@code b} (lag 0): a boxcar weighs the part of {@code [b − W, b)} each unknown covers, an
   * instant sensor the unknown at {@code b}, any other response the integral of its weights over
   * the lags each unknown covers. Scans the intervals {@code [from, to)} of the given arrays
   * (sorted by start).
   */
  void row(
      WindowKernel kernel,
      long b,
      long[] st,
      long[] en,
      int[] sl,
      int from,
      int to,
      WindowRow row) {
    row.clear();
    long a = b - kernel.lengthNs;
    if (kernel.point) {
      for (int j = from; j < to && st[j] <= b; j++) {
        if (en[j] > b) {
          int s = sl[j];
          row.add(s >= 0 ? s : tailCol, 1.0);
          return;
        }
      }
      row.add(gapCol, 1.0);
      return;
    }
    // the intervals that end by the response's start weigh nothing: passed over at once (the scan
    // starts where the longest candidate response could begin)
    int first = from;
    while (first < to && en[first] <= a) {
      first++;
    }
    if (kernel.boxcar) {
      double width = b - a;
      long covered = 0;
      for (int j = first; j < to && st[j] < b; j++) {
        long ov = Math.min(b, en[j]) - Math.max(a, st[j]);
        if (ov > 0) {
          int s = sl[j];
          row.add(s >= 0 ? s : tailCol, ov / width);
          covered += ov;
        }
      }
      long gap = (b - a) - covered;
      if (gap > 0) {
        row.add(gapCol, gap / width);
      }
      return;
    }
    double covered = 0;
    // back-to-back intervals share a boundary: the cumulative weight at the lag where one interval
    // ends is the one where the next begins, so each is computed once (exponentials cost)
    long memoLag = -1;
    double memoCum = 0;
    for (int j = first; j < to && st[j] < b; j++) {
      long lo = Math.max(a, st[j]);
      long hi = Math.min(b, en[j]);
      if (hi > lo) {
        long fromLag = b - hi;
        long toLag = b - lo;
        double cumTo = toLag == memoLag ? memoCum : kernel.cumulative(toLag);
        double cumFrom = kernel.cumulative(fromLag);
        memoLag = fromLag;
        memoCum = cumFrom;
        double wgt = kernel.weight(cumFrom, cumTo);
        if (!(wgt > 0)) {
          continue;
        }
        int s = sl[j];
        row.add(s >= 0 ? s : tailCol, wgt);
        covered += wgt;
      }
    }
    double gap = 1 - covered;
    if (gap > 1e-12) {
      row.add(gapCol, gap);
    }
  }
}
