package io.inferwatt.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferwatt.core.analysis.AnalysisResult.MappingInfo;
import io.inferwatt.core.analysis.SyntheticRecording.Config;
import io.inferwatt.core.analysis.SyntheticRecording.Recording;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Evidence that the layer mapping estimates the sensor's response from the recording and fits the
 * layers through it: synthetic Jetson-like runs (40 layers of 0.05–1.2 ms, 2000 inferences, a read
 * every 1.6 ms, 5 mW noise, 7 mW quantisation) whose sensor is instant, a 1.1 ms boxcar, a
 * first-order low-pass with τ 0.2, 0.5 or 1 ms, or the 1.1 ms boxcar followed by a 0.5 ms low-pass.
 * The readings of the low-pass sensors are computed exactly from the power segments, not through
 * the fit's own model of the response.
 *
 * <p>Every layer whose 95% confidence interval is within ±1.5% on every rail (the fit says the data
 * pin it down) must be within 3% of the truth, every reported layer within 10%; the estimated
 * response must have the true shape (an instant sensor: a boxcar of at most 0.02 ms) and its
 * parameters within 10%, and the non-parametric kernel is not fitted (its screen, {@link
 * KernelSearch#screen}, finds nothing for it to win). The window fit is asked for explicitly: with
 * {@code auto} an instant sensor gets the paper's mapping.
 */
class SensorResponseEvidenceTest {

  private static final int LAYERS = 40;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "instant, 0, 0, instant",
    "boxcar:1.1ms, 1.1, 0, boxcar",
    "lowpass:0.2ms, 0, 0.2, lowpass",
    "lowpass:0.5ms, 0, 0.5, lowpass",
    "lowpass:1ms, 0, 1.0, lowpass",
    "boxcar:1.1ms+lowpass:0.5ms, 1.1, 0.5, boxcar+lowpass",
  })
  void perLayerPowerWithinThreePercentThroughTheEstimatedResponse(
      String name, double windowMs, double tauMs, String kind) {
    Recording rec =
        SyntheticRecording.generate(Config.jetson(LAYERS, 2000, windowMs, 42), tauMs, 0);
    AnalysisResult r =
        Analyzer.analyze(
            rec.timeline(), true, AnalysisOptions.defaults().withMapping(LayerMapping.WINDOW));
    MappingInfo m = r.mapping();
    SensorResponse found = SensorResponse.parse(m.response());
    double[] errs = TapKernelSensorTest.errors(r, rec, LAYERS);
    double worst = errs[0];
    double worstPinned = errs[1];
    int reported = (int) errs[2];
    int pinned = (int) errs[3];
    System.out.printf(
        Locale.ROOT,
        "sensor %s: mapping %s, response %s, offset %.3f ms; %d of %d layers reported, %d pinned;"
            + " worst error %.2f%% (pinned %.2f%%)%n",
        name,
        m.method(),
        m.response(),
        m.estimatedOffsetMs(),
        reported,
        LAYERS,
        pinned,
        100 * worst,
        100 * worstPinned);
    assertThat(m.method()).isEqualTo("window");
    // a parametric shape describes each of these sensors: the kernel's screen skips its full fit
    assertThat(m.residualCurve()).noneMatch(p -> p.response().equals("kernel"));
    if (!kind.equals("instant")) {
      assertThat(found.kind()).isEqualTo(kind);
    }
    assertThat(found.boxcarNs() / 1e6).isCloseTo(windowMs, within(0.1 * windowMs + 0.02));
    assertThat(found.tauNs() / 1e6).isCloseTo(tauMs, within(0.1 * tauMs + 0.02));
    assertThat(worstPinned).isLessThan(0.03);
    assertThat(worst).isLessThan(0.10);
    assertThat(pinned).isGreaterThanOrEqualTo(15);
  }
}
