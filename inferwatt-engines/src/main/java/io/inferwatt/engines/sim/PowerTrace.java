package io.inferwatt.engines.sim;

import io.inferwatt.core.analysis.SensorResponse;
import java.util.Arrays;

/**
 * The true power of the virtual board as back-to-back constant segments on the virtual time axis,
 * with running integrals so that a boxcar mean over any window costs a binary search. Old segments
 * are dropped once no reading can reach them, so a recording of any length uses bounded memory.
 */
final class PowerTrace {

  private final int rails;
  private long[] start = new long[4096];
  private double[] power; // mW
  private double[] energy; // mW·ns from the first kept segment's start
  private final double[] dropped; // mW·ns of the segments dropped so far, per rail
  private int count;
  private long endNs;

  /** A trace of the Nano's three rails (in, cpu, gpu). */
  PowerTrace(long startNs) {
    this(startNs, 3);
  }

  /** A trace of {@code rails} rails. */
  PowerTrace(long startNs, int rails) {
    this.rails = rails;
    this.power = new double[4096 * rails];
    this.energy = new double[4096 * rails];
    this.dropped = new double[rails];
    endNs = startNs;
  }

  /** The end of the last segment, ns. */
  long endNs() {
    return endNs;
  }

  /** Appends a segment of {@code durationNs} at power {@code p} (in, cpu, gpu). */
  void append(long durationNs, RailPowerMw p) {
    append(durationNs, p.toArray());
  }

  /** Appends a segment of {@code durationNs} at power {@code p}, one value per rail (mW). */
  void append(long durationNs, double[] p) {
    if (durationNs <= 0) {
      return;
    }
    if (count == start.length) {
      start = Arrays.copyOf(start, count * 2);
      power = Arrays.copyOf(power, count * 2 * rails);
      energy = Arrays.copyOf(energy, count * 2 * rails);
    }
    int i = count++;
    start[i] = endNs;
    for (int r = 0; r < rails; r++) {
      double e = 0;
      if (i > 0) {
        e = energy[(i - 1) * rails + r] + power[(i - 1) * rails + r] * (start[i] - start[i - 1]);
      }
      energy[i * rails + r] = e;
      power[i * rails + r] = p[r];
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
    System.arraycopy(power, k * rails, power, 0, keep * rails);
    double[] base = new double[rails];
    System.arraycopy(energy, k * rails, base, 0, rails);
    for (int r = 0; r < rails; r++) {
      dropped[r] += base[r];
    }
    for (int i = 0; i < keep; i++) {
      for (int r = 0; r < rails; r++) {
        energy[i * rails + r] = energy[(i + k) * rails + r] - base[r];
      }
    }
    count = keep;
  }

  /** Power of rail {@code r} at {@code tNs}, mW. */
  double powerAt(long tNs, int r) {
    return power[segmentAt(tNs) * rails + r];
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
        sum += power[i * rails + r] * (resp.cumulative(tNs - lo) - resp.cumulative(tNs - hi));
      }
      hi = lo;
      if (i == 0) {
        break;
      }
      i--;
    }
    return sum / resp.cumulative(supportNs);
  }

  /**
   * Energy of rail {@code r} from the trace's start to {@code tNs} (at or after the first kept
   * segment's start), mJ.
   */
  double energyMjTo(long tNs, int r) {
    return (dropped[r] + integral(tNs, r)) / 1e9;
  }

  private double integral(long tNs, int r) {
    int i = segmentAt(tNs);
    long t = Math.max(tNs, start[i]);
    return energy[i * rails + r] + power[i * rails + r] * (t - start[i]);
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
