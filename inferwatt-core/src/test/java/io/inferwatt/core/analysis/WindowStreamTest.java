package io.inferwatt.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.LayerEvent;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.Phases;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.AnalysisOptions.SensorPrior;
import io.inferwatt.core.analysis.SyntheticRecording.Config;
import io.inferwatt.core.analysis.SyntheticRecording.Recording;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The streaming window search: when it starts (not before samples inside the mapped inferences have
 * arrived) and how it re-checks a response found on an earlier recording of the same sensor.
 */
class WindowStreamTest {

  private static final int LAYERS = 40;
  private static final long PERIOD_NS = 1_600_000;

  /**
   * A power phase longer than the search's stretch ({@link WindowStream#RAW_CAP} samples) before
   * the layers phase, as on the virtual Nano at 102 MHz with 3000 cycles: none of its samples lies
   * inside a mapped inference, so the search must not start on them (it used to, and fell back to
   * the paper's mapping with "too few samples (0)").
   */
  @Test
  void aLongPowerPhaseBeforeTheLayersDoesNotStartTheSearch() {
    Recording rec = SyntheticRecording.generate(Config.jetson(LAYERS, 1000, 1.1, 5));
    Timeline layers = rec.timeline();
    long layersStart = layers.events().inferences().get(0).startNs();
    int powerSamples = WindowStream.RAW_CAP + 4096;
    long from = Math.min(layersStart, layers.samples().get(0).tNs());
    long shift = powerSamples * PERIOD_NS + 10_000_000 - from;
    long powerEnd = shift + from - 5_000_000;

    EventLog.Builder b = EventLog.builder();
    b.phase(new PhaseEvent(Phases.POWER, 0, powerEnd));
    long lastEnd = 0;
    for (InferenceEvent e : layers.events().inferences()) {
      lastEnd = Math.max(lastEnd, e.endNs() + shift);
    }
    b.phase(new PhaseEvent(Phases.LAYERS, shift + layersStart, lastEnd + 1));
    long seq = 10_000_000;
    for (long t = 1_000_000; t + 20_000_000 < powerEnd; t += 20_000_000) {
      b.inference(new InferenceEvent(seq++, t, t + 18_000_000, 1));
    }
    for (InferenceEvent e : layers.events().inferences()) {
      b.inference(new InferenceEvent(e.seq(), e.startNs() + shift, e.endNs() + shift, e.batch()));
    }
    for (int i = 0; i < layers.events().layerCount(); i++) {
      LayerEvent l = layers.events().layer(i);
      OptionalLong start =
          l.startNs().isPresent() ? OptionalLong.of(l.startNs().getAsLong() + shift) : l.startNs();
      b.layer(new LayerEvent(l.seq(), l.index(), l.name(), l.type(), l.durationNs(), start));
    }
    List<PowerSample> samples = new ArrayList<>();
    for (int i = 0; i < powerSamples; i++) {
      long t = 1_000_000 + i * PERIOD_NS;
      samples.add(new PowerSample(t, t, t, new double[] {5000, 3000, 1000}));
    }
    for (PowerSample s : layers.samples()) {
      samples.add(
          new PowerSample(
              s.tNs() + shift, s.readStartNs() + shift, s.readEndNs() + shift, s.powerMw()));
    }
    Timeline tl = new Timeline(layers.rails(), samples, b.build());

    AnalysisResult r =
        Analyzer.analyze(tl, true, AnalysisOptions.defaults().withMapping(LayerMapping.WINDOW));

    assertThat(r.mapping().reason()).doesNotContain("too few samples");
    assertThat(r.mapping().method()).isEqualTo("window");
    assertThat(r.mapping().windowMs()).isCloseTo(1.1, within(0.11));
  }

  /**
   * A response found on one recording and given to the analysis of another recording of the same
   * sensor is re-checked near there (no grid: no residual curve) and lands on the true response;
   * the layers come out as well as with the whole search (pinned ones within 3%).
   */
  @Test
  void aResponseFoundBeforeIsRecheckedNearby() {
    AnalysisOptions window = AnalysisOptions.defaults().withMapping(LayerMapping.WINDOW);
    Recording first = SyntheticRecording.generate(Config.jetson(LAYERS, 1500, 1.1, 21));
    AnalysisResult a = Analyzer.analyze(first.timeline(), true, window);
    assertThat(a.mapping().residualCurve()).isNotEmpty();

    Recording second = SyntheticRecording.generate(Config.jetson(LAYERS, 1500, 1.1, 22));
    AnalysisResult b =
        Analyzer.analyze(second.timeline(), true, window.withSensorFrom(a.mapping()));

    assertThat(b.mapping().reason()).contains("re-checked");
    assertThat(b.mapping().residualCurve()).isEmpty();
    assertThat(b.mapping().windowMs()).isCloseTo(1.1, within(0.05));
    assertThat(b.mapping().offsetMs()).isCloseTo(0.1, within(0.02));
    int pinned = 0;
    for (int l = 0; l < LAYERS; l++) {
      AnalysisResult.LayerSummary s = b.layers().get(l);
      boolean tight =
          !s.powerMw().isEmpty()
              && s.powerMw().values().stream()
                  .allMatch(
                      e ->
                          !Double.isNaN(e.mean())
                              && (e.ci95High() - e.ci95Low()) / 2 <= 0.015 * Math.abs(e.mean()));
      if (tight) {
        pinned++;
        double got = s.powerMw().get("gpu").mean();
        assertThat(Math.abs(got / second.layerPowerMw()[l][1] - 1))
            .as("layer %d", l)
            .isLessThan(0.03);
      }
    }
    assertThat(pinned).isGreaterThanOrEqualTo(LAYERS / 2);
  }

  /**
   * A prior that no longer fits (a 2.2 ms boxcar given for a 1.1 ms sensor) runs to the edge of its
   * re-check's box: the whole search runs and finds the true response.
   */
  @Test
  void aPriorThatNoLongerFitsRunsTheWholeSearch() {
    Recording rec = SyntheticRecording.generate(Config.jetson(LAYERS, 1500, 1.1, 23));
    AnalysisOptions options =
        new AnalysisOptions(
            AnalysisOptions.PAPER_MIN_SAMPLES,
            List.of(),
            LayerMapping.WINDOW,
            OptionalLong.empty(),
            Optional.of(new SensorPrior(SensorResponse.boxcar(2_200_000), 100_000)));
    AnalysisResult r = Analyzer.analyze(rec.timeline(), true, options);
    assertThat(r.mapping().reason()).doesNotContain("re-checked");
    assertThat(r.mapping().residualCurve()).isNotEmpty();
    assertThat(r.mapping().windowMs()).isCloseTo(1.1, within(0.05));
  }

  /** A cap on the held layer intervals that a test reaches with a few thousand inferences. */
  private static final int SMALL_CAP = 16_384;

  /** A window-mapping stream of {@code t}'s rails and phases with the cap {@link #SMALL_CAP}. */
  private static AnalysisStream smallCapStream(Timeline t) {
    return new AnalysisStream(
        t.rails(),
        t.events().phases(),
        true,
        AnalysisOptions.defaults().withMapping(LayerMapping.WINDOW),
        SMALL_CAP);
  }

  /**
   * Events and samples side by side, but more layer intervals than the cap ({@link
   * WindowStream#INTERVAL_CAP}, here {@value #SMALL_CAP}) before the search's stretch of samples is
   * full: the search starts at the cap, on the samples so far (at least {@link
   * WindowStream#MIN_SEARCH_SAMPLES}), the rest streams into the fit, the intervals held stay
   * bounded, and the window is still found.
   */
  @Test
  void reachingTheIntervalCapStartsTheSearchEarlyAndStillFindsTheWindow() {
    Timeline t = SyntheticRecording.generate(Config.jetson(LAYERS, 2000, 1.1, 31)).timeline();
    AnalysisStream stream = smallCapStream(t);
    Analyzer.feed(stream, t.samples().iterator(), t.events());
    AnalysisResult r = stream.finish();

    assertThat(stream.window.searchStretch())
        .isBetween(WindowStream.MIN_SEARCH_SAMPLES, t.samples().size() / 2);
    assertThat(stream.window.peakIntervals()).isLessThanOrEqualTo(2 * SMALL_CAP);
    assertThat(r.warnings()).noneMatch(w -> w.contains("ahead of the samples"));
    assertThat(r.mapping().method()).isEqualTo("window");
    assertThat(r.mapping().windowMs()).isCloseTo(1.1, within(0.11));
    assertThat(r.layers()).hasSize(LAYERS);
  }

  /**
   * Every event before the first sample (a recorder that hands its events over first): the held
   * intervals reach twice the cap with no sample yet. The window fit stops holding them (bounded
   * memory, no OutOfMemoryError on any length), says in one warning that the events ran ahead of
   * the samples and what to do, and the paper's mapping gives the per-layer numbers.
   */
  @Test
  void eventsFarAheadOfTheSamplesGetOneWarningAndThePapersMapping() {
    Timeline t = SyntheticRecording.generate(Config.jetson(LAYERS, 2000, 1.1, 32)).timeline();
    AnalysisStream stream = smallCapStream(t);
    Analyzer.feed(stream, java.util.Collections.emptyIterator(), t.events());
    for (PowerSample s : t.samples()) {
      stream.accept(s);
    }
    AnalysisResult r = stream.finish();

    assertThat(stream.window.peakIntervals()).isLessThanOrEqualTo(2 * SMALL_CAP);
    assertThat(r.warnings())
        .filteredOn(w -> w.contains("ahead of the samples"))
        .singleElement()
        .asString()
        .contains("in time order");
    assertThat(r.mapping().method()).isEqualTo("paper");
    assertThat(r.mapping().reason()).contains("too few samples (0)");
    assertThat(r.layers()).hasSize(LAYERS);
    assertThat(r.layers().get(0).powerMw()).isNotEmpty();
  }

  /**
   * Side by side until after the search, then every event left before the samples left: the held
   * intervals reach twice the cap again. The window fit lets go of them (bounded memory), says so
   * in one warning, and the paper's mapping gives the per-layer numbers.
   */
  @Test
  void eventsRunningAheadAfterTheSearchGetOneWarningAndThePapersMapping() {
    Timeline t = SyntheticRecording.generate(Config.jetson(LAYERS, 2000, 1.1, 33)).timeline();
    AnalysisStream stream = smallCapStream(t);
    int sideBySide = 8000;
    Analyzer.feed(stream, t.samples().subList(0, sideBySide).iterator(), t.events());
    for (PowerSample s : t.samples().subList(sideBySide, t.samples().size())) {
      stream.accept(s);
    }
    AnalysisResult r = stream.finish();

    assertThat(stream.window.searchStretch()).isLessThan(sideBySide);
    assertThat(stream.window.peakIntervals()).isLessThanOrEqualTo(2 * SMALL_CAP);
    assertThat(r.warnings())
        .filteredOn(w -> w.contains("ahead of the samples after the sensor response search"))
        .singleElement()
        .asString()
        .contains("in time order");
    assertThat(r.mapping().method()).isEqualTo("paper");
    assertThat(r.layers()).hasSize(LAYERS);
    assertThat(r.layers().get(0).powerMw()).isNotEmpty();
  }
}
