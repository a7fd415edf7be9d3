package io.inferwatt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.core.Timeline;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export ({@code inferwatt export}) and the run details behind it. Golden files seal the
 * exported schemas: {@code src/test/resources/io/inferwatt/store/export-parquet-schema.txt} (every
 * table's columns and types as DuckDB reads the Parquet files back, partition columns included) and
 * {@code export-csv-headers.txt} (each CSV table's header line). A change to what the export writes
 * fails here until the golden file says the same; run with {@code -Dgolden.update=true} to rewrite
 * them, then review the diff.
 */
class ExportTest {

  private static final Path GOLDEN =
      Path.of("src", "test", "resources", "io", "inferwatt", "store");

  @TempDir Path dir;

  private static NetworkSpec network() {
    return new NetworkSpec(
        "fixture",
        List.of(3, 8, 8),
        List.of(
            new LayerSpec("conv1", "Conv", List.of(3, 8, 8), List.of(4, 8, 8), 3, 1, 1, 6912, 112),
            new LayerSpec("conv2", "Conv", List.of(4, 8, 8), List.of(4, 4, 4), 3, 2, 4, 576, 40),
            new LayerSpec("fc", "Gemm", List.of(64), List.of(10), 0, 0, 0, 640, 650)));
  }

  /**
   * A base with one profile run (raw samples and events, and details) and a study of two runs
   * (details only, as {@code --keep-raw summary} stores them).
   */
  private Path base() {
    Path db = dir.resolve("e.duckdb");
    Timeline t = Fixtures.timeline();
    var result = Fixtures.analyzed(t, true);
    RunDetails details = RunDetails.of(t, network(), "fixture");
    try (MeasurementStore s = MeasurementStore.open(db)) {
      RunInput r = Fixtures.run("sim:nano", "fixture", Instant.EPOCH, result);
      // the profile chose ONNX Runtime's threads (as profile --threads 2 stores them); the study
      // not
      Map<String, String> threads = new LinkedHashMap<>(r.settings());
      threads.put("threads", "2");
      long profiled =
          s.saveRun(
              new RunInput(
                      r.board(),
                      true,
                      r.model(),
                      threads,
                      r.startedAt(),
                      r.toolVersion(),
                      r.environment(),
                      result,
                      "in",
                      Optional.of(RawSamples.of(t)),
                      details)
                  .withRaw(RawSamples.of(t), t.events()));
      s.saveStudy(
          new StudyInput(
              "st",
              "sim:nano",
              "sim",
              true,
              "study: st",
              2,
              List.of(new StudyInput.Slice("s", List.of("cpu_cores"), List.of("k1", "k2")))));
      long k1 = s.saveStudyRun("st", "k1", 0, "s", r.withDetails(details));
      long k2 = s.saveStudyRun("st", "k2", 1, "s", r.withDetails(details));
      for (long id : new long[] {profiled, k1, k2}) {
        s.saveMethodChecks(id, checks());
      }
    }
    return db;
  }

  /** A virtual board's truth check and one layer's method, as {@code profile} stores them. */
  private static MethodChecks checks() {
    return new MethodChecks(
        Optional.of(
            new MethodChecks.TruthErrors(
                "in", 0.45, 71.2, "counter", 71.5, 0.42, 18, 0.1, 0.4, 7, 0.5, 19.0)),
        List.of(new MethodChecks.LayerMethod(0, "in", "prefix", 3.13, 0.004, 2.86)));
  }

  @Test
  void runDetailsHoldEveryNonWarmupInferenceWithItsPowerAndEnergy() {
    Timeline t = Fixtures.timeline();
    RunDetails d = RunDetails.of(t, network(), "fixture");
    // 8 inferences in each of latency, power and layers; warm-up left out
    assertThat(d.inferences()).hasSize(24);
    assertThat(d.inferences())
        .extracting(RunDetails.InferenceRecord::phase)
        .doesNotContain("warmup");
    RunDetails.InferenceRecord first = d.inferences().get(0);
    assertThat(first.latencyMs()).isEqualTo(4.5);
    assertThat(first.samples()).isEqualTo(46); // one sample every 0.1 ms over 4.5 ms, both ends
    // energy of the in rail from the fixture's own samples, by the composite trapezoid rule on the
    // uniform 0.1 ms grid (every inner sample once, the two ends half), not from the details' mean
    double inner = 0;
    double ends = 0;
    for (io.inferwatt.core.PowerSample s : t.samples()) {
      if (s.tNs() == first.startNs() || s.tNs() == first.startNs() + 4_500_000) {
        ends += s.powerMw(0);
      } else if (s.tNs() > first.startNs() && s.tNs() < first.startNs() + 4_500_000) {
        inner += s.powerMw(0);
      }
    }
    double expectedMj = (inner + ends / 2) * 0.1 / 1000;
    assertThat(first.energyMj()[0])
        .isCloseTo(expectedMj, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(d.layers()).hasSize(3);
    assertThat(d.logger()).isPresent();
    assertThat(d.logger().get().periodMsMedian())
        .isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(d.logger().get().readMsMean())
        .isCloseTo(0.015, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(d.logger().get().dropped()).isEqualTo(-1);
  }

  @Test
  void parquetIsReadBackByDuckDbWithTheStoresRowCountsAndTheSealedSchema() throws Exception {
    Path db = base();
    Path out = dir.resolve("pq");
    List<ExportedTable> tables;
    List<String> counts = new ArrayList<>();
    try (MeasurementStore s = MeasurementStore.open(db)) {
      tables = s.export(out, ExportFormat.PARQUET, null);
      for (ExportedTable t : tables) {
        if (!t.table().equals("layer_training")) {
          counts.add(
              t.table()
                  + "="
                  + Fixtures.query(s, "SELECT count(*) FROM " + t.table()).rows().get(0).get(0));
        }
      }
    }
    assertThat(tables).extracting(ExportedTable::rows).allMatch(n -> n > 0);
    assertThat(out.resolve("runs").resolve("board=sim%3Anano").resolve("study=_none"))
        .isDirectory();
    assertThat(out.resolve("runs").resolve("board=sim%3Anano").resolve("study=st")).isDirectory();

    StringBuilder schema = new StringBuilder();
    List<String> back = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      for (ExportedTable t : tables) {
        String read = "read_parquet('" + t.folder() + "/**/*.parquet', hive_partitioning = true)";
        if (!t.table().equals("layer_training")) {
          back.add(t.table() + "=" + one(st, "SELECT count(*) FROM " + read));
        } else {
          // 3 layers × 3 runs, every one with its features and results
          assertThat(one(st, "SELECT count(*) FROM " + read)).isEqualTo("9");
          assertThat(one(st, "SELECT string_agg(DISTINCT study, ',' ORDER BY study) FROM " + read))
              .isEqualTo("_none,st");
          assertThat(
                  one(
                      st,
                      "SELECT count(*) FROM "
                          + read
                          + " WHERE macs > 0 AND latency_ms > 0 AND power_mw_total > 0"))
              .isEqualTo("9");
          // the threads chosen, on the profile's 3 layers; NULL where nothing was chosen
          assertThat(
                  one(
                      st,
                      "SELECT string_agg(coalesce(CAST(threads AS VARCHAR), '-') || ':' || study,"
                          + " ',' ORDER BY study, threads) FROM (SELECT DISTINCT threads, study"
                          + " FROM "
                          + read
                          + ")"))
              .isEqualTo("2:_none,-:st");
        }
        schema.append("## ").append(t.table()).append('\n');
        try (ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM " + read)) {
          while (rs.next()) {
            schema.append(rs.getString(1)).append(' ').append(rs.getString(2)).append('\n');
          }
        }
      }
      assertThat(
              one(
                  st,
                  "SELECT DISTINCT board FROM read_parquet('"
                      + out
                      + "/runs/**/*.parquet', hive_partitioning = true)"))
          .isEqualTo("sim:nano");
    }
    assertThat(back).isEqualTo(counts);
    golden("export-parquet-schema.txt", schema.toString());
    pandas(out, tables);
  }

  @Test
  void csvHasOneHeaderPerTableAndAStudyFilter() throws Exception {
    Path db = base();
    Path out = dir.resolve("csv");
    List<ExportedTable> tables;
    try (MeasurementStore s = MeasurementStore.open(db)) {
      tables = s.export(out, ExportFormat.CSV, "st");
      assertThatThrownBy(() -> s.export(out, ExportFormat.CSV, "st"))
          .hasMessageContaining("is not empty");
      assertThatThrownBy(() -> s.export(dir.resolve("x"), ExportFormat.CSV, "nope"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("study 'nope' is not in");
    }
    StringBuilder headers = new StringBuilder();
    // the study's runs keep no raw data, so the raw tables are empty and get no folder
    assertThat(tables.stream().filter(t -> t.rows() == 0).map(ExportedTable::table))
        .containsExactlyInAnyOrder(
            "sample_rails", "power_reads", "inference_events", "layer_events", "phase_events");
    for (ExportedTable t : tables) {
      if (t.rows() == 0) {
        assertThat(t.folder()).doesNotExist();
        continue;
      }
      assertThat(t.folder().resolve("board=sim%3Anano").resolve("study=_none")).doesNotExist();
      Path file = t.folder().resolve("board=sim%3Anano").resolve("study=st").resolve("data_0.csv");
      assertThat(file).exists();
      headers
          .append(t.table())
          .append(": ")
          .append(Files.readAllLines(file, StandardCharsets.UTF_8).get(0))
          .append('\n');
    }
    assertThat(
            tables.stream().filter(t -> t.table().equals("runs")).findFirst().orElseThrow().rows())
        .isEqualTo(2);
    golden("export-csv-headers.txt", headers.toString());
  }

  private static String one(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void golden(String name, String actual) throws IOException {
    Path file = GOLDEN.resolve(name);
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(file, actual);
    }
    assertThat(file)
        .as("golden file %s (run with -Dgolden.update=true to create it)", file)
        .exists();
    assertThat(actual).isEqualTo(Files.readString(file));
  }

  /** pandas (with pyarrow) reads the folders as they are, when it is installed here. */
  private static void pandas(Path out, List<ExportedTable> tables) throws Exception {
    if (!python("import pandas, pyarrow")) {
      System.err.println(
          "ExportTest: pandas with pyarrow is not installed here; the pandas read-back is skipped");
      return;
    }
    StringBuilder script = new StringBuilder("import pandas as pd\n");
    for (ExportedTable t : tables) {
      script
          .append("print('")
          .append(t.table())
          .append("=' + str(len(pd.read_parquet('")
          .append(t.folder())
          .append("'))))\n");
    }
    Process p =
        new ProcessBuilder("python3", "-c", script.toString()).redirectErrorStream(true).start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(text).isZero();
    for (ExportedTable t : tables) {
      assertThat(text).contains(t.table() + "=" + t.rows());
    }
  }

  private static boolean python(String code) {
    try {
      Process p = new ProcessBuilder("python3", "-c", code).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
