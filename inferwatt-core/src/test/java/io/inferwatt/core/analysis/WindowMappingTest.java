package io.inferwatt.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import io.inferwatt.core.analysis.AnalysisResult.MappingInfo;
import io.inferwatt.core.analysis.AnalysisResult.ResidualPoint;
import io.inferwatt.core.analysis.SyntheticRecording.Config;
import io.inferwatt.core.analysis.SyntheticRecording.Recording;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The window-aware layer mapping against synthetic Jetson-like runs with known truth: 40 layers of
 * 0.05–1.2 ms with a fixed power per layer and rail, jittered layer times and gaps between
 * inferences, a read every 1.6 ms (jittered), a sensor that averages over 0, 1.1 or 2.2 ms and
 * reads 0.1 ms after the window's end, 5 mW noise and 7 mW quantisation, 2000 inferences.
 *
 * <p>"Enough samples" for a layer under the window fit means its 95% confidence interval is within
 * ±1.5% on every rail: the fit itself says the data pin it down. Those layers must be within 3% of
 * the truth.
 */
class WindowMappingTest {

  private static final int LAYERS = 40;
  private static final int CYCLES = 2000;
  private static final Map<Double, Recording> RECORDINGS = new ConcurrentHashMap<>();

  private static Recording recording(double windowMs) {
    return RECORDINGS.computeIfAbsent(
        windowMs, w -> SyntheticRecording.generate(Config.jetson(LAYERS, CYCLES, w, 42)));
  }

  private static AnalysisResult analyze(Recording rec, LayerMapping mapping) {
    return Analyzer.analyze(rec.timeline(), true, AnalysisOptions.defaults().withMapping(mapping));
  }

  /** Worst relative error over rails, per layer. */
  private static double[] errors(AnalysisResult r, Recording rec) {
    double[] err = new double[LAYERS];
    for (int l = 0; l < LAYERS; l++) {
      LayerSummary s = r.layers().get(l);
      for (int rail = 0; rail < SyntheticRecording.RAILS.size(); rail++) {
        double truth = rec.layerPowerMw()[l][rail];
        double got = s.powerMw().get(SyntheticRecording.RAILS.get(rail)).mean();
        err[l] = Math.max(err[l], Math.abs(got / truth - 1));
      }
    }
    return err;
  }

  /** Whether the fit's 95% CI is within ±1.5% on every rail. */
  private static boolean pinned(LayerSummary s) {
    return s.powerMw().values().stream()
        .allMatch(e -> (e.ci95High() - e.ci95Low()) / 2 <= 0.015 * Math.abs(e.mean()));
  }

  /** The largest error over the layers that were reported (NaN = not reported). */
  private static double max(double[] a) {
    double m = 0;
    for (double v : a) {
      if (!Double.isNaN(v)) {
        m = Math.max(m, v);
      }
    }
    return m;
  }

  /** The mean error over the layers that were reported (NaN = not reported). */
  private static double mean(double[] a) {
    double s = 0;
    int n = 0;
    for (double v : a) {
      if (!Double.isNaN(v)) {
        s += v;
        n++;
      }
    }
    return s / n;
  }

  /** Checks one windowed sensor; returns a line for the log. */
  private static String checkWindowed(double windowMs, int minPinned) {
    Recording rec = recording(windowMs);
    AnalysisResult win = analyze(rec, LayerMapping.AUTO);
    AnalysisResult paper = analyze(rec, LayerMapping.PAPER);
    MappingInfo m = win.mapping();

    assertThat(m.method()).isEqualTo("window");
    assertThat(m.resolvable()).isTrue();
    assertThat(m.windowMs()).isCloseTo(windowMs, within(0.10 * windowMs));
    assertThat(m.offsetMs()).isCloseTo(0.1, within(0.05));
    assertThat(m.conditionNumber()).isLessThan(WindowMapping.MAX_CONDITION);

    double[] errWin = errors(win, rec);
    double[] errPaper = errors(paper, rec);
    int pinned = 0;
    int unreported = 0;
    for (int l = 0; l < LAYERS; l++) {
      if (Double.isNaN(errWin[l])) {
        // below half an equivalent sample the fit does not report a layer (Analyzer)
        assertThat(win.layers().get(l).samples()).isZero();
        assertThat(win.warnings()).anyMatch(w -> w.contains("cannot be resolved"));
        unreported++;
        continue;
      }
      if (pinned(win.layers().get(l))) {
        pinned++;
        assertThat(errWin[l])
            .as("layer %d (%.3f ms), window fit", l, rec.layerMs()[l])
            .isLessThan(0.03);
      }
      // even the layers the fit is unsure about stay far closer than the paper's method
      assertThat(errWin[l]).as("layer %d, window fit", l).isLessThan(0.10);
    }
    assertThat(pinned).as("layers with enough samples").isGreaterThanOrEqualTo(minPinned);
    assertThat(unreported).as("layers too short to report").isLessThanOrEqualTo(LAYERS / 4);
    // the paper's mapping on the same data blends neighbouring layers
    assertThat(mean(errPaper)).as("paper's mean per-layer error").isGreaterThan(0.30);
    assertThat(max(errPaper)).as("paper's worst per-layer error").isGreaterThan(1.0);
    assertThat(mean(errWin)).isLessThan(0.02);

    // per-inference energy does not depend on the mapping
    assertThat(win.inferences().energyMj()).isEqualTo(paper.inferences().energyMj());
    return String.format(
        Locale.ROOT,
        "W=%.1f ms: estimated %.4f ms offset %.4f ms, cond %.3g; window fit error mean %.2f%% max"
            + " %.2f%% (%d layers pinned); paper error mean %.1f%% max %.1f%%",
        windowMs,
        m.windowMs(),
        m.offsetMs(),
        m.conditionNumber(),
        100 * mean(errWin),
        100 * max(errWin),
        pinned,
        100 * mean(errPaper),
        100 * max(errPaper));
  }

  /**
   * 1.1 ms window (the INA3221 on a Jetson). Measured with seed 42: window 1.0998 ms; window fit
   * mean 0.5%, worst 4.6%; the paper's mapping mean 64%, worst 288%.
   */
  @Test
  void inaWindowIsEstimatedAndLayersResolved() {
    System.out.println(checkWindowed(1.1, 30));
  }

  /**
   * 2.2 ms window, longer than every layer. Measured with seed 42: window 2.2003 ms; window fit
   * mean 1.0%, worst 5.0%; the paper's mapping mean 72%, worst 440%.
   */
  @Test
  void longWindowIsEstimatedAndLayersResolved() {
    System.out.println(checkWindowed(2.2, 20));
  }

  @Test
  void instantaneousSensorKeepsThePapersMapping() {
    Recording rec = recording(0);
    AnalysisResult auto = analyze(rec, LayerMapping.AUTO);
    MappingInfo m = auto.mapping();
    assertThat(m.method()).isEqualTo("paper");
    assertThat(m.estimatedWindowMs()).isLessThan(WindowMapping.NEGLIGIBLE_FRACTION * 0.05);
    assertThat(m.reason()).contains("shortest layer");
    // the paper's mapping takes the read's start for the instant; the read's own ±5 µs jitter
    // blurs the layer edges a little (up to 4.8% on a 0.16 ms layer between contrasting ones)
    double[] err = errors(auto, rec);
    for (int l = 0; l < LAYERS; l++) {
      if (auto.layers().get(l).samples() >= AnalysisOptions.PAPER_MIN_SAMPLES) {
        assertThat(err[l]).as("layer %d, paper", l).isLessThan(0.05);
      }
    }

    // forced, the window fit of an instantaneous sensor is the paper's mapping, timed right
    AnalysisResult forced = analyze(rec, LayerMapping.WINDOW);
    assertThat(forced.mapping().method()).isEqualTo("window");
    assertThat(forced.mapping().windowMs()).isLessThan(0.005);
    assertThat(forced.mapping().offsetMs()).isCloseTo(0.1, within(0.01));
    assertThat(max(errors(forced, rec))).isLessThan(0.03);
  }

  @Test
  void residualCurveIsLowestAtTheTrueWindow() {
    AnalysisResult r = analyze(recording(1.1), LayerMapping.AUTO);
    List<ResidualPoint> curve =
        r.mapping().residualCurve().stream().filter(p -> p.response().equals("boxcar")).toList();
    assertThat(curve).hasSize(17);
    ResidualPoint best =
        curve.stream()
            .min(Comparator.comparingDouble(ResidualPoint::relativeResidual))
            .orElseThrow();
    assertThat(best.windowMs()).isCloseTo(1.1, within(0.2));
    assertThat(curve.get(0).relativeResidual()).isGreaterThan(5 * best.relativeResidual());
    // no low-pass on the coarse grid fits a boxcar sensor nearly as well
    assertThat(r.mapping().residualCurve())
        .filteredOn(p -> p.response().equals("lowpass"))
        .hasSize(WindowMapping.COARSE_TIME_CONSTANTS)
        .allMatch(p -> p.relativeResidual() > 2 * best.relativeResidual());
    assertThat(r.mapping().response()).startsWith("boxcar:");
  }

  @Test
  void windowHintIsOnlyAStartingPoint() {
    Recording rec = recording(1.1);
    AnalysisResult r =
        Analyzer.analyze(
            rec.timeline(), true, AnalysisOptions.defaults().withWindowHintNs(1_500_000));
    assertThat(r.mapping().windowMs()).isCloseTo(1.1, within(0.11));
  }

  @Test
  void periodicRunCannotBeResolvedAndSaysSo() {
    // strictly periodic: every cycle 16 ms, a read every 1.6 ms, no jitter; the windows repeat
    Config c = Config.jetson(LAYERS, 600, 2.2, 7).withInferenceMs(12).regular(16);
    Recording rec = SyntheticRecording.generate(c);
    AnalysisResult r = analyze(rec, LayerMapping.AUTO);
    MappingInfo m = r.mapping();
    assertThat(m.method()).isEqualTo("paper");
    assertThat(m.resolvable()).isFalse();
    assertThat(m.reason()).contains("ill-conditioned");
    assertThat(r.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains("cannot resolve the layers")
                    .contains("more cycles")
                    .contains("randomise the gaps"));
  }

  @Test
  void paperMappingOnRequestSearchesNothing() {
    AnalysisResult r = analyze(recording(1.1), LayerMapping.PAPER);
    assertThat(r.mapping()).isEqualTo(MappingInfo.PAPER);
  }

  @Test
  void samplesStreamedOnceGetTheSameWindowMappingAsARereadableSource() {
    Recording rec = recording(1.1);
    AnalysisResult once =
        Analyzer.analyze(
            rec.timeline().rails(),
            rec.timeline().samples().iterator(),
            rec.timeline().events(),
            true,
            AnalysisOptions.defaults());
    AnalysisResult again = analyze(rec, LayerMapping.AUTO);
    assertThat(once.mapping().method()).isEqualTo("window");
    assertThat(once).isEqualTo(again);
  }

  /**
   * A run longer than the stretch the window search keeps ({@link WindowStream#RAW_CAP} samples):
   * the window is searched on the first stretch and every later sample streams into the fit. The
   * layers must come out as well as from the short run (enough samples: within 3%).
   */
  @Test
  void aRunLongerThanTheSearchStretchStreamsIntoTheFit() {
    Recording rec = SyntheticRecording.generate(Config.jetson(LAYERS, 6000, 1.1, 7));
    assertThat(rec.timeline().samples().size()).isGreaterThan(WindowStream.RAW_CAP);
    AnalysisResult r = analyze(rec, LayerMapping.WINDOW);
    assertThat(r.mapping().method()).isEqualTo("window");
    assertThat(r.mapping().windowMs()).isCloseTo(1.1, within(0.05));
    double[] err = errors(r, rec);
    for (int l = 0; l < LAYERS; l++) {
      if (pinned(r.layers().get(l))) {
        assertThat(err[l]).as("layer %d", l).isLessThan(0.03);
      }
    }
    assertThat(r.layers().stream().filter(WindowMappingTest::pinned).count())
        .isGreaterThan(LAYERS / 2);
  }

  @Test
  void searchBufferIsAnEvenThinningOfBoundedSize() {
    WindowBuffer b = new WindowBuffer(1);
    int n = 5 * WindowMapping.BUFFER_CAP + 123;
    for (int i = 0; i < n; i++) {
      b.offer(i, new double[] {i}, new long[] {i}, new long[] {i + 1}, new int[] {7}, 0, 1);
    }
    assertThat(b.size).isLessThanOrEqualTo(WindowMapping.BUFFER_CAP);
    assertThat(b.size).isGreaterThan(WindowMapping.BUFFER_CAP / 2);
    for (int i = 0; i < b.size; i++) {
      assertThat(b.endNs[i]).isEqualTo(i * b.stride);
      assertThat(b.y[i]).isEqualTo(i * b.stride);
      assertThat(b.off[i + 1] - b.off[i]).isEqualTo(1);
      assertThat(b.locStart[b.off[i]]).isEqualTo(i * b.stride);
    }
  }

  /**
   * A sensor outside the window model: a first-order low-pass (τ = 0.5 ms) instead of a window
   * mean, read at jittered instants (0.3 ms standard deviation on the 1.6 ms period, ±0.05 ms on
   * the read), with an offset drifting by 5 mW per second (about 200 mW over the 40 s run). The
   * response search finds the low-pass; the drift, outside any response, biases the fit. Measured
   * (seed 42, 2000 cycles): estimated response a low-pass, all 40 layers reported, worst-rail error
   * per layer mean 14.0%, worst 35.4% (a boxcar-only search: window 0.698 ms, mean 37.9%, worst
   * 122%; the paper's mapping on the same data: mean 61.9%, worst 269%); the drift dominates on the
   * low-power rails. The bounds are regression guards set just above those measured values, not a
   * claim of accuracy.
   */
  @Test
  void regressionGuardOnALowPassSensorWithJitterAndDrift() {
    Config j = Config.jetson(LAYERS, CYCLES, 0, 42);
    Config c =
        new Config(
            j.layers(),
            j.cycles(),
            j.minLayerMs(),
            j.maxLayerMs(),
            j.inferenceMs(),
            j.tailMs(),
            j.durationJitter(),
            j.gapMs(),
            j.gapJitterMs(),
            j.cycleMs(),
            j.periodMs(),
            0.3,
            j.readMs(),
            0.05,
            0,
            j.offsetMs(),
            j.noiseMw(),
            j.quantumMw(),
            j.seed());
    Recording rec = SyntheticRecording.generate(c, 0.5, 5);
    AnalysisResult window = analyze(rec, LayerMapping.WINDOW);
    AnalysisResult paper = analyze(rec, LayerMapping.PAPER);
    double[] we = errors(window, rec);
    double[] pe = errors(paper, rec);
    long reported = java.util.Arrays.stream(we).filter(v -> !Double.isNaN(v)).count();
    System.out.printf(
        Locale.ROOT,
        "low-pass sensor: method %s, estimated window %.3f ms; window fit: %d of %d layers"
            + " reported, mean error %.1f%%, worst %.1f%%; paper mapping: mean %.1f%%, worst %.1f%%%n",
        window.mapping().method(),
        window.mapping().estimatedWindowMs(),
        reported,
        LAYERS,
        100 * mean(we),
        100 * max(we),
        100 * mean(pe),
        100 * max(pe));
    assertThat(window.mapping().method()).isEqualTo("window");
    assertThat(mean(we)).isLessThan(GUARD_LOWPASS_MEAN);
    assertThat(max(we)).isLessThan(GUARD_LOWPASS_WORST);
  }

  private static final double GUARD_LOWPASS_MEAN = 0.16;
  private static final double GUARD_LOWPASS_WORST = 0.40;
}
