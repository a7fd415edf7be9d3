package io.inferwatt.engines.feed;

/**
 * How an engine's own relative clock maps onto the monotonic time base: {@code monotonicNs =
 * offsetNs + engineNs}, known to within ±{@code uncertaintyNs}.
 *
 * @param offsetNs monotonic ns of the engine clock's zero
 * @param uncertaintyNs half-width of the interval of offsets consistent with every observation
 * @param observations how many bracketed runs constrained the offset
 * @param consistent false when the observations contradict each other (a clock stepped during the
 *     run); the offset is then their median and the uncertainty their spread
 */
public record ClockAlignment(
    long offsetNs, long uncertaintyNs, int observations, boolean consistent) {

  /** Converts an engine time in µs to monotonic ns. */
  public long toMonotonicNs(long engineUs) {
    return offsetNs + engineUs * 1000;
  }

  /**
   * Aligns ONNX Runtime's profile clock (µs since profiling start) to the monotonic base. The one
   * conversion of that clock in the program.
   *
   * <p>Each run {@code i} was bracketed by {@code System.nanoTime()} before and after {@code
   * session.run}: {@code [startNs[i], endNs[i]]}. The profiler saw it as {@code [tsUs[i], tsUs[i] +
   * durUs[i]]}. Since the profiled run lies inside the bracket, every run bounds the offset: {@code
   * startNs[i] - tsUs[i]·1000 ≤ offset ≤ endNs[i] - (tsUs[i] + durUs[i])·1000}. The offset is the
   * middle of the intersection over all runs, the uncertainty its half-width; the profile's
   * truncation to whole µs widens each bound by 1 µs. Aligning by brackets needs neither clock's
   * epoch (ONNX Runtime's is the wall clock on Linux, a steady clock elsewhere).
   */
  public static ClockAlignment fromBrackets(
      long[] startNs, long[] endNs, long[] tsUs, long[] durUs) {
    int n = startNs.length;
    if (n == 0 || endNs.length != n || tsUs.length != n || durUs.length != n) {
      throw new IllegalArgumentException(
          "alignment needs the same number (> 0) of runs on both clocks");
    }
    long lo = Long.MIN_VALUE;
    long hi = Long.MAX_VALUE;
    long[] mid = new long[n];
    for (int i = 0; i < n; i++) {
      long low = startNs[i] - tsUs[i] * 1000 - 1000;
      long high = endNs[i] - (tsUs[i] + durUs[i]) * 1000 + 1000;
      lo = Math.max(lo, low);
      hi = Math.min(hi, high);
      mid[i] = low + (high - low) / 2;
    }
    if (lo <= hi) {
      return new ClockAlignment(lo + (hi - lo) / 2, (hi - lo + 1) / 2, n, true);
    }
    java.util.Arrays.sort(mid);
    long median = mid[n / 2];
    return new ClockAlignment(median, Math.max(mid[n - 1] - median, median - mid[0]), n, false);
  }
}
