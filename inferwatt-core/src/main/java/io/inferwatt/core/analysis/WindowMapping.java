package io.inferwatt.core.analysis;

import io.inferwatt.core.PowerSample;
import io.inferwatt.core.SampleSource;
import io.inferwatt.core.analysis.AnalysisResult.MappingInfo;
import io.inferwatt.core.analysis.AnalysisResult.ResidualPoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.NormOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * The window-aware layer mapping. A power sensor does not report the power at one instant but the
 * mean over an averaging window (the INA3221's conversion time, about 1.1 ms on a Jetson; about 25
 * ms for NVML on an A100). Sample {@code i} is modelled as the mean power over {@code [readEnd_i −
 * W − δ, readEnd_i − δ]}:
 *
 * <pre>
 *   y_i = Σ_k a_ik p_k + noise,   a_ik = (time of the window covered by unknown k) / W
 * </pre>
 *
 * <p>with one unknown power per layer, one for the unattributed tails and one for the time between
 * inferences ({@code K = layers + 2}); the fractions are summed over every cycle a window touches.
 * {@code W = 0} is a point sample at {@code readEnd − δ}. The powers of all layers are fitted at
 * once by least squares through the normal equations {@code AᵀA p = Aᵀy}, accumulated sample by
 * sample (K×K plus one right-hand side per rail: memory does not grow with the samples) and solved
 * with EJML's Cholesky decomposition; confidence intervals come from {@code (AᵀA)⁻¹ σ²} with the
 * residual variance σ².
 *
 * <p>The window is estimated from the data: the residual is smallest at the true window. A coarse
 * grid over {@code (W, δ)}, then a pattern search with shrinking steps, runs on an evenly thinned
 * subset of at most {@value #BUFFER_CAP} samples (bounded memory); the final fit uses every sample.
 * Only samples whose windows lie inside the span of the mapped inferences count, the same set for
 * every candidate window.
 */
final class WindowMapping {

  /** In {@link LayerMapping#AUTO}, a window below this fraction of the shortest layer is nil. */
  static final double NEGLIGIBLE_FRACTION = 0.25;

  /**
   * Largest condition number of the scaled normal equations that still counts as resolvable.
   * Empirical, on synthetic Jetson-like runs: windows of 1.1 and 2.2 ms over 0.05–1.2 ms layers
   * give 2e2–5e2; a window twice as long as an inference, with jittered gaps, 4e4 (per-layer errors
   * mean 5%, worst 60%, with confidence intervals to match); strictly periodic runs, whose windows
   * repeat, 1e14 and more.
   */
  static final double MAX_CONDITION = 1e6;

  /** Samples kept for the window search, at most. */
  static final int BUFFER_CAP = 1 << 13;

  /** Copies of layer intervals kept with the search's samples, at most (20 bytes each). */
  static final int ENTRY_CAP = 1 << 20;

  /** A best window beyond this fraction of the searched range widens the range (×4). */
  static final double RANGE_EDGE = 0.75;

  /** The search covers windows up to at least this, in ns (INA-like sensors). */
  static final long MIN_WINDOW_RANGE_NS = 3_000_000;

  /** A column with less coverage than this many whole samples is left out (not measured). */
  private static final double MIN_COLUMN_SAMPLES = 1.0;

  private static final int COARSE_WINDOWS = 17;
  private static final int COARSE_OFFSETS = 9;
  private static final int MAX_PATTERN_STEPS = 200;
  private static final int COARSE_SAMPLES = 4096;
  private static final double NS_PER_MS = 1e6;

  private WindowMapping() {}

  /**
   * The outcome of the mapping.
   *
   * @param info the method used and what was found about the sensor
   * @param fit per-column powers of the window fit, or null when the paper's numbers apply
   */
  record Outcome(MappingInfo info, Fit fit) {}

  /**
   * The window fit's results, per column: layers {@code 0..slots-1}, then the tail ({@link
   * #tailColumn()}) and the time between inferences ({@link #gapColumn()}).
   *
   * @param powerMw estimate per column and rail, {@link Estimate#NONE} for a column left out
   * @param equivalentSamples samples wholly inside the column giving the same precision, {@code 1 /
   *     [(AᵀA)⁻¹]kk}; NaN for a column left out
   */
  record Fit(int slots, Estimate[][] powerMw, double[] equivalentSamples) {
    int tailColumn() {
      return slots;
    }

    int gapColumn() {
      return slots + 1;
    }
  }

  /**
   * Runs the window-aware mapping.
   *
   * @param source the samples, read several times
   * @param railIdx for each reported rail, its index in the samples' values
   * @param layout the layers of the mapped inferences on the time axis
   * @param spanStartNs start of the first mapped inference
   * @param spanEndNs end of the last mapped inference
   * @param samplePeriodNs median time between samples (NaN when unknown)
   * @param meanLatencyNs mean latency of the mapped inferences
   * @param options mapping mode and window hint
   * @param warnings where problems are reported
   */
  static Outcome map(
      SampleSource source,
      int[] railIdx,
      LayerLayout layout,
      long spanStartNs,
      long spanEndNs,
      double samplePeriodNs,
      double meanLatencyNs,
      AnalysisOptions options,
      List<String> warnings) {
    long hint = options.windowHintNs().orElse(-1);
    long wMax = MIN_WINDOW_RANGE_NS;
    if (samplePeriodNs > 0) {
      wMax = Math.max(wMax, (long) (2 * samplePeriodNs));
    }
    wMax = Math.max(wMax, 2 * hint);
    // a window longer than an eighth of the run leaves too few samples whose windows fit inside
    long limit = Math.max(wMax, (spanEndNs - spanStartNs) / 8);
    Design design;
    Buffer buffer;
    Search search;
    while (true) {
      Range range = new Range(wMax, -wMax / 6, wMax / 2);
      design = new Design(layout, range, spanStartNs, spanEndNs, railIdx);
      buffer = new Buffer(railIdx.length);
      long skippedNaN = design.fill(source, buffer);
      if (buffer.size < 2 * design.k) {
        return paper(
            "too few samples ("
                + buffer.size
                + ") with windows inside the mapped inferences for "
                + design.k
                + " unknowns; the paper's mapping is used");
      }
      search = new Search(design, buffer, range);
      search.run(hint);
      if (search.bestW < RANGE_EDGE * wMax || wMax >= limit) {
        if (skippedNaN > 0) {
          warnings.add(
              skippedNaN
                  + " samples had a rail without a value (NaN) and were left out of the window"
                  + " mapping");
        }
        break;
      }
      // the best window lies at the end of the range: the sensor averages longer; widen
      wMax = Math.min(limit, wMax * 4);
    }
    long w = search.bestW;
    long d = search.bestD;
    double wMs = w / NS_PER_MS;
    double dMs = d / NS_PER_MS;
    List<ResidualPoint> curve = search.curve();

    double shortestNs = shortestLayerNs(layout);
    if (options.mapping() == LayerMapping.AUTO && w < NEGLIGIBLE_FRACTION * shortestNs) {
      String why =
          String.format(
              Locale.ROOT,
              "estimated sensor window %.4f ms is below %.0f%% of the shortest layer (%.4f ms):"
                  + " the sensor is as good as instantaneous and the paper's mapping applies",
              wMs,
              NEGLIGIBLE_FRACTION * 100,
              shortestNs / NS_PER_MS);
      return new Outcome(
          new MappingInfo("paper", 0, 0, wMs, dMs, Double.NaN, true, why, curve), null);
    }

    // every sample: from the buffer when it holds them all, else one more streaming pass
    Normal normal =
        buffer.stride == 1 ? design.accumulate(buffer, w, d, 1) : design.accumulate(source, w, d);
    Solution sol = Solution.of(normal, true);
    if (!sol.choleskyOk || !(sol.condition <= MAX_CONDITION)) {
      String cause =
          w > meanLatencyNs
              ? String.format(
                  Locale.ROOT,
                  "the sensor window (%.3f ms, estimated) is longer than an inference (%.3f ms),"
                      + " so every sample blends whole inferences",
                  wMs,
                  meanLatencyNs / NS_PER_MS)
              : String.format(
                  Locale.ROOT,
                  "the sensor windows (%.3f ms, estimated) cover the layers in too few different"
                      + " ways",
                  wMs);
      String cond =
          sol.choleskyOk
              ? String.format(Locale.ROOT, "condition number %.2g", sol.condition)
              : "the normal equations are singular";
      warnings.add(
          "the window-aware layer mapping cannot resolve the layers: "
              + cause
              + " ("
              + cond
              + "). Per-layer numbers use the paper's mapping instead, which blends neighbouring"
              + " layers. To resolve them: record more cycles, and randomise the gaps between"
              + " inferences (a random pause of up to one sensor window before each inference)"
              + " so that the windows fall on the layers at varying phases (the phase shift of"
              + " Yang et al.)");
      String why = "window fit ill-conditioned (" + cond + "); paper's numbers reported";
      return new Outcome(
          new MappingInfo("paper", 0, 0, wMs, dMs, sol.condition, false, why, curve), null);
    }
    if (w > meanLatencyNs) {
      warnings.add(
          String.format(
              Locale.ROOT,
              "the sensor window (%.3f ms, estimated) is longer than an inference (%.3f ms): the"
                  + " per-layer powers rest on the varying phase of the windows and are less"
                  + " precise; read their confidence intervals. More cycles and randomised gaps"
                  + " between inferences (the phase shift of Yang et al.) narrow them",
              wMs,
              meanLatencyNs / NS_PER_MS));
    }
    String why =
        String.format(
            Locale.ROOT,
            "least-squares fit over %d samples with the estimated window %.4f ms, offset %.4f ms",
            normal.n,
            wMs,
            dMs);
    MappingInfo info =
        new MappingInfo("window", wMs, dMs, wMs, dMs, sol.condition, true, why, curve);
    return new Outcome(info, sol.fit(design.slots));
  }

  /** The paper's mapping, for a reason that does not need a window estimate. */
  static Outcome paper(String reason) {
    return new Outcome(
        new MappingInfo("paper", 0, 0, Double.NaN, Double.NaN, Double.NaN, true, reason, List.of()),
        null);
  }

  /** Mean duration of the shortest layer in ns (infinite without layers). */
  static double shortestLayerNs(LayerLayout layout) {
    double shortest = Double.POSITIVE_INFINITY;
    for (int s = 0; s < layout.slotCount; s++) {
      if (layout.cycles[s] > 0) {
        double dur = layout.durationSumNs[s] / layout.cycles[s];
        if (dur > 0) {
          shortest = Math.min(shortest, dur);
        }
      }
    }
    return shortest;
  }

  /** The searched ranges in ns: window {@code [0, wMax]}, offset {@code [dMin, dMax]}. */
  record Range(long wMax, long dMin, long dMax) {}

  /**
   * Samples kept for the search: every {@code stride}-th selected sample, with a private copy of
   * the layer intervals its candidate windows can touch (the search reads them many times; copied,
   * they sit together in memory instead of scattered over the whole layout). Bounded: at most
   * {@value #BUFFER_CAP} samples and {@value #ENTRY_CAP} interval copies; when full, every other
   * sample is dropped and the stride doubles.
   */
  static final class Buffer {
    final int rails;
    long[] endNs = new long[1024];
    double[] y;
    int[] off = new int[1025]; // sample i's intervals: [off[i], off[i + 1])
    long[] locStart = new long[4096];
    long[] locEnd = new long[4096];
    int[] locSlot = new int[4096];
    int size;
    long stride = 1;
    long seen;

    Buffer(int rails) {
      this.rails = rails;
      this.y = new double[1024 * rails];
    }

    /**
     * Offers one sample read until {@code endNs} with its values and the intervals {@code [from,
     * to)} of the layout that its candidate windows can touch.
     */
    void offer(
        long endNs, double[] values, long[] starts, long[] ends, int[] slots, int from, int to) {
      if (seen++ % stride != 0) {
        return;
      }
      int n = to - from;
      if (size >= 2 && (size == BUFFER_CAP || off[size] + n > ENTRY_CAP)) {
        compact();
        if ((seen - 1) % stride != 0) {
          return;
        }
      }
      if (size == this.endNs.length) {
        int cap = Math.min(BUFFER_CAP, size * 2);
        this.endNs = Arrays.copyOf(this.endNs, cap);
        y = Arrays.copyOf(y, cap * rails);
        off = Arrays.copyOf(off, cap + 1);
      }
      int e = off[size];
      if (e + n > locStart.length) {
        int cap = Math.max(e + n, locStart.length * 2);
        locStart = Arrays.copyOf(locStart, cap);
        locEnd = Arrays.copyOf(locEnd, cap);
        locSlot = Arrays.copyOf(locSlot, cap);
      }
      System.arraycopy(starts, from, locStart, e, n);
      System.arraycopy(ends, from, locEnd, e, n);
      System.arraycopy(slots, from, locSlot, e, n);
      this.endNs[size] = endNs;
      System.arraycopy(values, 0, y, size * rails, rails);
      size++;
      off[size] = e + n;
    }

    /** Keeps every other sample: the buffer stays an even thinning of all samples seen. */
    private void compact() {
      int w = 0;
      int e = 0;
      for (int i = 0; i < size; i += 2, w++) {
        endNs[w] = endNs[i];
        System.arraycopy(y, i * rails, y, w * rails, rails);
        int a = off[i];
        int n = off[i + 1] - a;
        System.arraycopy(locStart, a, locStart, e, n);
        System.arraycopy(locEnd, a, locEnd, e, n);
        System.arraycopy(locSlot, a, locSlot, e, n);
        off[w] = e;
        e += n;
      }
      off[w] = e;
      size = w;
      stride *= 2;
    }
  }

  /** The design matrix: which part of a window each unknown covers. */
  static final class Design {
    final long[] starts;
    final long[] ends;
    final int[] slotOf;
    final int count;
    final long maxLenNs;
    final int slots;
    final int k;
    final int tailCol;
    final int gapCol;
    final Range range;
    final long spanStartNs;
    final long spanEndNs;
    final int[] railIdx;

    Design(LayerLayout l, Range range, long spanStartNs, long spanEndNs, int[] railIdx) {
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
      return endNs - range.dMax() - range.wMax() >= spanStartNs
          && endNs - range.dMin() <= spanEndNs;
    }

    /** First interval that can overlap windows starting at or after {@code fromNs}. */
    int advance(int p, long fromNs) {
      while (p < count && starts[p] + maxLenNs <= fromNs) {
        p++;
      }
      return p;
    }

    /** One pass filling the search buffer; returns the samples left out for NaN values. */
    long fill(SampleSource source, Buffer buffer) {
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
     * The normal equations over every {@code thin}-th buffered sample for window {@code w}, offset
     * {@code d}.
     */
    Normal accumulate(Buffer b, long w, long d, int thin) {
      Normal ne = new Normal(k, b.rails);
      Row row = new Row(k);
      for (int i = 0; i < b.size; i += thin) {
        row(
            b.endNs[i] - d - w,
            b.endNs[i] - d,
            b.locStart,
            b.locEnd,
            b.locSlot,
            b.off[i],
            b.off[i + 1],
            row);
        ne.add(row, b.y, i * b.rails);
      }
      return ne;
    }

    /** The normal equations over every sample of {@code source}, streaming. */
    Normal accumulate(SampleSource source, long w, long d) {
      Normal ne = new Normal(k, railIdx.length);
      Row row = new Row(k);
      double[] v = new double[railIdx.length];
      int p = 0;
      for (Iterator<PowerSample> it = source.open(); it.hasNext(); ) {
        PowerSample s = it.next();
        long end = s.readEndNs();
        if (!selected(end) || !values(s, v)) {
          continue;
        }
        long a = end - d - w;
        p = advance(p, a);
        row(a, end - d, starts, ends, slotOf, p, count, row);
        ne.add(row, v, 0);
      }
      return ne;
    }

    /**
     * Fills {@code row} with the fractions of window {@code [a, b)} each unknown covers; {@code a
     * == b} is a point sample at {@code b}. Scans the intervals {@code [from, to)} of the given
     * arrays (sorted by start).
     */
    void row(long a, long b, long[] st, long[] en, int[] sl, int from, int to, Row row) {
      row.clear();
      if (a == b) {
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
      double width = b - a;
      long covered = 0;
      for (int j = from; j < to && st[j] < b; j++) {
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
    }
  }

  /** A sparse row of the design matrix over a dense scratch array. */
  static final class Row {
    final double[] vals;
    final int[] cols;
    int m;

    Row(int k) {
      vals = new double[k];
      cols = new int[k];
    }

    void add(int col, double v) {
      if (vals[col] == 0) {
        cols[m++] = col;
      }
      vals[col] += v;
    }

    /** Sorts the touched columns ascending (rows touch few columns); returns their count. */
    int sortColumns() {
      for (int i = 1; i < m; i++) {
        int c = cols[i];
        int j = i - 1;
        while (j >= 0 && cols[j] > c) {
          cols[j + 1] = cols[j];
          j--;
        }
        cols[j + 1] = c;
      }
      return m;
    }

    void clear() {
      for (int i = 0; i < m; i++) {
        vals[cols[i]] = 0;
      }
      m = 0;
    }
  }

  /** The normal equations, accumulated sample by sample; size independent of the samples. */
  static final class Normal {
    final int k;
    final int rails;
    final double[] ata; // upper triangle, row-major k×k
    final double[] aty; // k×rails
    final double[] yty;
    final double[] ySum;
    final double[] colSum;
    long n;

    Normal(int k, int rails) {
      this.k = k;
      this.rails = rails;
      ata = new double[k * k];
      aty = new double[k * rails];
      yty = new double[rails];
      ySum = new double[rails];
      colSum = new double[k];
    }

    void add(Row row, double[] y, int yOff) {
      n++;
      int m = row.sortColumns();
      int[] cols = row.cols;
      double[] vals = row.vals;
      for (int i = 0; i < m; i++) {
        int ci = cols[i];
        double vi = vals[ci];
        colSum[ci] += vi;
        int base = ci * k;
        for (int j = i; j < m; j++) {
          int cj = cols[j];
          ata[base + cj] += vi * vals[cj];
        }
        for (int r = 0; r < rails; r++) {
          aty[ci * rails + r] += vi * y[yOff + r];
        }
      }
      for (int r = 0; r < rails; r++) {
        double v = y[yOff + r];
        yty[r] += v * v;
        ySum[r] += v;
      }
    }
  }

  /** The least-squares solution of one set of normal equations. */
  static final class Solution {
    final Normal ne;
    final int[] active;
    final DMatrixRMaj x; // active × rails
    final double[] rss;
    final boolean choleskyOk;
    double[] invDiag;
    double condition = Double.NaN;

    private Solution(Normal ne, int[] active, DMatrixRMaj x, double[] rss, boolean ok) {
      this.ne = ne;
      this.active = active;
      this.x = x;
      this.rss = rss;
      this.choleskyOk = ok;
    }

    static Solution of(Normal ne, boolean withStats) {
      int k = ne.k;
      int[] act = new int[k];
      int m = 0;
      for (int c = 0; c < k; c++) {
        if (ne.colSum[c] >= MIN_COLUMN_SAMPLES) {
          act[m++] = c;
        }
      }
      int[] active = Arrays.copyOf(act, m);
      DMatrixRMaj a = new DMatrixRMaj(m, m);
      DMatrixRMaj b = new DMatrixRMaj(m, ne.rails);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < m; j++) {
          int ci = Math.min(active[i], active[j]);
          int cj = Math.max(active[i], active[j]);
          a.unsafe_set(i, j, ne.ata[ci * k + cj]);
        }
        for (int r = 0; r < ne.rails; r++) {
          b.unsafe_set(i, r, ne.aty[active[i] * ne.rails + r]);
        }
      }
      DMatrixRMaj x = new DMatrixRMaj(m, ne.rails);
      LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.chol(m);
      boolean ok = m > 0 && chol.setA(a.copy());
      if (ok) {
        chol.solve(b.copy(), x);
        ok = Double.isFinite(x.data.length == 0 ? 0 : sumAbs(x));
      }
      if (!ok && m > 0) {
        LinearSolverDense<DMatrixRMaj> pinv = LinearSolverFactory_DDRM.pseudoInverse(true);
        pinv.setA(a.copy());
        pinv.solve(b.copy(), x);
      }
      double[] rss = new double[ne.rails];
      for (int r = 0; r < ne.rails; r++) {
        double fit = 0;
        for (int i = 0; i < m; i++) {
          fit += x.unsafe_get(i, r) * b.unsafe_get(i, r);
        }
        rss[r] = Math.max(0, ne.yty[r] - fit);
      }
      Solution s = new Solution(ne, active, x, rss, ok);
      if (withStats && m > 0) {
        s.condition = scaledCondition(a);
        if (ok) {
          DMatrixRMaj inv = new DMatrixRMaj(m, m);
          chol.invert(inv);
          s.invDiag = new double[m];
          for (int i = 0; i < m; i++) {
            s.invDiag[i] = inv.unsafe_get(i, i);
          }
        }
      }
      return s;
    }

    private static double sumAbs(DMatrixRMaj x) {
      double s = 0;
      for (double v : x.data) {
        s += Math.abs(v);
      }
      return s;
    }

    /** Condition number of {@code D^-1/2 A D^-1/2}, D = diag(A): collinearity, not scale. */
    private static double scaledCondition(DMatrixRMaj a) {
      int m = a.numRows;
      DMatrixRMaj s = new DMatrixRMaj(m, m);
      double[] inv = new double[m];
      for (int i = 0; i < m; i++) {
        inv[i] = 1 / Math.sqrt(a.unsafe_get(i, i));
      }
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < m; j++) {
          s.unsafe_set(i, j, a.unsafe_get(i, j) * inv[i] * inv[j]);
        }
      }
      return NormOps_DDRM.conditionP2(s);
    }

    /** Σ over rails of RSS / TSS (rails without variation are left out). */
    double relativeResidual() {
      double sum = 0;
      for (int r = 0; r < ne.rails; r++) {
        double tss = ne.yty[r] - ne.ySum[r] * ne.ySum[r] / ne.n;
        if (tss > 0) {
          sum += rss[r] / tss;
        }
      }
      return sum;
    }

    Fit fit(int slots) {
      int k = ne.k;
      int rails = ne.rails;
      Estimate[][] p = new Estimate[k][rails];
      double[] eq = new double[k];
      Arrays.fill(eq, Double.NaN);
      for (Estimate[] row : p) {
        Arrays.fill(row, Estimate.NONE);
      }
      long dof = ne.n - active.length;
      double t = StudentT.quantile975(dof);
      for (int i = 0; i < active.length; i++) {
        int c = active[i];
        eq[c] = 1 / invDiag[i];
        long n = Math.max(1, Math.round(eq[c]));
        for (int r = 0; r < rails; r++) {
          double mean = x.unsafe_get(i, r);
          if (dof < 1) {
            p[c][r] = new Estimate(mean, Double.NaN, Double.NaN, n);
            continue;
          }
          double half = t * Math.sqrt(rss[r] / dof * invDiag[i]);
          p[c][r] = new Estimate(mean, mean - half, mean + half, n);
        }
      }
      return new Fit(slots, p, eq);
    }
  }

  /**
   * The window search over the buffered samples: a coarse grid over {@code (W, δ)} on a thinned
   * subset of at most {@value #COARSE_SAMPLES} samples, then a pattern search (the 8 neighbours;
   * move to the best, else halve the steps) on the whole buffer.
   */
  static final class Search {
    private final Design design;
    private final Buffer buffer;
    private final Range range;
    private final Map<List<Long>, Double> coarse = new HashMap<>();
    private final Map<List<Long>, Double> fine = new HashMap<>();
    private final long[] gridW = new long[COARSE_WINDOWS];
    private final long[] gridD = new long[COARSE_OFFSETS];
    long bestW;
    long bestD;
    private double best;
    int evaluations;

    Search(Design design, Buffer buffer, Range range) {
      this.design = design;
      this.buffer = buffer;
      this.range = range;
      for (int i = 0; i < COARSE_WINDOWS; i++) {
        gridW[i] = range.wMax() * i / (COARSE_WINDOWS - 1);
      }
      for (int i = 0; i < COARSE_OFFSETS; i++) {
        gridD[i] = range.dMin() + (range.dMax() - range.dMin()) * i / (COARSE_OFFSETS - 1);
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
      int thin = (int) Math.max(1, buffer.size / COARSE_SAMPLES);
      best = Double.POSITIVE_INFINITY;
      evaluate(grid, coarse, thin);
      best = Double.POSITIVE_INFINITY;
      evaluate(List.of(new long[] {bestW, bestD}), fine, 1);
      long sw = Math.max(1, (gridW[1] - gridW[0]) / 2);
      long sd = Math.max(1, (gridD[1] - gridD[0]) / 2);
      long minStep = Math.max(1000, range.wMax() / 20_000);
      for (int step = 0; step < MAX_PATTERN_STEPS; step++) {
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
                      Solution.of(design.accumulate(buffer, c[0], c[1], thin), false)
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
        out.add(new ResidualPoint(w / NS_PER_MS, at / NS_PER_MS, f));
      }
      return out;
    }
  }
}
