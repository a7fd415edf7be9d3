package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inferwatt query} cannot change the base or reach anything else: the audit's statements,
 * one class each. Every refused statement ends in one line and exit 2, the base file is byte for
 * byte as before, no file appears in the folder, and the runs are all still there.
 */
class QuerySandboxCliTest {
  @TempDir static Path dir;
  private static Path db;
  private static byte[] before;
  private static long runs;

  @BeforeAll
  static void oneProfile() throws IOException {
    System.setProperty("inferwatt.state.dir", dir.resolve("state").toString());
    db = dir.resolve("q.duckdb");
    CliTest.Run p =
        CliTest.run(
            "profile",
            "--board",
            "sim:nano",
            "--db",
            db.toString(),
            "--cycles",
            "20",
            "--warmup",
            "2",
            "--max-layer-cycles",
            "20",
            "--idle",
            "20ms");
    assertThat(p.code()).as(p.err()).isZero();
    before = Files.readAllBytes(db);
    runs = count();
  }

  private static long count() {
    CliTest.Run c =
        CliTest.run("query", "--db", db.toString(), "--format", "csv", "SELECT count(*) FROM runs");
    assertThat(c.code()).as(c.err()).isZero();
    return Long.parseLong(c.out().lines().toList().get(1));
  }

  private static List<String> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(Path::toString).sorted().toList();
    }
  }

  private static void refused(String sql) throws IOException {
    List<String> filesBefore = files();
    CliTest.Run r = CliTest.run("query", "--db", db.toString(), sql);
    assertThat(r.code()).as(sql + "\n" + r.out() + r.err()).isEqualTo(2);
    assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
    assertThat(Files.readAllBytes(db)).as(sql).isEqualTo(before);
    assertThat(files()).as(sql).isEqualTo(filesBefore);
    assertThat(count()).as(sql).isEqualTo(runs);
  }

  @Test
  void dropTableAndCommit() throws IOException {
    refused("DROP TABLE runs; COMMIT");
  }

  @Test
  void insertAndCommit() throws IOException {
    refused("INSERT INTO boards VALUES (99, 'intruder'); COMMIT");
  }

  @Test
  void copyOverTheBase() throws IOException {
    refused("COPY (SELECT 1) TO '" + db + "' (FORMAT CSV)");
  }

  @Test
  void copyToAFile() throws IOException {
    refused("COPY (SELECT 1) TO '" + dir.resolve("x.csv") + "'");
  }

  @Test
  void attach() throws IOException {
    refused("ATTACH '" + dir.resolve("y.duckdb") + "' AS y");
  }

  @Test
  void exportDatabase() throws IOException {
    refused("EXPORT DATABASE '" + dir.resolve("dump") + "'");
  }

  @Test
  void readAnyFile() throws IOException {
    refused("SELECT * FROM read_csv('/etc/passwd')");
    refused("SELECT * FROM read_text('/etc/hostname')");
    refused("SELECT * FROM glob('/root/*')");
  }

  @Test
  void installAnExtension() throws IOException {
    refused("INSTALL httpfs");
  }

  @Test
  void aHugeResultIsCutAtTheLimitWithALine() {
    CliTest.Run t =
        CliTest.run("query", "--db", db.toString(), "SELECT i FROM range(200000000) t(i)");
    assertThat(t.code()).as(t.err()).isZero();
    assertThat(t.out().lines().count()).isEqualTo(2 + 10_000 + 1);
    assertThat(t.out()).contains("10000 rows shown, cut by --limit 10000");
    CliTest.Run c =
        CliTest.run(
            "query",
            "--db",
            db.toString(),
            "--format",
            "csv",
            "--limit",
            "5",
            "SELECT i FROM range(200000000) t(i)");
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(c.out().lines()).containsExactly("i", "0", "1", "2", "3", "4");
    assertThat(c.err()).contains("output stopped after 5 rows (--limit 5)");
    CliTest.Run j =
        CliTest.run(
            "query",
            "--db",
            db.toString(),
            "--format",
            "json",
            "--limit",
            "2",
            "SELECT i FROM range(200000000) t(i)");
    assertThat(j.code()).as(j.err()).isZero();
    assertThat(j.out().replaceAll("\\s", "")).isEqualTo("[{\"i\":0},{\"i\":1}]");
    assertThat(CliTest.run("query", "--db", db.toString(), "--limit", "-1", "SELECT 1").code())
        .isEqualTo(2);
  }
}
