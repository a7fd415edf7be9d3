package io.inferwatt.engines.sim;

import io.inferwatt.core.analysis.SensorResponse;
import java.util.Arrays;

/**
 * The true power of the virtual board as back-to-back constant segments on the virtual time axis,
 * with running integrals so that a boxcar mean over any window costs a binary search. Old segments
 * are dropped once no reading can reach them, so a recording of any length uses bounded memory.
 */
final class PowerTrace {

  private static final int RAILS = 3;

  private long[] start = new long[4096];
  private double[] power = new double[4096 * RAILS]; // mW
  private double[] energy = new double[4096 * RAILS]; // mW·ns from the first kept segment's start
  private int count;
  private long endNs;

  PowerTrace(long startNs) {
    endNs = startNs;
  }

  /** The end of the last segment, ns. */
  long endNs() {
    return endNs;
  }

  /** Appends a segment of {@code durationNs} at power {@code p} (in, cpu, gpu). */
  void append(long durationNs, RailPowerMw p) {
    if (durationNs <= 0) {
      return;
    }
    if (count == start.length) {
      start = Arrays.copyOf(start, count * 2);
      power = Arrays.copyOf(power, count * 2 * RAILS);
      energy = Arrays.copyOf(energy, count * 2 * RAILS);
    }
    int i = count++;
    start[i] = endNs;
    for (int r = 0; r < RAILS; r++) {
      double e = 0;
      if (i > 0) {
        e = energy[(i - 1) * RAILS + r] + power[(i - 1) * RAILS + r] * (start[i] - start[i - 1]);
      }
      energy[i * RAILS + r] = e;
      power[i * RAILS + r] = p.rail(r);
    }
    endNs += durationNs;
  }

  /** Drops every segment that ends at or before {@code tNs}. */
  void dropBefore(long tNs) {
    int k = segmentAt(tNs);
    if (k <= 0) {
      return;
    }
    int keep = count - k;
    System.arraycopy(start, k, start, 0, keep);
    System.arraycopy(power, k * RAILS, power, 0, keep * RAILS);
    double[] base = new double[RAILS];
    System.arraycopy(energy, k * RAILS, base, 0, RAILS);
    for (int i = 0; i < keep; i++) {
      for (int r = 0; r < RAILS; r++) {
        energy[i * RAILS + r] = energy[(i + k) * RAILS + r] - base[r];
      }
    }
    count = keep;
  }

  /** Power of rail {@code r} at {@code tNs}, mW. */
  double powerAt(long tNs, int r) {
    return power[segmentAt(tNs) * RAILS + r];
  }

  /** Mean power of rail {@code r} over {@code [fromNs, toNs]}, mW. */
  double meanOver(long fromNs, long toNs, int r) {
    if (toNs <= fromNs) {
      return powerAt(toNs, r);
    }
    return (integral(toNs, r) - integral(fromNs, r)) / (toNs - fromNs);
  }

  /**
   * The reading at {@code tNs} of a sensor with response {@code resp} on rail {@code r}, mW: the
   * power weighted by the response over the lags back to {@code supportNs} (the weights beyond it
   * are left out and the rest scaled back to a sum of 1).
   */
  double responseAt(long tNs, SensorResponse resp, long supportNs, int r) {
    if (supportNs <= 0) {
      return powerAt(tNs, r);
    }
    if (resp.tauNs() == 0) {
      return meanOver(tNs - resp.boxcarNs(), tNs, r);
    }
    long from = tNs - supportNs;
    double sum = 0;
    int i = segmentAt(tNs);
    long hi = tNs;
    while (hi > from) {
      long lo = i == 0 ? from : Math.max(from, start[i]);
      if (hi > lo) {
        sum += power[i * RAILS + r] * (resp.cumulative(tNs - lo) - resp.cumulative(tNs - hi));
      }
      hi = lo;
      if (i == 0) {
        break;
      }
      i--;
    }
    return sum / resp.cumulative(supportNs);
  }

  private double integral(long tNs, int r) {
    int i = segmentAt(tNs);
    long t = Math.max(tNs, start[i]);
    return energy[i * RAILS + r] + power[i * RAILS + r] * (t - start[i]);
  }

  /** The segment containing {@code tNs} (the first one before the trace, the last one after). */
  private int segmentAt(long tNs) {
    if (count == 0) {
      throw new IllegalStateException("the power trace is empty");
    }
    int i = Arrays.binarySearch(start, 0, count, tNs);
    if (i >= 0) {
      return i;
    }
    int ins = -i - 1;
    return Math.max(0, ins - 1);
  }
}
