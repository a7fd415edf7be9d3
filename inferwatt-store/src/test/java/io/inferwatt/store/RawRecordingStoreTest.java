package io.inferwatt.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.Analyzer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's raw recording (samples and events) goes into the base and comes back unchanged. */
class RawRecordingStoreTest {

  @TempDir Path dir;

  private static RunInput run(Timeline t, AnalysisResult result) {
    return Fixtures.run("sim:nano", "fixture", Instant.EPOCH, result);
  }

  @Test
  void theRecordingComesBackAsItWasRecorded() {
    Timeline t = Fixtures.timeline();
    AnalysisResult result = Fixtures.analyzed(t, true);
    try (MeasurementStore s = MeasurementStore.open(dir.resolve("r.duckdb"))) {
      long id = s.saveRun(run(t, result).withRaw(RawSamples.of(t), t.events()));
      assertThat(Fixtures.query(s, "SELECT count(*) FROM layer_events").rows())
          .containsExactly(List.of(Integer.toString(t.events().layerCount())));
      Timeline back = s.recording(id).orElseThrow();
      assertSameRecording(back, t);
      RawStatus st = s.rawStatus(id).orElseThrow();
      assertThat(st.kept()).isEqualTo("all");
      assertThat(st.samples()).isEqualTo(t.samples().size());
      assertThat(st.events()).isEqualTo(t.events().inferences().size() + t.events().layerCount());
      assertThat(st.derivedFrom()).isEmpty();
      assertThat(st.reanalysable()).isTrue();

      // the analysis of what came back is the stored one
      AnalysisResult again = Analyzer.analyze(back, true, AnalysisOptions.defaults());
      assertThat(again).isEqualTo(Analyzer.analyze(t, true, AnalysisOptions.defaults()));
    }
  }

  @Test
  void aRecordingStoredAtVersion8ComesBackTheSameAfterTheMigration() {
    Timeline t = Fixtures.timeline();
    AnalysisResult result = Fixtures.analyzed(t, true);
    Path file = dir.resolve("v8.duckdb");
    long id;
    try (MeasurementStore s =
        DuckDbStore.open(
            file, Schema.MIGRATIONS.subList(0, Schema.V8.version()), DuckDbStore.NO_HOOK)) {
      id = s.saveRun(run(t, result).withRaw(RawSamples.of(t), t.events()));
      s.saveRun(run(t, result).withRaw(RawSamples.of(t), t.events()));
    }
    try (MeasurementStore s = MeasurementStore.open(file)) {
      assertThat(s.schemaVersion()).isEqualTo(Schema.latest(Schema.MIGRATIONS));
      Timeline back = s.recording(id).orElseThrow();
      assertSameRecording(back, t);
      assertThat(s.rawStatus(id).orElseThrow().events())
          .isEqualTo(t.events().inferences().size() + t.events().layerCount());
      // each run keeps its layers' names once
      assertThat(
              Fixtures.query(
                      s,
                      "SELECT count(*) = count(DISTINCT name || '/' || type) FROM layer_event_names"
                          + " WHERE run_id = "
                          + id)
                  .rows())
          .containsExactly(List.of("true"));
      assertThat(
              Fixtures.query(s, "SELECT count(*) FROM layer_event_rows WHERE run_id = " + id)
                  .rows())
          .containsExactly(List.of(Integer.toString(t.events().layerCount())));
      // the analysis of what came back is the stored one
      assertThat(Analyzer.analyze(back, true, AnalysisOptions.defaults()))
          .isEqualTo(Analyzer.analyze(t, true, AnalysisOptions.defaults()));
    }
  }

  @Test
  void aRunWithoutRawEventsHasNoRecordingAndSaysWhatItKept() {
    Timeline t = Fixtures.timeline();
    AnalysisResult result = Fixtures.analyzed(t, true);
    try (MeasurementStore s = MeasurementStore.open(dir.resolve("r.duckdb"))) {
      long none = s.saveRun(run(t, result));
      long summary =
          s.saveRun(
              run(t, result)
                  .withDetails(
                      RunDetails.of(
                          t,
                          new io.inferwatt.core.model.NetworkSpec("fixture", List.of(1), List.of()),
                          "fixture")));
      assertThat(s.recording(none)).isEmpty();
      assertThat(s.rawStatus(none).orElseThrow().kept()).isEqualTo("none");
      assertThat(s.rawStatus(summary).orElseThrow().kept()).isEqualTo("summary");
      assertThat(s.rawStatus(summary).orElseThrow().reanalysable()).isFalse();
      assertThat(s.rawStatus(99)).isEmpty();
      long derived = s.saveRun(run(t, result).derivedFrom(summary));
      assertThat(s.rawStatus(derived).orElseThrow().derivedFrom())
          .isEqualTo(OptionalLong.of(summary));
    }
  }

  @Test
  void aRunStoredBeforeSchemaVersion5KeepsItsSamplesButHasNoRecording() {
    Timeline t = Fixtures.timeline();
    AnalysisResult result = Fixtures.analyzed(t, true);
    Path file = dir.resolve("old.duckdb");
    long id;
    try (MeasurementStore s =
        DuckDbStore.open(
            file, List.of(Schema.V1, Schema.V2, Schema.V3, Schema.V4), DuckDbStore.NO_HOOK)) {
      id =
          s.saveRun(
              new RunInput(
                  "sim:nano",
                  true,
                  "fixture",
                  java.util.Map.of(),
                  Instant.EPOCH,
                  "0",
                  java.util.Map.of(),
                  result,
                  "in",
                  Optional.of(RawSamples.of(t))));
      assertThat(s.recording(id)).isEmpty();
    }
    try (MeasurementStore s = MeasurementStore.open(file)) {
      RawStatus st = s.rawStatus(id).orElseThrow();
      assertThat(st.kept()).isEmpty();
      assertThat(st.samples()).isEqualTo(t.samples().size());
      assertThat(st.reanalysable()).isFalse();
      assertThat(s.recording(id)).isEmpty();
      assertThat(s.samples(id).orElseThrow().samples()).isEqualTo(t.samples());
    }
  }

  /** Every layer event's fields, in order. */
  private static void assertSameRecording(Timeline back, Timeline t) {
    assertThat(back.rails()).isEqualTo(t.rails());
    assertThat(back.samples()).isEqualTo(t.samples());
    assertThat(events(back.events())).isEqualTo(events(t.events()));
    assertThat(back.events().phases()).isEqualTo(t.events().phases());
    assertThat(back.events().inferences()).isEqualTo(t.events().inferences());
  }

  private static List<String> events(EventLog log) {
    return java.util.stream.IntStream.range(0, log.layerCount())
        .mapToObj(i -> log.layer(i).toString())
        .toList();
  }
}
