package io.inferwatt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query console is DuckDB's sandbox: each class of statement that could change or reach
 * anything is refused, the base stays byte for byte the same, and no file appears or is read.
 */
class SqlConsoleTest {
  @TempDir Path dir;
  private Path base;
  private byte[] before;

  @BeforeEach
  void aBaseWithOneRun() throws IOException {
    base = dir.resolve("runs.duckdb");
    try (MeasurementStore s = MeasurementStore.open(base)) {
      s.saveRun(
          Fixtures.run(
              "jetson-nano", "resnet18", Instant.EPOCH, Fixtures.result(Fixtures.RAILS, 5, 4000)));
    }
    before = Files.readAllBytes(base);
  }

  private List<String> files() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.map(Path::toString).sorted().toList();
    }
  }

  /** Runs {@code sql}, which must be refused, and checks that nothing changed. */
  private void refused(String sql, String why) throws IOException {
    List<String> filesBefore = files();
    try (SqlConsole c = SqlConsole.open(base)) {
      assertThatThrownBy(() -> c.query(sql, 0))
          .as(sql)
          .isInstanceOf(StoreException.class)
          .hasMessageContaining(why);
      // the statement changed nothing the same session can see either
      assertThat(c.query("SELECT count(*) FROM runs", 0).rows()).containsExactly(List.of("1"));
    }
    assertThat(Files.readAllBytes(base)).as(sql).isEqualTo(before);
    assertThat(files()).as(sql).isEqualTo(filesBefore);
    try (MeasurementStore s = MeasurementStore.open(base)) {
      assertThat(s.runs()).as(sql).hasSize(1);
    }
  }

  @Test
  void dropAndCommitIsRefused() throws IOException {
    refused("DROP TABLE runs; COMMIT", "read-only");
  }

  @Test
  void insertAndCommitIsRefused() throws IOException {
    refused("INSERT INTO boards VALUES (99, 'x'); COMMIT", "read-only");
  }

  @Test
  void deleteIsRefused() throws IOException {
    refused("DELETE FROM runs", "read-only");
  }

  @Test
  void copyOverTheBaseIsRefused() throws IOException {
    refused("COPY (SELECT 1) TO '" + base + "' (FORMAT CSV)", "disabled by configuration");
  }

  @Test
  void copyToANewFileIsRefused() throws IOException {
    refused("COPY (SELECT 1) TO '" + dir.resolve("out.csv") + "'", "disabled by configuration");
    assertThat(dir.resolve("out.csv")).doesNotExist();
  }

  @Test
  void attachIsRefused() throws IOException {
    refused("ATTACH '" + dir.resolve("other.duckdb") + "' AS o", "disabled by configuration");
    assertThat(dir.resolve("other.duckdb")).doesNotExist();
  }

  @Test
  void exportDatabaseIsRefused() throws IOException {
    refused("EXPORT DATABASE '" + dir.resolve("dump") + "'", "disabled by configuration");
    assertThat(dir.resolve("dump")).doesNotExist();
  }

  @Test
  void readingAnyFileIsRefused() throws IOException {
    Path secret = dir.resolve("secret.csv");
    Files.writeString(secret, "a,b\n1,2\n");
    before = Files.readAllBytes(base);
    refused("SELECT * FROM read_csv('" + secret + "')", "disabled by configuration");
    refused("SELECT * FROM read_text('" + secret + "')", "disabled by configuration");
    refused("SELECT * FROM glob('" + dir + "/*')", "disabled by configuration");
  }

  @Test
  void extensionsAreNeitherInstalledNorLoaded() throws IOException {
    refused("INSTALL httpfs", "disabled");
    refused("LOAD httpfs", "disabled");
  }

  @Test
  void theSandboxCannotBeLifted() throws IOException {
    refused("SET enable_external_access = true", "locked");
    refused("SET access_mode = 'READ_WRITE'", "locked");
  }

  @Test
  void aLargeResultIsStreamedAndCutAtTheLimit() {
    List<List<String>> got = new ArrayList<>();
    try (SqlConsole c = SqlConsole.open(base)) {
      // 10^12 rows: only a stream that stops at the limit can answer this
      SqlConsole.Streamed s =
          c.stream(
              "SELECT i FROM range(1000000000000) t(i)",
              3,
              new SqlConsole.RowSink() {
                @Override
                public void columns(List<String> names, List<String> types) {
                  assertThat(names).containsExactly("i");
                }

                @Override
                public void row(List<String> values) {
                  got.add(values);
                }
              });
      assertThat(s).isEqualTo(new SqlConsole.Streamed(3, true));
      assertThat(c.query("SELECT 1 UNION ALL SELECT 2", 2).rows()).hasSize(2);
      assertThat(c.stream("SELECT 1 UNION ALL SELECT 2", 2, new Collect()).cut()).isFalse();
    }
    assertThat(got).containsExactly(List.of("0"), List.of("1"), List.of("2"));
  }

  @Test
  void readingWorksAndAMissingBaseIsNotCreated() {
    try (SqlConsole c = SqlConsole.open(base)) {
      QueryResult q = c.query("SELECT model, batch FROM runs", 0);
      assertThat(q.columns()).containsExactly("model", "batch");
      assertThat(q.types()).containsExactly("VARCHAR", "INTEGER");
      assertThat(q.rows()).containsExactly(List.of("resnet18", "1"));
    }
    Path missing = dir.resolve("nope.duckdb");
    assertThatThrownBy(() -> SqlConsole.open(missing))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("does not exist");
    assertThat(missing).doesNotExist();
  }

  private static final class Collect implements SqlConsole.RowSink {
    @Override
    public void columns(List<String> names, List<String> types) {}

    @Override
    public void row(List<String> values) {}
  }
}
