package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferwatt.fleet.ScratchPostgres;
import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.PgBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reanalyze} on a PostgreSQL base (a real server in a temporary folder): a configuration
 * measured into a DuckDB file and copied into PostgreSQL re-analyses there exactly as in the file,
 * and its recording streams from the server: a process whose heap is far smaller than the
 * recording's rows re-analyses it (the driver holds every row of a result in memory unless the
 * query runs in a transaction with a fetch size).
 */
class ReanalyzePostgresCliTest {
  static ScratchPostgres pg;
  @TempDir static Path dir;
  private static String db;
  private static long pgRun;
  private static long duckRun;

  /**
   * One configuration whose recording (about 180 000 sample rows and 110 000 event rows) takes well
   * over {@link #SMALL_HEAP} as rows held by the driver.
   */
  private static final String PLAN =
      """
      study: pgreplay
      board: sim:nano
      seed: 7
      protocol: {warmup: 1, cycles: 2000, max_layer_cycles: 3000, min_samples_per_layer: 5, idle: 100ms}
      baseline: {model: mobilenetv2, cpu.cores: 4}
      sweeps:
        - name: cores
          vary: {cpu.cores: [4]}
      """;

  /** The re-analysing process's heap: enough for the command, not for the recording's rows. */
  private static final String SMALL_HEAP = "-Xmx64m";

  @BeforeAll
  static void measureIntoDuckDbAndCopyIntoPostgres() throws Exception {
    var why = ScratchPostgres.unavailable();
    assumeTrue(why.isEmpty(), () -> "no PostgreSQL for this test: " + why.orElse(""));
    pg = ScratchPostgres.start(false);
    db = dir.resolve("r.duckdb").toString();
    Path plan = dir.resolve("plan.yaml");
    Files.writeString(plan, PLAN);
    CliTest.Run s = CliTest.runStudy(plan, db, dir.resolve("state"));
    assertThat(s.code()).as(s.err()).isZero();
    try (MeasurementStore d = MeasurementStore.open(Path.of(db));
        MeasurementStore p = MeasurementStore.open(PgBase.parse(pg.url(), pg.passwordFile()))) {
      String key = d.studyConfigurations("pgreplay").get(0).configKey();
      duckRun = d.studyConfigurations("pgreplay").get(0).runId();
      assertThat(MeasurementStore.transfer(d, p, "pgreplay", key)).isTrue();
      pgRun = p.studyConfigurations("pgreplay").get(0).runId();
      assertThat(p.rawStatus(pgRun).orElseThrow().events()).isGreaterThan(100_000);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  private static String[] onPg(String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    a.addAll(List.of("--base", pg.url(), "--password-file", pg.passwordFile().toString()));
    return a.toArray(String[]::new);
  }

  private static JsonNode analysisOf(CliTest.Run r) throws Exception {
    assertThat(r.code()).as(r.err()).isZero();
    return r.json().get("analysis");
  }

  @Test
  void bothMappingsGiveOnPostgresWhatTheyGiveOnDuckDb() throws Exception {
    for (String mapping : List.of("paper", "auto")) {
      JsonNode onPg =
          analysisOf(
              CliTest.run(
                  onPg(
                      "reanalyze",
                      Long.toString(pgRun),
                      "--mapping",
                      mapping,
                      "--format",
                      "json")));
      JsonNode onDuck =
          analysisOf(
              CliTest.run(
                  "reanalyze",
                  Long.toString(duckRun),
                  "--mapping",
                  mapping,
                  "--db",
                  db,
                  "--format",
                  "json"));
      assertThat(onPg).as(mapping).isEqualTo(onDuck);
      assertThat(onPg.get("layers").size()).isPositive();
    }
    // the same mapping as measured reproduces the stored results
    JsonNode stored =
        analysisOf(CliTest.run(onPg("show", Long.toString(pgRun), "--format", "json")));
    JsonNode again =
        analysisOf(
            CliTest.run(
                onPg("reanalyze", Long.toString(pgRun), "--mapping", "auto", "--format", "json")));
    assertThat(again).isEqualTo(stored);
  }

  @Test
  void theRecordingStreamsFromPostgresIntoASmallHeap() throws Exception {
    JsonNode inProcess =
        analysisOf(
            CliTest.run(
                onPg("reanalyze", Long.toString(pgRun), "--mapping", "paper", "--format", "json")));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                SMALL_HEAP,
                "-cp",
                System.getProperty("java.class.path"),
                "-Dinferwatt.state.dir=" + dir.resolve("state"),
                Main.class.getName()));
    cmd.addAll(
        List.of(onPg("reanalyze", Long.toString(pgRun), "--mapping", "paper", "--format", "json")));
    Path out = dir.resolve("small-heap.json");
    Path err = dir.resolve("small-heap.err");
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    String errText = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(errText).isZero();
    JsonNode small = JsonReport.MAPPER.readTree(out.toFile()).get("analysis");
    assertThat(small).isEqualTo(inProcess);
  }
}
