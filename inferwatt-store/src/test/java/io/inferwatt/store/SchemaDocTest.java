package io.inferwatt.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seals the schema: {@code docs/schema.md} is its golden file. Every table and column of a freshly
 * created base must be documented there with its exact DuckDB type, and the page must document
 * nothing that is not in the base. A schema change fails here until the page says the same.
 */
class SchemaDocTest {

  private static final Path DOC = Path.of("..", "docs", "schema.md");
  private static final Pattern TABLE = Pattern.compile("^### `([a-z_0-9]+)`\\s*$");
  private static final Pattern COLUMN = Pattern.compile("^\\| `([a-z_0-9]+)` \\| ([A-Z]+) \\|");

  @TempDir Path dir;

  @Test
  void everyTableAndColumnIsDocumentedWithItsType() throws IOException {
    Map<String, String> actual = new TreeMap<>();
    try (MeasurementStore store = MeasurementStore.open(dir.resolve("schema.duckdb"))) {
      QueryResult q =
          Fixtures.query(
              store,
              "SELECT table_name, column_name, data_type FROM information_schema.columns"
                  + " WHERE table_schema = 'main' ORDER BY table_name, ordinal_position");
      for (List<String> row : q.rows()) {
        actual.put(row.get(0) + "." + row.get(1), row.get(2));
      }
    }

    Map<String, String> documented = new TreeMap<>();
    String table = null;
    for (String line : Files.readAllLines(DOC)) {
      Matcher t = TABLE.matcher(line);
      if (t.matches()) {
        table = t.group(1);
        continue;
      }
      Matcher c = COLUMN.matcher(line);
      if (table != null && c.find()) {
        documented.put(table + "." + c.group(1), c.group(2));
      }
    }

    assertThat(actual).isNotEmpty();
    assertThat(documented).isEqualTo(actual);
  }

  @Test
  void theSqlExamplesRunOnAStoredRun() throws IOException {
    Matcher m = Pattern.compile("(?s)```sql\\n(.*?)```").matcher(Files.readString(DOC));
    try (MeasurementStore store = MeasurementStore.open(dir.resolve("examples.duckdb"))) {
      var timeline = Fixtures.timeline();
      var result = Fixtures.analyzed(timeline, true);
      var run = Fixtures.run("jetson-nano", "resnet18", java.time.Instant.EPOCH, result);
      long id =
          store.saveRun(
              new RunInput(
                  run.board(),
                  true,
                  run.model(),
                  run.settings(),
                  run.startedAt(),
                  run.toolVersion(),
                  run.environment(),
                  result,
                  "in",
                  java.util.Optional.of(RawSamples.of(timeline))));
      assertThat(id).isEqualTo(1);
      int examples = 0;
      while (m.find()) {
        String sql = m.group(1).trim().replaceAll(";$", "");
        assertThat(Fixtures.query(store, sql).rows()).as(sql).isNotEmpty();
        examples++;
      }
      assertThat(examples).isEqualTo(3);
    }
  }

  @Test
  void theDocumentedVersionIsTheNewest() throws IOException {
    String doc = Files.readString(DOC);
    int latest = Schema.latest(Schema.MIGRATIONS);
    assertThat(doc).contains("(schema version " + latest + ")");
    assertThat(doc).containsPattern("(?m)^\\| " + latest + " \\|");
  }
}
