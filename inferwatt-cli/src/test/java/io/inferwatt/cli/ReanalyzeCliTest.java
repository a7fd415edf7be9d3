package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reanalyze}: the analysis re-run from a stored run's raw recording (samples and events in
 * the base) gives the stored results with the same mapping, and the paper's mapping gives what
 * {@code analyze} gives on the same recording exported as files.
 */
class ReanalyzeCliTest {
  @TempDir static Path dir;
  private static String db;
  private static Path samples;
  private static Path events;

  @BeforeAll
  static void oneProfileWithItsFiles() {
    System.setProperty("inferwatt.state.dir", dir.resolve("state").toString());
    db = dir.resolve("r.duckdb").toString();
    samples = dir.resolve("s.csv");
    events = dir.resolve("e.jsonl");
    CliTest.Run p =
        CliTest.run(
            "profile",
            "--board",
            "sim:nano",
            "--db",
            db,
            "--cycles",
            "60",
            "--layer-cycles",
            "150",
            "--idle",
            "200ms",
            "--save-samples",
            samples.toString(),
            "--save-events",
            events.toString());
    assertThat(p.code()).as(p.err()).isZero();
  }

  private static JsonNode analysisOf(CliTest.Run r) throws Exception {
    assertThat(r.code()).as(r.err()).isZero();
    return r.json().get("analysis");
  }

  @Test
  void theSameMappingReproducesTheStoredResultsInANewRun() throws Exception {
    JsonNode stored = analysisOf(CliTest.run("show", "1", "--db", db, "--format", "json"));
    CliTest.Run again =
        CliTest.run("reanalyze", "1", "--mapping", "auto", "--db", db, "--format", "json");
    JsonNode derived = again.json();
    assertThat(analysisOf(again)).isEqualTo(stored);
    assertThat(derived.get("run_id").asLong()).isGreaterThan(1);
    assertThat(derived.get("derived_from").asLong()).isEqualTo(1);
    assertThat(derived.get("simulated").asBoolean()).isTrue();
    // the original is untouched and still has its recording
    JsonNode original = CliTest.run("show", "1", "--db", db, "--format", "json").json();
    assertThat(original.get("derived_from").isNull()).isTrue();
    assertThat(original.get("raw_kept").asText()).isEqualTo("all");
    assertThat(original.get("events_stored").asLong()).isPositive();
  }

  @Test
  void thePapersMappingMatchesAnalyzeOnTheExportedFiles() throws Exception {
    JsonNode re =
        analysisOf(
            CliTest.run("reanalyze", "1", "--mapping", "paper", "--db", db, "--format", "json"));
    ObjectNode fromFiles = (ObjectNode) CliTest.analyzeJson(samples, events, "paper");
    fromFiles.remove("meta");
    assertThat(re.get("mapping").get("method").asText()).isEqualTo("paper");
    assertThat(re).isEqualTo(fromFiles);
  }

  @Test
  void aRunStoredWithoutItsRecordingIsRefusedInOneLineNamingTheKeepRawThatKeepsIt() {
    CliTest.Run p =
        CliTest.run(
            "profile",
            "--board",
            "sim:nano",
            "--db",
            db,
            "--cycles",
            "10",
            "--layer-cycles",
            "10",
            "--idle",
            "20ms",
            "--keep-raw",
            "summary",
            "--format",
            "json");
    assertThat(p.code()).as(p.err()).isZero();
    long id = runId(p);
    CliTest.Run r = CliTest.run("reanalyze", Long.toString(id), "--mapping", "paper", "--db", db);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err())
        .contains("run " + id + " has no raw recording")
        .contains("--keep-raw summary")
        .contains("--keep-raw all");
    CliTest.Run bad = CliTest.run("profile", "--board", "sim:nano", "--keep-raw", "some");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("none, summary, all");
  }

  private static long runId(CliTest.Run r) {
    try {
      return r.json().get("run_id").asLong();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
