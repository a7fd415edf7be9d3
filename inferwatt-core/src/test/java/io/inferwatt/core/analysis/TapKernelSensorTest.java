package io.inferwatt.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import io.inferwatt.core.analysis.AnalysisResult.MappingInfo;
import io.inferwatt.core.analysis.SyntheticRecording.Config;
import io.inferwatt.core.analysis.SyntheticRecording.Recording;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The non-parametric response ({@link KernelSearch}) on sensors that none of the parametric shapes
 * describes exactly: two first-order low-pass filters in series (a two-pole response) and two
 * boxcars in series (a triangle). The layers' true powers are those of a Jetson-like synthetic run
 * (40 layers of 0.05–1.2 ms, 2000 inferences, a read every 1.6 ms, 5 mW noise, 7 mW quantisation);
 * the readings are recomputed exactly from the run's power segments through the sensor's cumulative
 * response. Every layer the fit pins down (95% interval within ±1.5% on every rail) must be within
 * 3% of the truth, every reported one within 10%.
 */
class TapKernelSensorTest {

  private static final int LAYERS = 40;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"two-pole 0.3ms+0.6ms", "triangle 0.8ms*0.8ms"})
  void perLayerPowerWithinThreePercentThroughAFittedKernel(String sensor) {
    DoubleUnaryOperator cumulative =
        sensor.startsWith("two-pole") ? twoPole(0.3e6, 0.6e6) : triangle(0.8e6);
    double supportNs = sensor.startsWith("two-pole") ? 12 * 0.6e6 : 1.6e6;
    Recording rec =
        resample(
            SyntheticRecording.generate(Config.jetson(LAYERS, 2000, 0, 42)),
            cumulative,
            supportNs,
            0.1e6,
            7);
    AnalysisResult r =
        Analyzer.analyze(
            rec.timeline(), true, AnalysisOptions.defaults().withMapping(LayerMapping.WINDOW));
    MappingInfo m = r.mapping();
    double[] errs = errors(r, rec, LAYERS);
    System.out.printf(
        Locale.ROOT,
        "sensor %s: mapping %s, response %s; %d of %d layers reported, %d pinned;"
            + " worst error %.2f%% (pinned %.2f%%)%n",
        sensor,
        m.method(),
        m.response(),
        (int) errs[2],
        LAYERS,
        (int) errs[3],
        100 * errs[0],
        100 * errs[1]);
    assertThat(m.method()).isEqualTo("window");
    assertThat(m.response()).startsWith("kernel:");
    assertThat(m.residualCurve()).anyMatch(p -> p.response().equals("kernel"));
    assertThat(errs[1]).isLessThan(0.03);
    assertThat(errs[0]).isLessThan(0.10);
    assertThat(errs[3]).isGreaterThanOrEqualTo(15);
  }

  /**
   * A first-order low-pass sensor: the parametric shape stays, and the kernel's screen ({@link
   * KernelSearch#screen}) skips the full kernel fit (no kernel point in the residual curve), while
   * the two sensors above pass the screen and get the kernel.
   */
  @Test
  void aParametricSensorKeepsItsShapeAndTheScreenSkipsTheKernelFit() {
    Recording rec =
        resample(
            SyntheticRecording.generate(Config.jetson(LAYERS, 2000, 0, 42)),
            s -> s <= 0 ? 0 : -Math.expm1(-s / 0.5e6),
            12 * 0.5e6,
            0.1e6,
            8);
    AnalysisResult r =
        Analyzer.analyze(
            rec.timeline(), true, AnalysisOptions.defaults().withMapping(LayerMapping.WINDOW));
    assertThat(r.mapping().response()).startsWith("lowpass:");
    assertThat(r.mapping().residualCurve()).noneMatch(p -> p.response().equals("kernel"));
  }

  /**
   * Per-layer power errors against the truth over {@code layers} layers: {worst error, worst error
   * of the layers the fit pins down (95 % interval within ±1.5 % on every rail), layers reported,
   * layers pinned}.
   */
  static double[] errors(AnalysisResult r, Recording rec, int layers) {
    double worst = 0;
    double worstPinned = 0;
    int pinned = 0;
    int reported = 0;
    for (int l = 0; l < layers; l++) {
      LayerSummary s = r.layers().get(l);
      double err = 0;
      boolean any = false;
      for (int rail = 0; rail < SyntheticRecording.RAILS.size(); rail++) {
        Estimate e = s.powerMw().get(SyntheticRecording.RAILS.get(rail));
        if (e == null || Double.isNaN(e.mean())) {
          continue;
        }
        any = true;
        err = Math.max(err, Math.abs(e.mean() / rec.layerPowerMw()[l][rail] - 1));
      }
      if (!any) {
        continue;
      }
      reported++;
      worst = Math.max(worst, err);
      if (s.powerMw().values().stream()
          .allMatch(e -> (e.ci95High() - e.ci95Low()) / 2 <= 0.015 * Math.abs(e.mean()))) {
        pinned++;
        worstPinned = Math.max(worstPinned, err);
      }
    }
    return new double[] {worst, worstPinned, reported, pinned};
  }

  /**
   * Two first-order low-pass filters in series: {@code 1 − (a e^(−s/a) − b e^(−s/b)) / (a − b)}.
   */
  private static DoubleUnaryOperator twoPole(double aNs, double bNs) {
    return s ->
        s <= 0 ? 0 : 1 - (aNs * Math.exp(-s / aNs) - bNs * Math.exp(-s / bNs)) / (aNs - bNs);
  }

  /** Two boxcars of {@code wNs} in series: a triangle over {@code 2 wNs}. */
  private static DoubleUnaryOperator triangle(double wNs) {
    return s -> {
      if (s <= 0) {
        return 0;
      }
      if (s >= 2 * wNs) {
        return 1;
      }
      double u = s / wNs;
      return u <= 1 ? u * u / 2 : 1 - (2 - u) * (2 - u) / 2;
    };
  }

  /**
   * The recording's readings recomputed through a sensor with the cumulative response {@code cum}
   * (the weight on lags {@code [0, s]}, reaching 1 at {@code supportNs}), read at {@code readEnd −
   * offsetNs}, with 5 mW noise and 7 mW quantisation.
   */
  private static Recording resample(
      Recording rec, DoubleUnaryOperator cum, double supportNs, double offsetNs, long seed) {
    Timeline t = rec.timeline();
    EventLog ev = t.events();
    int nr = SyntheticRecording.RAILS.size();
    // the power segments: gaps, layers, tails
    List<long[]> segs = new ArrayList<>(); // {start, level index: layer, LAYERS tail, LAYERS+1 gap}
    long prevEnd = Long.MIN_VALUE / 4;
    int li = 0;
    for (InferenceEvent inf : ev.inferences()) {
      segs.add(new long[] {prevEnd, LAYERS + 1});
      long at = inf.startNs();
      for (int l = 0; l < LAYERS; l++, li++) {
        segs.add(new long[] {at, l});
        at += ev.layerDurationNs(li);
      }
      segs.add(new long[] {at, LAYERS});
      prevEnd = inf.endNs();
    }
    segs.add(new long[] {prevEnd, LAYERS + 1});
    segs.get(0)[0] = Long.MIN_VALUE / 4;
    long[] start = new long[segs.size()];
    for (int j = 0; j < start.length; j++) {
      start[j] = segs.get(j)[0];
    }
    Random rnd = new Random(seed);
    List<PowerSample> out = new ArrayList<>();
    for (PowerSample s : t.samples()) {
      double e = s.readEndNs() - offsetNs;
      int j = java.util.Arrays.binarySearch(start, (long) e);
      j = j >= 0 ? j : -j - 2;
      double[] p = new double[nr];
      for (; j >= 0; j--) {
        double hiLag = e - start[j];
        double loLag = j + 1 < start.length ? Math.max(0, e - start[j + 1]) : 0;
        double wgt = cum.applyAsDouble(hiLag) - cum.applyAsDouble(loLag);
        int lv = (int) segs.get(j)[1];
        double[] level =
            lv < LAYERS
                ? rec.layerPowerMw()[lv]
                : lv == LAYERS ? rec.tailPowerMw() : rec.gapPowerMw();
        for (int r = 0; r < nr; r++) {
          p[r] += wgt * level[r];
        }
        if (loLag >= supportNs) {
          break;
        }
      }
      for (int r = 0; r < nr; r++) {
        p[r] = Math.round((p[r] + 5 * rnd.nextGaussian()) / 7) * 7.0;
      }
      out.add(new PowerSample(s.tNs(), s.readStartNs(), s.readEndNs(), p));
    }
    return new Recording(
        new Timeline(t.rails(), out, ev),
        rec.layerPowerMw(),
        rec.tailPowerMw(),
        rec.gapPowerMw(),
        rec.layerMs());
  }
}
