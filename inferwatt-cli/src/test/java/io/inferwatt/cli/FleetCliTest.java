package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferwatt.fleet.ScratchPostgres;
import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.StudyConfigurationRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands on a PostgreSQL base (a real server in a temporary folder): a study submitted,
 * drained by an agent, then read by runs, show, query, optima and export exactly as from a DuckDB
 * file that {@code study run} filled with the same plan.
 */
class FleetCliTest {
  static ScratchPostgres pg;
  @TempDir static Path dir;

  private static final String PLAN =
      """
      study: fleetcli
      board: sim:nano
      seed: 5
      protocol: {warmup: 1, cycles: 20, max_layer_cycles: 20, min_samples_per_layer: 5, idle: 10ms}
      baseline: {model: mobilenetv2, cpu.cores: 4}
      sweeps:
        - name: cores
          vary: {cpu.cores: [1, 4]}
        - name: clocks
          vary: {cpu.freq_khz: [102000, 1479000]}
      """;

  @BeforeAll
  static void start() throws Exception {
    var why = ScratchPostgres.unavailable();
    assumeTrue(why.isEmpty(), () -> "no PostgreSQL for this test: " + why.orElse(""));
    pg = ScratchPostgres.start(false);
    System.setProperty("inferwatt.state.dir", dir.resolve("state").toString());
  }

  @AfterAll
  static void stop() throws Exception {
    System.clearProperty("inferwatt.state.dir");
    if (pg != null) {
      pg.close();
    }
  }

  private static CliTest.Run pg(String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    a.addAll(List.of("--base", pg.url(), "--password-file", pg.passwordFile().toString()));
    return CliTest.run(a.toArray(String[]::new));
  }

  @Test
  void aSubmittedStudyReadsBackFromPostgresAsFromDuckDb() throws Exception {
    Path plan = dir.resolve("plan.yaml");
    Files.writeString(plan, PLAN);
    CliTest.Run sub = pg("study", "submit", plan.toString(), "--labels", "jetson-nano,jp4");
    assertThat(sub.code()).as(sub.err()).isZero();
    assertThat(sub.out()).contains("[simulated] study fleetcli: 3 configurations x 1 replicas");

    // the jobs need the labels: an agent without them finds nothing and exits
    CliTest.Run idle =
        pg(
            "agent",
            "--board",
            "sim:nano",
            "--until-empty",
            "--poll",
            "100ms",
            "--id",
            "bare",
            "--spool",
            dir.resolve("bare.duckdb").toString());
    assertThat(idle.code()).as(idle.err()).isZero();
    assertThat(idle.out()).contains("0 configurations measured");

    CliTest.Run agent =
        pg(
            "agent",
            "--board",
            "sim:nano",
            "--labels",
            "jp4,jetson-nano,extra",
            "--until-empty",
            "--poll",
            "100ms",
            "--id",
            "nano-1",
            "--spool",
            dir.resolve("spool.duckdb").toString());
    assertThat(agent.code()).as(agent.err()).isZero();
    assertThat(agent.out()).contains("[simulated] agent nano-1: 3 configurations measured");

    CliTest.Run status = pg("fleet", "status", "--format", "json");
    assertThat(status.code()).as(status.err()).isZero();
    JsonNode j = status.json();
    assertThat(j.fieldNames()).toIterable().containsExactly("jobs", "agents");
    assertThat(j.get("jobs").fieldNames())
        .toIterable()
        .containsExactly("queued", "running", "done", "failed");
    assertThat(j.at("/jobs/done").asInt()).isEqualTo(3);
    assertThat(j.at("/jobs/queued").asInt()).isZero();
    JsonNode nano = null;
    for (JsonNode a : j.get("agents")) {
      assertThat(a.fieldNames())
          .toIterable()
          .containsExactly("id", "board", "labels", "last_heartbeat", "job");
      if (a.get("id").asText().equals("nano-1")) {
        nano = a;
      }
    }
    assertThat(nano).isNotNull();
    assertThat(nano.get("labels").toString()).isEqualTo("[\"extra\",\"jetson-nano\",\"jp4\"]");
    assertThat(nano.get("job").isNull()).isTrue();
    assertThat(pg("fleet", "status").out()).contains("jobs: 0 queued, 0 running, 3 done");
    // study run on the same base finds what the fleet stored
    CliTest.Run resume = pg("study", "run", plan.toString());
    assertThat(resume.code()).as(resume.err()).isZero();
    assertThat(resume.out()).contains("3 were already stored, 0 measured now");

    // the same rows in a DuckDB file, copied through the store
    String duck = dir.resolve("same.duckdb").toString();
    try (MeasurementStore from = MeasurementStore.open(pg.url(), pg.passwordFile());
        MeasurementStore to = MeasurementStore.open(Path.of(duck))) {
      for (StudyConfigurationRow r : from.studyConfigurations("fleetcli")) {
        assertThat(MeasurementStore.transfer(from, to, "fleetcli", r.configKey())).isTrue();
      }
    }
    assertThat(pg("runs").out())
        .isEqualTo(CliTest.run("runs", "--db", duck).out().replace(duck, "x"));

    CliTest.Run runs = pg("runs");
    assertThat(runs.code()).as(runs.err()).isZero();
    assertThat(runs.out().lines().filter(l -> l.contains("mobilenetv2")).count()).isEqualTo(3);
    CliTest.Run show = pg("show", "1");
    assertThat(show.code()).as(show.err()).isZero();
    assertThat(show.out()).contains("sim:nano");
    CliTest.Run q =
        pg("query", "SELECT count(*) AS n FROM study_configurations", "--format", "csv");
    assertThat(q.code()).as(q.err()).isZero();
    assertThat(q.out()).contains("n").contains("3");

    CliTest.Run op = pg("optima", "--format", "json");
    CliTest.Run od = CliTest.run("optima", "--db", duck, "--format", "json");
    assertThat(op.code()).as(op.err()).isZero();
    assertThat(od.code()).as(od.err()).isZero();
    assertThat(op.json()).isEqualTo(od.json());
    assertThat(op.json().get("slices").size()).isPositive();

    CliTest.Run rep = pg("report", "--out", dir.resolve("report.html").toString());
    assertThat(rep.code()).as(rep.err()).isZero();
    assertThat(Files.readString(dir.resolve("report.html"))).contains("fleetcli");

    CliTest.Run ex = pg("export", "--out", dir.resolve("export").toString());
    assertThat(ex.code()).as(ex.err()).isZero();
    assertThat(dir.resolve("export/runs")).isDirectory();
  }

  @Test
  void writesThroughQueryAreRefusedAndAPasswordInTheUrlToo() {
    CliTest.Run w = pg("query", "DELETE FROM runs");
    assertThat(w.code()).isEqualTo(2);
    assertThat(w.err()).contains("read-only transaction");
    CliTest.Run pw = CliTest.run("runs", "--base", "postgresql://u:secret@127.0.0.1:1/x");
    assertThat(pw.code()).isEqualTo(2);
    assertThat(pw.err()).contains("password").doesNotContain("secret");
    CliTest.Run file =
        CliTest.run("study", "submit", "plan.yaml", "--db", dir.resolve("f.duckdb").toString());
    assertThat(file.code()).isEqualTo(2);
    assertThat(file.err()).contains("needs a PostgreSQL base");
    CliTest.Run agent =
        CliTest.run("agent", "--board", "sim:nano", "--db", dir.resolve("f.duckdb").toString());
    assertThat(agent.code()).isEqualTo(2);
    assertThat(pg("fleet", "cancel").code()).isEqualTo(2);
    CliTest.Run retry = pg("fleet", "retry", "--all");
    assertThat(retry.code()).as(retry.err()).isZero();
    assertThat(retry.out()).startsWith("queued again ");
    assertThat(pg("agent", "--board", "no-such-board").err()).contains("unknown board");
  }

  @Test
  void fitAndPredictOnPostgresGiveWhatTheyGiveOnDuckDb() throws Exception {
    // a database of its own: the other test compares the whole base with a file
    try (var c =
            java.sql.DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres",
                "inferwatt",
                Files.readString(pg.passwordFile()).strip());
        var st = c.createStatement()) {
      st.execute("CREATE DATABASE fitpg");
    }
    String url = pg.url().replace("/postgres", "/fitpg");
    String pw = pg.passwordFile().toString();
    Path plan = dir.resolve("train.yaml");
    Files.writeString(plan, PredictCliTest.PLAN);
    CliTest.Run run =
        CliTest.run("study", "run", plan.toString(), "--base", url, "--password-file", pw);
    assertThat(run.code()).as(run.err()).isZero();
    // the same rows in a DuckDB file
    String duck = dir.resolve("train.duckdb").toString();
    try (MeasurementStore from = MeasurementStore.open(url, pg.passwordFile());
        MeasurementStore to = MeasurementStore.open(Path.of(duck))) {
      for (StudyConfigurationRow r : from.studyConfigurations("train")) {
        assertThat(MeasurementStore.transfer(from, to, "train", r.configKey())).isTrue();
      }
    }
    String[] fit = {"fit", "--learners", "lasso-poly2", "--skip-short", "--format", "json"};
    CliTest.Run fp = CliTest.run(concat(fit, "--base", url, "--password-file", pw));
    CliTest.Run fd = CliTest.run(concat(fit, "--db", duck));
    assertThat(fp.code()).as(fp.err()).isZero();
    assertThat(fd.code()).as(fd.err()).isZero();
    assertThat(fp.json()).isEqualTo(fd.json());
    // the model is stored in the PostgreSQL base (schema v6 tables) and predict reads it there;
    // query prints PostgreSQL's types and booleans as DuckDB's
    String[] count = {
      "query",
      "SELECT (SELECT count(*) FROM models) AS m, (SELECT count(*) FROM model_folds) > 0 AS f,"
          + " (SELECT count(*) FROM model_points) > 0 AS p",
      "--format"
    };
    CliTest.Run qp = CliTest.run(concat(count, "json", "--base", url, "--password-file", pw));
    CliTest.Run qd = CliTest.run(concat(count, "json", "--db", duck));
    assertThat(qp.code()).as(qp.err()).isZero();
    assertThat(qp.json()).isEqualTo(qd.json());
    assertThat(qp.json().toString()).isEqualTo("[{\"m\":1,\"f\":true,\"p\":true}]");
    CliTest.Run cp = CliTest.run(concat(count, "csv", "--base", url, "--password-file", pw));
    assertThat(cp.out()).isEqualTo(CliTest.run(concat(count, "csv", "--db", duck)).out());
    String[] predict = {
      "predict",
      "mobilenetv2",
      "--board",
      "sim:nano",
      "--set",
      "gpu.freq_hz=537600000",
      "--format",
      "json"
    };
    CliTest.Run pp = CliTest.run(concat(predict, "--base", url, "--password-file", pw));
    CliTest.Run pd = CliTest.run(concat(predict, "--db", duck));
    assertThat(pp.code()).as(pp.err()).isZero();
    assertThat(pd.code()).as(pd.err()).isZero();
    assertThat(pp.json()).isEqualTo(pd.json());
    assertThat(pp.json().at("/network/latency_ms/value").asDouble()).isPositive();
  }

  private static String[] concat(String[] a, String... b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(String[]::new);
  }
}
