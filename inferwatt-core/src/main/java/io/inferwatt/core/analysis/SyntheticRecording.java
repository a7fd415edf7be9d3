package io.inferwatt.core.analysis;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.LayerEvent;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;

/**
 * A synthetic layer-phase recording with known truth, for the window-mapping tests and {@link
 * MappingBench}: a network of layers with a constant power per layer and rail, inferences with
 * jittered layer times and gaps, and a power sensor that reports the mean power over a window
 * {@code [readEnd − window − offset, readEnd − offset]} (a point when the window is 0), with
 * Gaussian noise and quantisation. Deterministic for a given seed.
 */
final class SyntheticRecording {

  static final List<String> RAILS = List.of("in", "gpu", "cpu");

  /**
   * What to generate. Times in ms, powers in mW.
   *
   * @param layers layers per inference
   * @param cycles inferences
   * @param minLayerMs shortest layer (one layer gets exactly this)
   * @param maxLayerMs longest layer (one layer gets exactly this); the rest log-uniform between
   * @param inferenceMs when finite, layer times are scaled so that they add up to this
   * @param tailMs unattributed time after the last layer
   * @param durationJitter relative standard deviation of layer and tail times per cycle
   * @param gapMs pause between inferences
   * @param gapJitterMs uniform extra pause in {@code [0, gapJitterMs)}
   * @param cycleMs when finite, each cycle (gap + inference) takes exactly this (no gap jitter)
   * @param periodMs time between sensor reads
   * @param periodJitterMs standard deviation of that time
   * @param readMs how long one read takes
   * @param readJitterMs uniform jitter of the read time in {@code ±readJitterMs}
   * @param windowMs the sensor's averaging window (0 = instantaneous)
   * @param offsetMs the window's end before the read's end
   * @param noiseMw standard deviation of the sensor noise
   * @param quantumMw the sensor's resolution (0 = none)
   * @param seed random seed
   */
  record Config(
      int layers,
      int cycles,
      double minLayerMs,
      double maxLayerMs,
      double inferenceMs,
      double tailMs,
      double durationJitter,
      double gapMs,
      double gapJitterMs,
      double cycleMs,
      double periodMs,
      double periodJitterMs,
      double readMs,
      double readJitterMs,
      double windowMs,
      double offsetMs,
      double noiseMw,
      double quantumMw,
      long seed) {

    /** A Jetson-Nano-like run: INA3221 read every 1.6 ms, 7 mW resolution. */
    static Config jetson(int layers, int cycles, double windowMs, long seed) {
      return new Config(
          layers,
          cycles,
          0.05,
          1.2,
          Double.NaN,
          0.2,
          0.03,
          1.0,
          2.0,
          Double.NaN,
          1.6,
          0.05,
          0.1,
          0.005,
          windowMs,
          0.1,
          5,
          7,
          seed);
    }

    Config withCycles(int n) {
      return new Config(
          layers,
          n,
          minLayerMs,
          maxLayerMs,
          inferenceMs,
          tailMs,
          durationJitter,
          gapMs,
          gapJitterMs,
          cycleMs,
          periodMs,
          periodJitterMs,
          readMs,
          readJitterMs,
          windowMs,
          offsetMs,
          noiseMw,
          quantumMw,
          seed);
    }

    Config withInferenceMs(double ms) {
      return new Config(
          layers,
          cycles,
          minLayerMs,
          maxLayerMs,
          ms,
          tailMs,
          durationJitter,
          gapMs,
          gapJitterMs,
          cycleMs,
          periodMs,
          periodJitterMs,
          readMs,
          readJitterMs,
          windowMs,
          offsetMs,
          noiseMw,
          quantumMw,
          seed);
    }

    /** Strictly periodic: no jitter anywhere, each cycle exactly {@code cycle} ms. */
    Config regular(double cycle) {
      return new Config(
          layers,
          cycles,
          minLayerMs,
          maxLayerMs,
          inferenceMs,
          tailMs,
          0,
          gapMs,
          0,
          cycle,
          periodMs,
          0,
          readMs,
          0,
          windowMs,
          offsetMs,
          noiseMw,
          quantumMw,
          seed);
    }
  }

  /**
   * A generated recording and its truth.
   *
   * @param timeline samples and events
   * @param layerPowerMw true power per layer and rail
   * @param tailPowerMw true power of the unattributed tail per rail
   * @param gapPowerMw true power between inferences per rail
   * @param layerMs nominal duration per layer
   */
  record Recording(
      Timeline timeline,
      double[][] layerPowerMw,
      double[] tailPowerMw,
      double[] gapPowerMw,
      double[] layerMs) {}

  private SyntheticRecording() {}

  static Recording generate(Config c) {
    return generate(c, 0, 0);
  }

  /**
   * A recording from a sensor with a first-order low-pass in its response: with {@code lowPassMs >
   * 0} a reading is a first-order low-pass (time constant {@code lowPassMs}) at {@code readEnd −
   * offset} of the power (window 0) or of the window mean (window > 0: a boxcar followed by a
   * low-pass), computed exactly from the segments (not through {@link SensorResponse}); with {@code
   * driftMwPerS} every reading carries an offset growing by that much per second of the run.
   */
  static Recording generate(Config c, double lowPassMs, double driftMwPerS) {
    Random rnd = new Random(c.seed());
    int nl = c.layers();
    int nr = RAILS.size();
    double[] layerMs = new double[nl];
    double logMin = Math.log(c.minLayerMs());
    double logMax = Math.log(c.maxLayerMs());
    for (int l = 0; l < nl; l++) {
      layerMs[l] = Math.exp(logMin + (logMax - logMin) * rnd.nextDouble());
    }
    layerMs[rnd.nextInt(nl)] = c.minLayerMs();
    if (Double.isFinite(c.inferenceMs())) {
      double sum = Arrays.stream(layerMs).sum();
      for (int l = 0; l < nl; l++) {
        layerMs[l] *= c.inferenceMs() / sum;
      }
    } else {
      int at = rnd.nextInt(nl);
      if (layerMs[at] != c.minLayerMs()) {
        layerMs[at] = c.maxLayerMs();
      }
    }
    // levels: 0..nl-1 layers, nl tail, nl+1 gap; rails in, gpu, cpu
    double[][] level = new double[nl + 2][nr];
    for (int l = 0; l < nl; l++) {
      double gpu = 400 + 3600 * rnd.nextDouble();
      double cpu = 300 + 900 * rnd.nextDouble();
      level[l] = new double[] {1500 + 1.15 * (gpu + cpu), gpu, cpu};
    }
    level[nl] = new double[] {1500 + 1.15 * (800 + 900), 800, 900};
    level[nl + 1] = new double[] {1500 + 1.15 * (150 + 600), 150, 600};

    int segCap = 2 + c.cycles() * (nl + 2);
    long[] segStart = new long[segCap + 1];
    int[] segLevel = new int[segCap];
    int segs = 0;
    EventLog.Builder events = EventLog.builder();
    long t = 1_000_000_000L;
    long lead = (long) (Math.max(50, 4 * (c.windowMs() + c.offsetMs())) * 1e6);
    segStart[segs] = t;
    segLevel[segs++] = nl + 1;
    t += lead;
    long[] durNs = new long[nl];
    for (int cyc = 0; cyc < c.cycles(); cyc++) {
      long inf = 0;
      for (int l = 0; l < nl; l++) {
        double ms = layerMs[l] * (1 + c.durationJitter() * rnd.nextGaussian());
        durNs[l] = Math.max(1000, Math.round(Math.max(0.2 * layerMs[l], ms) * 1e6));
        inf += durNs[l];
      }
      long tailNs =
          Math.max(0, Math.round(c.tailMs() * (1 + c.durationJitter() * rnd.nextGaussian()) * 1e6));
      inf += tailNs;
      long gapNs;
      if (Double.isFinite(c.cycleMs())) {
        gapNs = Math.round(c.cycleMs() * 1e6) - inf;
        if (gapNs < 0) {
          throw new IllegalArgumentException(
              "cycle " + c.cycleMs() + " ms is shorter than an inference");
        }
      } else {
        gapNs = Math.round((c.gapMs() + c.gapJitterMs() * rnd.nextDouble()) * 1e6);
      }
      if (cyc > 0) {
        segStart[segs] = t;
        segLevel[segs++] = nl + 1;
      }
      t += gapNs;
      long start = t;
      for (int l = 0; l < nl; l++) {
        segStart[segs] = t;
        segLevel[segs++] = l;
        events.layer(new LayerEvent(cyc, l, "layer" + l, "Conv", durNs[l], OptionalLong.empty()));
        t += durNs[l];
      }
      segStart[segs] = t;
      segLevel[segs++] = nl;
      t += tailNs;
      events.inference(new InferenceEvent(cyc, start, t, 1));
    }
    segStart[segs] = t;
    segLevel[segs++] = nl + 1;
    t += lead;
    segStart[segs] = t; // end of the last segment

    // energy at each segment start, per rail (mW·ns)
    double[][] energy = new double[nr][segs + 1];
    for (int r = 0; r < nr; r++) {
      for (int j = 0; j < segs; j++) {
        energy[r][j + 1] = energy[r][j] + level[segLevel[j]][r] * (segStart[j + 1] - segStart[j]);
      }
    }

    // the low-pass output at each segment start, per rail: y ← p + (y − p)·e^(−Δ/τ)
    double tauNs = lowPassMs * 1e6;
    double[][] lowPass = new double[nr][segs + 1];
    if (tauNs > 0) {
      for (int r = 0; r < nr; r++) {
        lowPass[r][0] = level[segLevel[0]][r];
        for (int j = 0; j < segs; j++) {
          double lv = level[segLevel[j]][r];
          lowPass[r][j + 1] =
              lv + (lowPass[r][j] - lv) * Math.exp(-(segStart[j + 1] - segStart[j]) / tauNs);
        }
      }
    }
    // the low-pass of the cumulative energy at each segment start, per rail (boxcar then low-pass:
    // the low-pass of the window mean is (LE(e) − LE(e − W)) / W, the filter being linear)
    double[][] lowPassEnergy = new double[nr][segs + 1];
    if (tauNs > 0) {
      for (int r = 0; r < nr; r++) {
        lowPassEnergy[r][0] = energy[r][0] - level[segLevel[0]][r] * tauNs;
        for (int j = 0; j < segs; j++) {
          double lv = level[segLevel[j]][r];
          double dt = segStart[j + 1] - segStart[j];
          double steady = energy[r][j] - lv * tauNs;
          lowPassEnergy[r][j + 1] =
              energy[r][j + 1]
                  - lv * tauNs
                  + (lowPassEnergy[r][j] - steady) * Math.exp(-dt / tauNs);
        }
      }
    }
    List<PowerSample> samples = new ArrayList<>();
    long first = segStart[0] + (long) ((c.windowMs() + c.offsetMs() + c.readMs()) * 1e6) + 1;
    long last = segStart[segs] - (long) (c.readMs() * 2e6);
    double windowNs = c.windowMs() * 1e6;
    long offsetNs = Math.round(c.offsetMs() * 1e6);
    double ts = first;
    long prev = Long.MIN_VALUE;
    while (ts < last) {
      long readStart = (long) ts;
      if (readStart > prev) {
        long readEnd =
            readStart
                + Math.round((c.readMs() + c.readJitterMs() * (2 * rnd.nextDouble() - 1)) * 1e6);
        long e = readEnd - offsetNs;
        double[] p = new double[nr];
        for (int r = 0; r < nr; r++) {
          double v;
          if (tauNs > 0 && windowNs > 0) {
            long a = Math.round(e - windowNs);
            v =
                (lowPassEnergyAt(
                            lowPassEnergy[r],
                            energy[r],
                            segStart,
                            segLevel,
                            level,
                            r,
                            segs,
                            e,
                            tauNs)
                        - lowPassEnergyAt(
                            lowPassEnergy[r],
                            energy[r],
                            segStart,
                            segLevel,
                            level,
                            r,
                            segs,
                            a,
                            tauNs))
                    / (e - a);
          } else if (tauNs > 0) {
            int j = segmentAt(segStart, segs, e);
            double lv = level[segLevel[j]][r];
            v = lv + (lowPass[r][j] - lv) * Math.exp(-(e - segStart[j]) / tauNs);
          } else if (windowNs <= 0) {
            v = level[segLevel[segmentAt(segStart, segs, e)]][r];
          } else {
            long a = Math.round(e - windowNs);
            v =
                (energyAt(energy[r], segStart, segLevel, level, r, segs, e)
                        - energyAt(energy[r], segStart, segLevel, level, r, segs, a))
                    / (e - a);
          }
          v += c.noiseMw() * rnd.nextGaussian() + driftMwPerS * (e - segStart[0]) / 1e9;
          if (c.quantumMw() > 0) {
            v = Math.round(v / c.quantumMw()) * c.quantumMw();
          }
          p[r] = v;
        }
        samples.add(new PowerSample(readStart, readStart, readEnd, p));
        prev = readStart;
      }
      double periodMs = c.periodMs() + c.periodJitterMs() * rnd.nextGaussian();
      ts += Math.max(0.2 * c.periodMs(), periodMs) * 1e6;
    }
    double[][] layerPower = Arrays.copyOf(level, nl);
    return new Recording(
        new Timeline(RAILS, samples, events.build()),
        layerPower,
        level[nl],
        level[nl + 1],
        layerMs);
  }

  private static int segmentAt(long[] segStart, int segs, long t) {
    int j = Arrays.binarySearch(segStart, 0, segs, t);
    return j >= 0 ? j : Math.max(0, -j - 2);
  }

  /** The low-pass (time constant {@code tauNs}) of the cumulative energy at {@code t}. */
  private static double lowPassEnergyAt(
      double[] lowPassEnergy,
      double[] energy,
      long[] segStart,
      int[] segLevel,
      double[][] level,
      int r,
      int segs,
      long t,
      double tauNs) {
    int j = segmentAt(segStart, segs, t);
    double lv = level[segLevel[j]][r];
    double dt = t - segStart[j];
    double e = energy[j] + lv * dt;
    double steady = energy[j] - lv * tauNs;
    return e - lv * tauNs + (lowPassEnergy[j] - steady) * Math.exp(-dt / tauNs);
  }

  private static double energyAt(
      double[] energy, long[] segStart, int[] segLevel, double[][] level, int r, int segs, long t) {
    int j = segmentAt(segStart, segs, t);
    return energy[j] + level[segLevel[j]][r] * (t - segStart[j]);
  }
}
