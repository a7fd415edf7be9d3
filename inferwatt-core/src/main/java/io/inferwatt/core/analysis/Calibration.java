package io.inferwatt.core.analysis;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.PowerSample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A board's power sensor checked against an external meter, as the paper did with an oscilloscope.
 * The two clocks have nothing in common, so the meter's log is first aligned with the board's
 * samples by cross-correlation: both are put on a common grid (board samples linearly interpolated
 * between neighbours, meter readings at the middle of their periods), their fluctuations correlated
 * over a range of lags, coarsely on a 10 ms grid and then finely on a 0.25 ms grid around the best,
 * with a parabola through the peak. Then both are averaged over bins of the board's clock ({@code
 * binNs}, 100 ms by default: long enough that the sensor's and the meter's different responses no
 * longer matter, only the mean power) and the board's bin means are fitted to the meter's by least
 * squares:
 *
 * <pre>
 *   board = gain × meter + offset
 * </pre>
 *
 * <p>A reading is corrected as {@code (board − offset) / gain}. The lag includes the sensor's own
 * delay (a 1.1 ms boxcar reports the mean of the last 1.1 ms, about 0.55 ms late).
 */
public final class Calibration {

  private Calibration() {}

  /** Fit of one rail. */
  public record RailFit(
      String rail,
      String channel,
      double gain,
      double offsetMw,
      double lagMs,
      double correlation,
      double residualMw,
      double residualRelative,
      int bins,
      double meterSpreadMw) {

    /** The true power a reading of {@code mw} stands for. */
    public double correct(double mw) {
      return (mw - offsetMw) / gain;
    }
  }

  /**
   * Fits every channel to its rail.
   *
   * @param meterNs the meter's timestamps, ns on its own clock
   * @param meterMw per channel, the meter's readings, mW
   * @param channels the channels' names
   * @param samples the board's samples (monotonic ns)
   * @param railIdx for each channel, the index of its rail in the samples' values
   * @param rails for each channel, the rail's name
   * @param maxLagNs the largest clock difference searched on either side of the logs' starts
   * @param binNs the length of the bins compared
   */
  public static List<RailFit> fit(
      long[] meterNs,
      double[][] meterMw,
      List<String> channels,
      List<PowerSample> samples,
      int[] railIdx,
      List<String> rails,
      long maxLagNs,
      long binNs) {
    if (samples.size() < 10) {
      throw new BadInputException(
          "the samples file has " + samples.size() + " samples; a calibration needs a run");
    }
    long[] bt = new long[samples.size()];
    for (int i = 0; i < bt.length; i++) {
      bt[i] = samples.get(i).tNs();
    }
    long boardGap = gapLimit(bt);
    long meterPeriod = medianStep(meterNs);
    long meterGap = Math.max(4 * meterPeriod, 1);
    List<RailFit> out = new ArrayList<>();
    for (int c = 0; c < channels.size(); c++) {
      double[] bv = new double[bt.length];
      for (int i = 0; i < bt.length; i++) {
        bv[i] = samples.get(i).powerMw()[railIdx[c]];
      }
      // the meter's reading stands for the middle of its period
      long[] mt = new long[meterNs.length];
      for (int i = 0; i < mt.length; i++) {
        mt[i] = meterNs[i] - meterPeriod / 2;
      }
      long guess = bt[0] - mt[0];
      double[] coarse =
          best(bt, bv, boardGap, mt, meterMw[c], meterGap, guess, maxLagNs, 10_000_000L);
      long lag1 = Math.round(coarse[0]);
      double[] fine = best(bt, bv, boardGap, mt, meterMw[c], meterGap, lag1, 20_000_000L, 250_000L);
      long lag = Math.round(fine[0]);
      out.add(binFit(rails.get(c), channels.get(c), bt, bv, mt, meterMw[c], lag, fine[1], binNs));
    }
    return out;
  }

  /** Twice the 99th percentile of the board's steps: a longer step is a gap (logger off). */
  private static long gapLimit(long[] t) {
    long[] d = new long[t.length - 1];
    for (int i = 1; i < t.length; i++) {
      d[i - 1] = t[i] - t[i - 1];
    }
    Arrays.sort(d);
    return Math.max(1, 2 * d[(int) Math.min(d.length - 1, Math.floor(0.99 * d.length))]);
  }

  private static long medianStep(long[] t) {
    long[] d = new long[t.length - 1];
    for (int i = 1; i < t.length; i++) {
      d[i - 1] = t[i] - t[i - 1];
    }
    Arrays.sort(d);
    return d[d.length / 2];
  }

  /**
   * The lag (board time = meter time + lag) in {@code [center − range, center + range]} on a grid
   * of {@code step} whose correlation is highest, refined by a parabola; {lag, correlation}.
   */
  private static double[] best(
      long[] bt,
      double[] bv,
      long bGap,
      long[] mt,
      double[] mv,
      long mGap,
      long center,
      long range,
      long step) {
    // the meter on the grid of its own clock, step apart
    long m0 = mt[0];
    int n = (int) Math.min(Integer.MAX_VALUE - 8, (mt[mt.length - 1] - m0) / step + 1);
    if (n > 50_000_000) {
      throw new BadInputException("the meter log is too long for a calibration; cut it to the run");
    }
    double[] mg = interpolate(mt, mv, mGap, m0, step, n);
    int lags = (int) (range / step);
    double[] corr = new double[2 * lags + 1];
    Arrays.fill(corr, Double.NEGATIVE_INFINITY);
    java.util.stream.IntStream.rangeClosed(-lags, lags)
        .parallel()
        .forEach(
            k -> {
              long lag = center + k * step;
              double[] bg = interpolate(bt, bv, bGap, m0 + lag, step, n);
              corr[k + lags] = pearson(mg, bg);
            });
    int at = 0;
    for (int i = 1; i < corr.length; i++) {
      if (corr[i] > corr[at]) {
        at = i;
      }
    }
    if (!(corr[at] > 0.2)) {
      throw new BadInputException(
          String.format(
              java.util.Locale.ROOT,
              "the meter log and the board's samples do not line up: their best correlation within"
                  + " ±%.1f s of the logs' starts is %.2f; check that they cover the same run (a"
                  + " larger --max-lag if the meter started much earlier or later)",
              range / 1e9,
              corr[at]));
    }
    double shift = 0;
    if (at > 0
        && at < corr.length - 1
        && Double.isFinite(corr[at - 1])
        && Double.isFinite(corr[at + 1])) {
      double a = corr[at - 1];
      double b = corr[at];
      double c = corr[at + 1];
      double den = a - 2 * b + c;
      if (den < 0) {
        shift = Math.max(-0.5, Math.min(0.5, 0.5 * (a - c) / den));
      }
    }
    return new double[] {center + (at - lags + shift) * step, corr[at]};
  }

  /** Values at {@code t0 + i·step}, linear between neighbours; NaN in gaps and outside. */
  private static double[] interpolate(long[] t, double[] v, long gap, long t0, long step, int n) {
    double[] out = new double[n];
    int j = 0;
    for (int i = 0; i < n; i++) {
      long x = t0 + i * step;
      while (j + 1 < t.length && t[j + 1] <= x) {
        j++;
      }
      if (x < t[0] || j + 1 >= t.length || t[j + 1] - t[j] > gap) {
        out[i] = Double.NaN;
        continue;
      }
      double f = (double) (x - t[j]) / (t[j + 1] - t[j]);
      out[i] = v[j] + f * (v[j + 1] - v[j]);
    }
    return out;
  }

  private static double pearson(double[] a, double[] b) {
    double sa = 0;
    double sb = 0;
    long n = 0;
    for (int i = 0; i < a.length; i++) {
      if (!Double.isNaN(a[i]) && !Double.isNaN(b[i])) {
        sa += a[i];
        sb += b[i];
        n++;
      }
    }
    if (n < 10) {
      return Double.NEGATIVE_INFINITY;
    }
    double ma = sa / n;
    double mb = sb / n;
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < a.length; i++) {
      if (!Double.isNaN(a[i]) && !Double.isNaN(b[i])) {
        double x = a[i] - ma;
        double y = b[i] - mb;
        sab += x * y;
        saa += x * x;
        sbb += y * y;
      }
    }
    return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : Double.NEGATIVE_INFINITY;
  }

  /** Bins of {@code binNs} on the board's clock, both means, least squares board on meter. */
  private static RailFit binFit(
      String rail,
      String channel,
      long[] bt,
      double[] bv,
      long[] mt,
      double[] mv,
      long lag,
      double correlation,
      long binNs) {
    long start = Math.max(bt[0], mt[0] + lag);
    long end = Math.min(bt[bt.length - 1], mt[mt.length - 1] + lag);
    int nb = (int) Math.max(0, (end - start) / binNs);
    double[] bs = new double[nb];
    int[] bc = new int[nb];
    double[] ms = new double[nb];
    int[] mc = new int[nb];
    for (int i = 0; i < bt.length; i++) {
      long k = Math.floorDiv(bt[i] - start, binNs);
      if (k >= 0 && k < nb) {
        bs[(int) k] += bv[i];
        bc[(int) k]++;
      }
    }
    for (int i = 0; i < mt.length; i++) {
      long k = Math.floorDiv(mt[i] + lag - start, binNs);
      if (k >= 0 && k < nb) {
        ms[(int) k] += mv[i];
        mc[(int) k]++;
      }
    }
    long meterPeriod = medianStep(mt);
    long boardPeriod = medianStep(bt);
    double needM = 0.9 * binNs / meterPeriod;
    double needB = 0.9 * binNs / boardPeriod;
    List<double[]> pts = new ArrayList<>();
    for (int k = 0; k < nb; k++) {
      if (mc[k] >= Math.max(1, needM) && bc[k] >= Math.max(3, needB)) {
        pts.add(new double[] {ms[k] / mc[k], bs[k] / bc[k]});
      }
    }
    if (pts.size() < 3) {
      throw new BadInputException(
          "the meter log and the board's samples overlap in "
              + pts.size()
              + " whole bins of "
              + binNs / 1_000_000
              + " ms; a calibration needs a longer run (or a shorter --bin-ms)");
    }
    double sx = 0;
    double sy = 0;
    for (double[] p : pts) {
      sx += p[0];
      sy += p[1];
    }
    int n = pts.size();
    double mx = sx / n;
    double my = sy / n;
    double sxx = 0;
    double sxy = 0;
    for (double[] p : pts) {
      sxx += (p[0] - mx) * (p[0] - mx);
      sxy += (p[0] - mx) * (p[1] - my);
    }
    if (!(sxx > 0)) {
      throw new BadInputException(
          "the meter read the same power in every bin: a gain needs the power to vary (record"
              + " a run with an idle phase)");
    }
    double gain = sxy / sxx;
    double offset = my - gain * mx;
    double rss = 0;
    for (double[] p : pts) {
      double r = p[1] - (gain * p[0] + offset);
      rss += r * r;
    }
    double rms = Math.sqrt(rss / Math.max(1, n - 2));
    return new RailFit(
        rail, channel, gain, offset, lag / 1e6, correlation, rms, rms / my, n, Math.sqrt(sxx / n));
  }
}
