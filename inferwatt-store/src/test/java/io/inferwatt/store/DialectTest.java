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
  }

  @Test
  void everyMigrationUsesTypesBothEnginesAccept() {
    for (Migration m : Schema.MIGRATIONS) {
      for (String sql : m.statements()) {
        assertThat(sql)
            .as("migration %d", m.version())
            .doesNotContainIgnoringCase(" HUGEINT")
            .doesNotContainIgnoringCase(" UBIGINT")
            .doesNotContainIgnoringCase(" UINTEGER")
            .doesNotContainIgnoringCase("[]")
            .doesNotContainIgnoringCase(" STRUCT")
            .doesNotContainIgnoringCase(" MAP(")
            .doesNotContainIgnoringCase(" LIST")
            .doesNotContainIgnoringCase("CREATE SEQUENCE")
            .doesNotContainIgnoringCase("OR REPLACE");
      }
    }
  }
}
