package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferwatt.study.PaperStudy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report}, {@code export}, {@code show} and {@code query} end to end on the paper's built-in
 * study (with a reduced protocol) on the virtual Nano, plus one short profile run whose raw samples
 * draw Fig. 2. The report is opened in headless Chromium (skipped with a reason when Chromium is
 * absent): no JavaScript error, and one screenshot per figure under {@code
 * target/report-screenshots/}.
 *
 * <p>Golden files seal the JSON outputs: {@code src/test/resources/golden/show.json.shape} and
 * {@code query.json.shape} hold every JSON path of {@code show --format json} and {@code query
 * --format json} with its JSON type (values vary with the machine and the time, the shape must
 * not). Run with {@code -Dgolden.update=true} to rewrite them, then review the diff.
 */
class ReportCliTest {
  @TempDir static Path dir;
  private static String db;
  private static long profileRun;

  /** The figures and tables the report always has a section for. */
  static final List<String> SECTIONS =
      List.of(
          "summary",
          "fig2",
          "fig3",
          "fig4",
          "fig5",
          "fig6",
          "fig7",
          "fig8",
          "fig9",
          "fig10",
          "fig11",
          "table1",
          "pareto",
          "ranking",
          "configurations",
          "layers");

  @BeforeAll
  static void paperStudyAndOneProfile() throws Exception {
    System.setProperty("inferwatt.state.dir", dir.resolve("state").toString());
    db = dir.resolve("paper.duckdb").toString();
    String plan =
        PaperStudy.yaml()
            .replaceFirst(
                "(?ms)^protocol:.*?^baseline:",
                "protocol: {warmup: 2, cycles: 40, max_layer_cycles: 60, min_samples_per_layer: 100, idle: 20ms}\nbaseline:");
    Path p = dir.resolve("paper-small.yaml");
    Files.writeString(p, plan);
    CliTest.Run s = CliTest.run("study", "run", p.toString(), "--db", db);
    assertThat(s.code()).as(s.err()).isZero();
    CliTest.Run pr =
        CliTest.run(
            "profile",
            "--board",
            "sim:nano",
            "--db",
            db,
            "--cycles",
            "40",
            "--warmup",
            "2",
            "--max-layer-cycles",
            "100",
            "--idle",
            "50ms",
            "--format",
            "json");
    assertThat(pr.code()).as(pr.err()).isZero();
    profileRun = pr.json().get("run_id").asLong();
  }

  @Test
  void theReportIsOneSelfContainedFileWithEveryFigureLabelledSimulated() throws Exception {
    Path html = dir.resolve("report.html");
    CliTest.Run r = CliTest.run("report", "--db", db, "--out", html.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("[simulated] report written to");
    String text = Files.readString(html);
    for (String id : SECTIONS) {
      assertThat(text).as(id).contains("id=\"" + id + "\"");
    }
    assertThat(text).contains("id=\"simulated-banner\"").doesNotContain("Not in this report");
    // nothing to fetch: no external script, style, image or font
    assertThat(text)
        .doesNotContainPattern("(?i)(src|href)=\"(https?:)?//")
        .doesNotContain("@import")
        .doesNotContain("url(");
    // Fig. 2 prefers a configuration of the study itself: each kept its raw recording
    java.util.regex.Matcher fig2 =
        java.util.regex.Pattern.compile("Power of run (\\d+) ").matcher(text);
    assertThat(fig2.find()).isTrue();
    assertThat(Long.parseLong(fig2.group(1))).isNotEqualTo(profileRun);
    // every chart has axis labels with units
    assertThat(text)
        .contains("power (mW)")
        .contains("latency (ms)")
        .contains("energy (mJ)")
        .contains("CPU frequency (MHz)")
        .contains("GPU frequency (MHz)")
        .contains("time since the first cycle's start (ms)");

    CliTest.Run bad =
        CliTest.run(
            "report", "--db", db, "--study", "nope", "--out", dir.resolve("x.html").toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("study 'nope' is not in");
  }

  @Test
  void everyNumberTheSvgFiguresShowEqualsTheStoresReadWithSql() throws Exception {
    Path html = dir.resolve("numbers.html");
    assertThat(CliTest.run("report", "--db", db, "--out", html.toString()).code()).isZero();
    try (FigureNumbers f = new FigureNumbers(db, Files.readString(html), "paper-nano")) {
      f.powerTrace();
      f.coresSweep();
      Map<String, Map<String, String>> modes = new java.util.LinkedHashMap<>();
      for (String mode : List.of("sync", "async")) {
        for (String batch : List.of("1", "8", "16", "32")) {
          modes.put(
              (mode.equals("sync") ? "Sync" : "Async") + " B" + batch,
              Map.of("mode", mode, "batch", batch));
        }
      }
      f.boxes("fig7", "mode-batch", modes);
      Map<String, Map<String, String>> inputs = new java.util.LinkedHashMap<>();
      for (String input : List.of("black", "fixed-random", "varied")) {
        inputs.put(input, Map.of("input", input));
      }
      f.boxes("fig9", "inputs", inputs);
      f.networks();
      f.pareto("mobilenetv2", "fixed-random");
      assertThat(f.checked()).isGreaterThan(300);
    }
  }

  @Test
  void fig2DrawsAnyStoredConfigurationOfTheStudyOrTheProfileRun() throws Exception {
    for (long run : new long[] {1, 3, profileRun}) {
      Path html = dir.resolve("fig2-" + run + ".html");
      CliTest.Run r =
          CliTest.run(
              "report", "--db", db, "--samples-run", Long.toString(run), "--out", html.toString());
      assertThat(r.code()).as(r.err()).isZero();
      String text = Files.readString(html);
      assertThat(text).contains("Power of run " + run + " (").doesNotContain("Not in this report");
    }
    JsonNode third = CliTest.run("show", "3", "--db", db, "--format", "json").json();
    assertThat(third.get("study").isNull()).isFalse();
    assertThat(third.get("raw_kept").asText()).isEqualTo("all");
  }

  @Test
  void chromiumOpensTheReportWithoutErrorsAndScreenshotsEveryFigure() throws Exception {
    String chromium = chromium();
    Assumptions.assumeTrue(
        chromium != null, "chromium is not installed (apt-get install -y chromium); skipped");
    Path html = dir.resolve("browser.html");
    assertThat(CliTest.run("report", "--db", db, "--out", html.toString()).code()).isZero();
    Chrome dom = chrome(chromium, List.of("--dump-dom", html.toUri().toString()));
    assertThat(dom.out()).contains("data-ready=\"1\"");
    assertThat(dom.out()).contains("<pre id=\"js-errors\"></pre>");
    assertThat(dom.err()).doesNotContainPattern("(?i)uncaught|CONSOLE\\(\\d+\\).*error");

    Path shots = Path.of("target", "report-screenshots");
    Files.createDirectories(shots);
    for (String id : SECTIONS) {
      Path png = shots.resolve(id + ".png").toAbsolutePath();
      Files.deleteIfExists(png);
      Chrome c =
          chrome(
              chromium,
              List.of(
                  "--hide-scrollbars",
                  "--window-size=1900,1100",
                  "--screenshot=" + png,
                  html.toUri() + "?only=" + id));
      assertThat(png).as(c.err()).exists();
      assertThat(Files.size(png)).isGreaterThan(10_000);
    }
  }

  @Test
  void exportWritesPartitionedParquetThatDuckDbReadsBack() throws Exception {
    Path out = dir.resolve("export");
    CliTest.Run e =
        CliTest.run("export", "--db", db, "--out", out.toString(), "--study", "paper-nano");
    assertThat(e.code()).as(e.err()).isZero();
    assertThat(e.out()).contains("[simulated] exported").contains("layer_training");
    assertThat(out.resolve("runs").resolve("board=sim%3Anano").resolve("study=paper-nano"))
        .isDirectory();
    // read back with DuckDB itself: inferwatt query reads the base and no other file
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        java.sql.ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT count(*) AS n FROM read_parquet('"
                        + out
                        + "/layer_training/**/*.parquet', hive_partitioning = true)"
                        + " WHERE study = 'paper-nano' AND macs > 0"
                        + " AND power_mw_total IS NOT NULL")) {
      rs.next();
      assertThat(rs.getLong(1)).isGreaterThan(100);
    }
    CliTest.Run again = CliTest.run("export", "--db", db, "--out", out.toString());
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err()).contains("is not empty");
  }

  @Test
  void showAndQueryKeepTheirSealedJsonShapes() throws Exception {
    CliTest.Run show =
        CliTest.run("show", Long.toString(profileRun), "--db", db, "--format", "json");
    assertThat(show.code()).as(show.err()).isZero();
    assertThat(show.json().get("simulated").asBoolean()).isTrue();
    assertThat(show.json().get("samples_stored").asLong()).isPositive();
    golden("show.json.shape", shape(show.json()));

    CliTest.Run text = CliTest.run("show", "1", "--db", db);
    assertThat(text.out().lines()).allMatch(l -> l.startsWith("[simulated] "));
    assertThat(text.out()).contains("study paper-nano, configuration");
    assertThat(CliTest.run("show", "99999", "--db", db).err()).contains("run 99999 is not in");

    CliTest.Run q =
        CliTest.run(
            "query",
            "--db",
            db,
            "--format",
            "json",
            "SELECT r.run_id, r.model, r.simulated, r.latency_ms_mean, r.cycles_needed, r.started_at"
                + " FROM runs r ORDER BY r.run_id LIMIT 2");
    assertThat(q.code()).as(q.err()).isZero();
    golden("query.json.shape", shape(q.json()));
    CliTest.Run t =
        CliTest.run(
            "query",
            "--db",
            db,
            "SELECT model, count(*) AS runs FROM runs GROUP BY model ORDER BY model");
    assertThat(t.out())
        .contains("model")
        .contains("mobilenetv2")
        .containsPattern("\\(\\d+ rows\\)");
    CliTest.Run bad = CliTest.run("query", "--db", db, "SELECT nope FROM runs");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err().lines().count()).isEqualTo(1);
  }

  /** Every path of a JSON document with its type; array elements collapse to {@code []}. */
  static String shape(JsonNode n) {
    TreeSet<String> out = new TreeSet<>();
    walk("", n, out);
    return String.join("\n", out) + "\n";
  }

  private static void walk(String path, JsonNode n, TreeSet<String> out) {
    if (n.isObject()) {
      out.add(path + " object");
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        // rail names and settings are data, not shape
        String key = path.endsWith("/settings") || path.endsWith("/environment") ? "*" : e.getKey();
        walk(path + "/" + key, e.getValue(), out);
      }
    } else if (n.isArray()) {
      out.add(path + " array");
      for (JsonNode c : n) {
        walk(path + "[]", c, out);
      }
    } else {
      out.add(
          path
              + " "
              + (n.isNull()
                  ? "null"
                  : n.isNumber() ? "number" : n.isBoolean() ? "boolean" : "string"));
    }
  }

  private static void golden(String name, String actual) throws IOException {
    Path file = Path.of("src", "test", "resources", "golden", name);
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(file, actual);
    }
    assertThat(file)
        .as("golden file %s (run with -Dgolden.update=true to create it)", file)
        .exists();
    assertThat(actual).isEqualTo(Files.readString(file));
  }

  record Chrome(String out, String err) {}

  private static String chromium() {
    for (String c : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
        if (Files.isExecutable(Path.of(d, c))) {
          return Path.of(d, c).toString();
        }
      }
    }
    return null;
  }

  private static Chrome chrome(String chromium, List<String> args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + dir.resolve("chromium-profile"),
                "--enable-logging=stderr",
                "--v=0"));
    cmd.addAll(args);
    Path err = Files.createTempFile(dir, "chromium", ".err");
    Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 90 s: " + cmd);
    }
    return new Chrome(out, Files.readString(err));
  }
}
