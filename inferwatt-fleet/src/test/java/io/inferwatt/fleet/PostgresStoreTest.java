package io.inferwatt.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.store.ExportFormat;
import io.inferwatt.store.ExportedTable;
import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.PgBase;
import io.inferwatt.store.QueryResult;
import io.inferwatt.store.RawSamples;
import io.inferwatt.store.RunRow;
import io.inferwatt.store.SqlConsole;
import io.inferwatt.store.StoreException;
import io.inferwatt.store.StoredRun;
import io.inferwatt.study.Configuration;
import io.inferwatt.study.ProfileResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The measurement base on a real PostgreSQL: the same schema, writes and reads as on DuckDB. */
class PostgresStoreTest {
  static ScratchPostgres pg;
  static SimRuns.Measured measured;
  @TempDir Path dir;

  @BeforeAll
  static void start() {
    pg = Pg.start();
    measured = SimRuns.measure(SimRuns.plan("pgstore", 2));
  }

  @AfterAll
  static void stop() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  private static void fill(MeasurementStore s) {
    s.saveStudy(Results.studyInput(measured.study()));
    for (int i = 0; i < measured.configs().size(); i++) {
      Configuration c = measured.configs().get(i);
      ProfileResult r = measured.results().get(i);
      s.saveStudyRun(
          "pgstore",
          c.key(),
          c.index(),
          c.sweep(),
          Results.runInput(r, Results.environment(), Optional.empty(), Results.details(r), "t")
              .withRaw(RawSamples.of(r.timeline()), r.timeline().events()));
    }
  }

  private static List<String> text(List<io.inferwatt.store.RunDetails.InferenceRecord> rs) {
    return rs.stream()
        .map(
            r ->
                r.toString().replaceAll("\\[D@\\w+", "")
                    + java.util.Arrays.toString(r.powerMw())
                    + java.util.Arrays.toString(r.energyMj()))
        .toList();
  }

  @Test
  void aStudyReadsBackFromPostgresExactlyAsFromDuckDb() throws Exception {
    PgBase base = Pg.fresh(pg, "same");
    try (MeasurementStore p = MeasurementStore.open(base);
        MeasurementStore d = MeasurementStore.open(dir.resolve("same.duckdb"))) {
      fill(p);
      fill(d);
      assertThat(p.schemaVersion()).isEqualTo(d.schemaVersion());
      List<RunRow> pr = p.runs();
      assertThat(pr).hasSize(measured.configs().size()).isEqualTo(d.runs());
      for (RunRow r : pr) {
        StoredRun a = p.run(r.id()).orElseThrow();
        StoredRun b = d.run(r.id()).orElseThrow();
        assertThat(a).isEqualTo(b);
        assertThat(text(p.inferenceRecords(r.id()))).isEqualTo(text(d.inferenceRecords(r.id())));
        assertThat(p.layerFeatures(r.id())).isEqualTo(d.layerFeatures(r.id()));
        assertThat(p.samples(r.id())).isPresent().isEqualTo(d.samples(r.id()));
      }
      assertThat(p.studies())
          .usingRecursiveFieldByFieldElementComparatorIgnoringFields("createdAt", "updatedAt")
          .isEqualTo(d.studies());
      assertThat(p.studyConfigurations("pgstore")).isEqualTo(d.studyConfigurations("pgstore"));
      assertThat(p.studySlices("pgstore")).isEqualTo(d.studySlices("pgstore"));
    }
  }

  @Test
  void reopeningMigratesNothingAndASecondCopyIsRefused() throws Exception {
    PgBase base = Pg.fresh(pg, "twice");
    try (MeasurementStore p = MeasurementStore.open(base)) {
      fill(p);
    }
    try (MeasurementStore p = MeasurementStore.open(base)) {
      assertThatThrownBy(() -> fill(p)).isInstanceOf(StoreException.class);
      assertThat(p.runs()).hasSize(measured.configs().size());
    }
  }

  @Test
  void transferCopiesAConfigurationOnceBetweenEngines() throws Exception {
    PgBase base = Pg.fresh(pg, "transfer");
    try (MeasurementStore spool = MeasurementStore.open(dir.resolve("spool.duckdb"));
        MeasurementStore p = MeasurementStore.open(base)) {
      fill(spool);
      String key = measured.configs().get(1).key();
      assertThat(MeasurementStore.transfer(spool, p, "pgstore", key)).isTrue();
      assertThat(MeasurementStore.transfer(spool, p, "pgstore", key)).isFalse();
      assertThat(p.studyConfigurations("pgstore")).hasSize(1);
      long id = p.studyConfigurations("pgstore").get(0).runId();
      long src =
          spool.studyConfigurations("pgstore").stream()
              .filter(r -> r.configKey().equals(key))
              .findFirst()
              .orElseThrow()
              .runId();
      StoredRun a = p.run(id).orElseThrow();
      StoredRun b = spool.run(src).orElseThrow();
      assertThat(a)
          .isEqualTo(
              new StoredRun(
                  a.id(),
                  b.board(),
                  b.simulated(),
                  b.model(),
                  b.settings(),
                  b.startedAt(),
                  b.toolVersion(),
                  b.environment(),
                  b.result(),
                  b.totalRail(),
                  b.samplesStored()));
      assertThat(text(p.inferenceRecords(id))).isEqualTo(text(spool.inferenceRecords(src)));
    }
  }

  @Test
  void exportWritesTheSameTablesFromPostgres() throws Exception {
    PgBase base = Pg.fresh(pg, "export");
    try (MeasurementStore p = MeasurementStore.open(base);
        MeasurementStore d = MeasurementStore.open(dir.resolve("export.duckdb"))) {
      fill(p);
      fill(d);
      List<ExportedTable> a = p.export(dir.resolve("pg"), ExportFormat.CSV, null);
      List<ExportedTable> b = d.export(dir.resolve("duck"), ExportFormat.CSV, null);
      assertThat(a.stream().map(t -> t.table() + "=" + t.rows()).toList())
          .isEqualTo(b.stream().map(t -> t.table() + "=" + t.rows()).toList());
      assertThat(Files.exists(dir.resolve("pg/runs"))).isTrue();
    }
  }

  @Test
  void queryIsReadOnlyAndAReaderRoleCannotWrite() throws Exception {
    PgBase base = Pg.fresh(pg, "ro");
    try (MeasurementStore p = MeasurementStore.open(base)) {
      fill(p);
    }
    String url = pg.url().replace("/postgres", "/ro");
    try (SqlConsole c = SqlConsole.open(url, pg.passwordFile())) {
      QueryResult q = c.query("SELECT count(*) AS n FROM runs", 0);
      assertThat(q.rows().get(0).get(0)).isEqualTo(Integer.toString(measured.configs().size()));
      assertThatThrownBy(() -> c.query("DELETE FROM runs", 0))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("read-only transaction");
      assertThat(c.query("SELECT count(*) FROM runs", 0).rows().get(0).get(0))
          .isEqualTo(Integer.toString(measured.configs().size()));
    }
    // the role docs/fleet.md tells to create for query: it cannot write even outside the
    // read-only transaction
    Path pw = dir.resolve("reader-password");
    Files.writeString(pw, "reader-secret\n");
    try (Connection c = base.connect();
        Statement st = c.createStatement()) {
      st.execute("CREATE ROLE inferwatt_reader LOGIN PASSWORD 'reader-secret'");
      st.execute("GRANT CONNECT ON DATABASE ro TO inferwatt_reader");
      st.execute("GRANT USAGE ON SCHEMA public TO inferwatt_reader");
      st.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO inferwatt_reader");
      st.execute("ALTER ROLE inferwatt_reader SET default_transaction_read_only = on");
    }
    String readerUrl = url.replace("inferwatt@", "inferwatt_reader@");
    try (SqlConsole c = SqlConsole.open(readerUrl, pw)) {
      assertThat(c.query("SELECT count(*) FROM runs", 0).rows()).hasSize(1);
      assertThatThrownBy(() -> c.query("COMMIT; BEGIN READ WRITE; DELETE FROM runs; COMMIT", 0))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("permission denied");
    }
    try (MeasurementStore p = MeasurementStore.open(base)) {
      assertThat(p.runs()).hasSize(measured.configs().size());
    } finally {
      try (Connection c = base.connect();
          Statement st = c.createStatement()) {
        st.execute("DROP OWNED BY inferwatt_reader");
        st.execute("DROP ROLE inferwatt_reader");
      }
    }
  }

  @Test
  void aPasswordInTheUrlIsRefusedAndNeverShown() {
    assertThatThrownBy(() -> PgBase.parse("postgresql://u:hunter2@h/db", null))
        .hasMessageNotContaining("hunter2")
        .hasMessageContaining("password");
    assertThat(PgBase.parse("postgresql://u@h:6543/db?sslmode=require", null).toString())
        .isEqualTo("postgresql://u@h:6543/db?sslmode=require");
    assertThatThrownBy(() -> PgBase.parse("postgresql://u@h/db?password=x", null))
        .hasMessageContaining("not accepted");
  }
}
