package io.inferwatt.store;

import static io.inferwatt.store.Fixtures.MS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema version 11: {@code layer_results.duration_ms_p50}, a layer's median profiled duration. A
 * version 10 base gains it for the runs whose raw layer events it kept (their median) and NULL for
 * the others; a run stored after it keeps the analysis' median, and the training set carries both.
 */
class LayerMedianColumnTest {

  @TempDir Path dir;

  private static final NetworkSpec NETWORK =
      new NetworkSpec(
          "fixture",
          List.of(3, 8, 8),
          List.of(
              new LayerSpec(
                  "conv1", "Conv", List.of(3, 8, 8), List.of(4, 8, 8), 3, 1, 1, 6912, 112),
              new LayerSpec("conv2", "Conv", List.of(4, 8, 8), List.of(4, 4, 4), 3, 2, 4, 576, 40),
              new LayerSpec("fc", "Gemm", List.of(64), List.of(10), 0, 0, 0, 640, 650)));

  @Test
  void aVersion10BaseGainsItsRawEventsMediansAndNewRunsKeepTheAnalysis() {
    // conv2 takes 2 ms in seven of the eight layer cycles and 2.4 ms in the last
    Timeline t = Fixtures.timeline(4 * MS / 10);
    AnalysisResult result = Fixtures.analyzed(t, true);
    LayerSummary conv2 = result.layers().get(1);
    assertThat(conv2.durationMsMean()).isCloseTo(2.05, within(1e-9));
    assertThat(conv2.durationMsP50()).isEqualTo(2.0);
    assertThat(result.layers().get(0).durationMsP50()).isEqualTo(1.0);

    Path db = dir.resolve("v10.duckdb");
    long raw;
    long bare;
    try (MeasurementStore s =
        DuckDbStore.open(
            db, Schema.MIGRATIONS.subList(0, Schema.V10.version()), DuckDbStore.NO_HOOK)) {
      raw =
          s.saveRun(
              Fixtures.run("local", "fixture", Instant.EPOCH, result)
                  .withRaw(RawSamples.of(t), t.events()));
      bare = s.saveRun(Fixtures.run("local", "fixture", Instant.EPOCH, result));
    }
    try (MeasurementStore s = MeasurementStore.open(db)) {
      assertThat(s.schemaVersion()).isEqualTo(Schema.latest(Schema.MIGRATIONS));
      assertThat(
              Fixtures.query(
                      s,
                      "SELECT run_id, name, duration_ms_p50 FROM layer_results"
                          + " ORDER BY run_id, layer_index")
                  .rows())
          .containsExactly(
              List.of(Long.toString(raw), "conv1", "1.0"),
              List.of(Long.toString(raw), "conv2", "2.0"),
              List.of(Long.toString(raw), "fc", "1.0"),
              Arrays.asList(Long.toString(bare), "conv1", null),
              Arrays.asList(Long.toString(bare), "conv2", null),
              Arrays.asList(Long.toString(bare), "fc", null));
      assertThat(s.run(raw).orElseThrow().result().layers().get(1).durationMsP50()).isEqualTo(2.0);
      assertThat(s.run(bare).orElseThrow().result().layers().get(1).durationMsP50()).isNaN();

      long fresh =
          s.saveRun(
              Fixtures.run("local", "fixture", Instant.EPOCH, result)
                  .withDetails(RunDetails.of(t, NETWORK, "fixture")));
      LayerSummary back = s.run(fresh).orElseThrow().result().layers().get(1);
      assertThat(back.durationMsMean()).isCloseTo(2.05, within(1e-9));
      assertThat(back.durationMsP50()).isEqualTo(2.0);
      TrainingData.Layer row =
          s.trainingData(null, "local").layers().stream()
              .filter(l -> l.runId() == fresh && l.layer().name().equals("conv2"))
              .findFirst()
              .orElseThrow();
      assertThat(row.latencyMs()).isCloseTo(2.05, within(1e-9));
      assertThat(row.latencyMsP50()).isEqualTo(2.0);
      assertThat(row.withMedianLatency().latencyMs()).isEqualTo(2.0);
    }
  }
}
