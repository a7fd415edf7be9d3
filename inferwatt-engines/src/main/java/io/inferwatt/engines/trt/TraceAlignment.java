package io.inferwatt.engines.trt;

import io.inferwatt.core.PowerSample;
import io.inferwatt.engines.feed.ClockAlignment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Places trtexec's relative times on the monotonic base by cross-correlating its compute windows
 * with a power trace: the GPU draws more while it computes, so the offset at which the windows
 * cover the most above-average power is where they ran.
 *
 * <p>For an offset {@code o} the score is {@code Σ_windows Σ_{samples in [o + start, o + end)} (p −
 * p̄)}, computed from prefix sums with two binary searches per window. The search runs on a grid of
 * one sample period over {@code [fromNs, toNs]}, then on a grid of a tenth of a period around the
 * best point. The uncertainty is one sample period: the trace cannot resolve finer. Windows should
 * be irregular (real runs are); strictly periodic windows make every multiple of the period fit
 * almost as well.
 */
final class TraceAlignment {

  private TraceAlignment() {}

  /**
   * The offset {@code o} with {@code monotonicNs = o + ms × 10⁶}.
   *
   * @param windowsMs compute windows {@code [start, end]} in ms since trtexec's run start (e.g.
   *     {@code startComputeMs}, {@code endComputeMs} of every iteration)
   * @param samples the power trace, increasing in time
   * @param rail the rail to correlate with (the GPU rail, or the board's total)
   * @param fromNs earliest monotonic ns the run can have started (a mark taken before trtexec)
   * @param toNs latest monotonic ns it can have started
   */
  public static ClockAlignment align(
      List<double[]> windowsMs, List<PowerSample> samples, int rail, long fromNs, long toNs) {
    int n = samples.size();
    if (n < 2 || windowsMs.isEmpty() || toNs < fromNs) {
      throw new IllegalArgumentException(
          "alignment needs windows, at least 2 samples and fromNs <= toNs");
    }
    long[] t = new long[n];
    double mean = 0;
    for (int i = 0; i < n; i++) {
      t[i] = samples.get(i).tNs();
      mean += samples.get(i).powerMw(rail);
    }
    mean /= n;
    double[] prefix = new double[n + 1];
    for (int i = 0; i < n; i++) {
      prefix[i + 1] = prefix[i] + samples.get(i).powerMw(rail) - mean;
    }
    long period = Math.max(1, (t[n - 1] - t[0]) / (n - 1));
    long[] starts = new long[windowsMs.size()];
    long[] ends = new long[windowsMs.size()];
    for (int w = 0; w < starts.length; w++) {
      starts[w] = Math.round(windowsMs.get(w)[0] * 1e6);
      ends[w] = Math.round(windowsMs.get(w)[1] * 1e6);
    }
    long best = fromNs;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (long o = fromNs; o <= toNs; o += period) {
      double s = score(o, starts, ends, t, prefix);
      if (s > bestScore) {
        bestScore = s;
        best = o;
      }
    }
    long step = Math.max(1, period / 10);
    long center = best;
    for (long o = center - period; o <= center + period; o += step) {
      double s = score(o, starts, ends, t, prefix);
      if (s > bestScore) {
        bestScore = s;
        best = o;
      }
    }
    return new ClockAlignment(best, period, starts.length, bestScore > 0);
  }

  private static double score(long offset, long[] starts, long[] ends, long[] t, double[] prefix) {
    double s = 0;
    for (int w = 0; w < starts.length; w++) {
      int a = lowerBound(t, offset + starts[w]);
      int b = lowerBound(t, offset + ends[w]);
      s += prefix[b] - prefix[a];
    }
    return s;
  }

  /** First index with {@code t[i] >= x}. */
  private static int lowerBound(long[] t, long x) {
    int lo = 0;
    int hi = t.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (t[mid] < x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Places one pass on the monotonic base: the launch bracket always, the power trace where there
   * is one with samples inside the pass; the tighter of the two consistent placements wins.
   *
   * @param rail the rail to correlate with, or -1 for none
   */
  static TrtexecRecorder.PassAlignment place(
      String phase,
      List<Trtexec.Iteration> it,
      long launchNs,
      long exitNs,
      List<PowerSample> samples,
      int rail) {
    double lastMs = 0;
    for (Trtexec.Iteration i : it) {
      lastMs = Math.max(lastMs, Math.max(i.endD2hMs(), Math.max(i.endEnqMs(), i.endComputeMs())));
    }
    // The run started after the launch and its last iteration ended before the exit was seen.
    ClockAlignment bracket =
        ClockAlignment.fromBrackets(
            new long[] {launchNs},
            new long[] {exitNs},
            new long[] {0},
            new long[] {(long) Math.ceil(lastMs * 1000)});
    if (rail < 0 || it.isEmpty()) {
      return new TrtexecRecorder.PassAlignment(
          phase, bracket, "launch bracket", bracket, Optional.empty());
    }
    List<PowerSample> inside =
        samples.stream().filter(s -> s.tNs() >= launchNs && s.tNs() <= exitNs).toList();
    if (inside.size() < 2) {
      return new TrtexecRecorder.PassAlignment(
          phase, bracket, "launch bracket", bracket, Optional.empty());
    }
    List<double[]> windows = new ArrayList<>(it.size());
    for (Trtexec.Iteration i : it) {
      windows.add(new double[] {i.startComputeMs(), i.endComputeMs()});
    }
    long lo = launchNs;
    long hi = Math.max(lo, exitNs - Math.round(lastMs * 1e6));
    ClockAlignment trace = TraceAlignment.align(windows, inside, rail, lo, hi);
    boolean useTrace =
        trace.consistent()
            && (!bracket.consistent() || trace.uncertaintyNs() < bracket.uncertaintyNs());
    return new TrtexecRecorder.PassAlignment(
        phase,
        useTrace ? trace : bracket,
        useTrace ? "power trace" : "launch bracket",
        bracket,
        Optional.of(trace));
  }
}
