package io.inferwatt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Studies and their configurations: one transaction per configuration, never twice. */
class StudyStoreTest {
  @TempDir Path dir;

  private static RunInput run(String gpu) {
    var result = Fixtures.analyzed(Fixtures.timeline(), true);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("batch", "1");
    settings.put("gpu.freq_hz", gpu);
    return new RunInput(
        "sim:nano",
        true,
        "mobilenetv2",
        settings,
        Instant.EPOCH,
        "test",
        Map.of(),
        result,
        "in",
        java.util.Optional.empty());
  }

  @Test
  void aStudyKeepsEachFinishedConfigurationOnceWithItsNumbers() {
    try (MeasurementStore s = MeasurementStore.open(dir.resolve("s.duckdb"))) {
      assertThat(s.schemaVersion()).isEqualTo(Schema.latest(Schema.MIGRATIONS));
      s.saveStudy(
          new StudyInput(
              "p",
              "sim:nano",
              "sim",
              true,
              "study: p",
              3,
              java.util.List.of(
                  new StudyInput.Slice(
                      "gpu", java.util.List.of("gpu.freq_hz"), java.util.List.of("aaaa", "bbbb")),
                  new StudyInput.Slice(
                      "mb", java.util.List.of("mode", "batch"), java.util.List.of("aaaa")))));
      long r1 = s.saveStudyRun("p", "aaaa", 0, "gpu", run("76800000"));
      long r2 = s.saveStudyRun("p", "bbbb", 1, "gpu", run("921600000"));
      assertThatThrownBy(() -> s.saveStudyRun("p", "aaaa", 0, "gpu", run("76800000")))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("already stored as run " + r1);
      assertThatThrownBy(() -> s.saveStudyRun("q", "cccc", 0, "gpu", run("76800000")))
          .hasMessageContaining("study q is not in");
      assertThat(s.runs()).hasSize(2);
      var rows = s.studyConfigurations("p");
      assertThat(rows).extracting(StudyConfigurationRow::configKey).containsExactly("aaaa", "bbbb");
      assertThat(rows.get(1).runId()).isEqualTo(r2);
      assertThat(rows.get(1).settings()).containsEntry("gpu.freq_hz", "921600000");
      assertThat(rows.get(0).totalRail()).isNotEmpty();
      assertThat(rows.get(0).energyMjPaper()).isPositive();
      assertThat(s.studySlices("p"))
          .extracting(StudyInput.Slice::label)
          .containsExactly("gpu", "mb");
      assertThat(s.studySlices("p").get(1).factors()).containsExactly("mode", "batch");
      // resumed with a longer plan
      s.saveStudy(
          new StudyInput(
              "p",
              "sim:nano",
              "sim",
              true,
              "study: p # more",
              5,
              java.util.List.of(
                  new StudyInput.Slice(
                      "gpu", java.util.List.of("gpu.freq_hz"), java.util.List.of("bbbb")))));
      assertThat(s.study("p").orElseThrow().plannedConfigurations()).isEqualTo(5);
      assertThat(s.studies())
          .singleElement()
          .satisfies(
              st -> {
                assertThat(st.finishedConfigurations()).isEqualTo(2);
                assertThat(st.plan()).isEqualTo("study: p # more");
              });
      assertThat(s.studySlices("p"))
          .singleElement()
          .satisfies(sl -> assertThat(sl.configKeys()).containsExactly("bbbb"));
      assertThatThrownBy(
              () ->
                  s.saveStudy(
                      new StudyInput(
                          "p", "jetson-nano", "trt", false, "x", 1, java.util.List.of())))
          .hasMessageContaining("ran on board sim:nano");
    }
  }

  @Test
  void aConfigurationThatFailsHalfWayLeavesNoTrace() {
    DuckDbStore.SaveHook failing =
        table -> {
          if (table.equals("study_configurations")) {
            throw new SQLException("disk full");
          }
        };
    try (DuckDbStore s = DuckDbStore.open(dir.resolve("f.duckdb"), Schema.MIGRATIONS, failing)) {
      s.saveStudy(new StudyInput("p", "sim:nano", "sim", true, "study: p", 1, java.util.List.of()));
      assertThatThrownBy(() -> s.saveStudyRun("p", "aaaa", 0, "gpu", run("76800000")))
          .hasMessageContaining("nothing of it was saved")
          .hasMessageContaining("disk full");
      assertThat(s.runs()).isEmpty();
      assertThat(s.studyConfigurations("p")).isEmpty();
    }
  }
}
