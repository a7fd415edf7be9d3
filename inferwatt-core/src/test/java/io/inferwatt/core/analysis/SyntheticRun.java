package io.inferwatt.core.analysis;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.LayerEvent;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * A synthetic recording whose per-layer power is known: layers of fixed duration and constant power
 * per rail, a tail, gaps between inferences, an instantaneous sensor with jittered period.
 */
final class SyntheticRun {
  final long[] layerNs;
  final double[][] layerMw; // [layer][rail]
  final double[] tailMw;
  final double[] gapMw;
  final long tailNs;
  final long gapNs;
  final long periodNs;
  final double noiseMw;

  SyntheticRun(
      long[] layerNs,
      double[][] layerMw,
      long tailNs,
      double[] tailMw,
      long gapNs,
      double[] gapMw,
      long periodNs,
      double noiseMw) {
    this.layerNs = layerNs;
    this.layerMw = layerMw;
    this.tailNs = tailNs;
    this.tailMw = tailMw;
    this.gapNs = gapNs;
    this.gapMw = gapMw;
    this.periodNs = periodNs;
    this.noiseMw = noiseMw;
  }

  /** A paper-like network: {@code layers} layers of 0.05–1.2 ms, power 3–7 W on rail 0. */
  static SyntheticRun paperLike(int layers, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    long[] ns = new long[layers];
    double[][] mw = new double[layers][2];
    for (int i = 0; i < layers; i++) {
      ns[i] = 50_000 + r.nextLong(1_150_000);
      mw[i][0] = 3000 + r.nextDouble() * 4000;
      mw[i][1] = 500 + r.nextDouble() * 3000;
    }
    return new SyntheticRun(
        ns,
        mw,
        400_000,
        new double[] {2500, 400},
        1_000_000,
        new double[] {2000, 300},
        1_600_000,
        20);
  }

  long inferenceNs() {
    long s = tailNs;
    for (long d : layerNs) {
      s += d;
    }
    return s;
  }

  /** True power at time offset {@code u} within one cycle (inference + gap). */
  double truth(long u, int rail) {
    long t = u;
    for (int i = 0; i < layerNs.length; i++) {
      if (t < layerNs[i]) {
        return layerMw[i][rail];
      }
      t -= layerNs[i];
    }
    if (t < tailNs) {
      return tailMw[rail];
    }
    return gapMw[rail];
  }

  Timeline record(int cycles, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    EventLog.Builder ev = EventLog.builder();
    long cycleNs = inferenceNs() + gapNs;
    long t0 = 1_000_000_000L;
    for (int c = 0; c < cycles; c++) {
      long s = t0 + c * cycleNs;
      ev.inference(new InferenceEvent(c, s, s + inferenceNs(), 1));
      for (int i = 0; i < layerNs.length; i++) {
        ev.layer(
            new LayerEvent(
                c, i, "layer_" + i, i % 2 == 0 ? "Conv" : "Add", layerNs[i], OptionalLong.empty()));
      }
    }
    List<PowerSample> samples = new ArrayList<>();
    long end = t0 + cycles * cycleNs;
    long t = t0 + r.nextLong(periodNs);
    while (t < end) {
      long u = (t - t0) % cycleNs;
      double[] p = new double[2];
      for (int k = 0; k < 2; k++) {
        p[k] = truth(u, k) + (noiseMw == 0 ? 0 : r.nextDouble(-noiseMw, noiseMw));
      }
      samples.add(PowerSample.at(t, p));
      t += periodNs - periodNs / 10 + r.nextLong(periodNs / 5 + 1);
    }
    return new Timeline(List.of("in", "gpu"), samples, ev.build());
  }
}
