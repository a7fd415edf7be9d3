package io.inferwatt.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one rewrite of migration SQL for PostgreSQL, and that DuckDB's is left alone. */
class DialectTest {

  @Test
  void doubleBecomesDoublePrecisionOnPostgresOnly() {
    String sql = "CREATE TABLE t (a DOUBLE, b DOUBLE PRECISION, double_ms DOUBLE NOT NULL)";
    assertThat(Dialect.POSTGRESQL.ddl(sql))
        .isEqualTo(
            "CREATE TABLE t (a DOUBLE PRECISION, b DOUBLE PRECISION,"
                + " double_ms DOUBLE PRECISION NOT NULL)");
    assertThat(Dialect.DUCKDB.ddl(sql)).isEqualTo(sql);
    assertThat(Dialect.POSTGRESQL.ddl("x FLOAT, y BLOB, z TINYINT, float_n INTEGER"))
        .isEqualTo("x REAL, y BYTEA, z SMALLINT, float_n INTEGER");
  }

  @Test
  void everyMigrationUsesTypesBothEnginesAccept() {
    for (Migration m : Schema.MIGRATIONS) {
      for (String sql : m.statements()) {
        assertThat(sql)
            .as("migration %d", m.version())
            .doesNotContainPattern("(?i)\\b(HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT)\\b")
            .doesNotContainPattern("(?i)\\b(STRUCT|MAP|UNION)\\s*\\(")
            .doesNotContain("[]")
            .doesNotContainPattern("(?i)CREATE\\s+(OR\\s+REPLACE\\s+|SEQUENCE)");
      }
    }
  }
}
