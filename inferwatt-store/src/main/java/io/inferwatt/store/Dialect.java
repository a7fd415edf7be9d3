package io.inferwatt.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * What differs between the two engines a measurement base lives in, and nothing else: the schema's
 * SQL, the writers and the readers are one copy for both.
 *
 * <ul>
 *   <li>type names: the migrations say {@code DOUBLE} (and may say {@code FLOAT}, {@code BLOB},
 *       {@code TINYINT}), which PostgreSQL spells {@code DOUBLE PRECISION} ({@code REAL}, {@code
 *       BYTEA}, {@code SMALLINT});
 *   <li>two functions the SQL uses, {@code make_timestamp(micros)} and {@code epoch_us(ts)}: DuckDB
 *       has them, PostgreSQL gets them as SQL functions before the first migration;
 *   <li>bulk rows: DuckDB's appender, PostgreSQL's batched insert ({@link TableAppender});
 *   <li>writers: DuckDB has one process per file; on PostgreSQL many agents write at once, so a
 *       save takes a transaction-scoped advisory lock before it picks the next {@code run_id}.
 * </ul>
 */
enum Dialect {
  DUCKDB {
    @Override
    String ddl(String sql) {
      return sql;
    }

    @Override
    void prepare(Connection conn) {}

    @Override
    TableAppender appender(Connection conn, String table) throws SQLException {
      return TableAppender.duckDb(conn, table);
    }

    @Override
    void lockWriters(Connection conn) {}
  },

  POSTGRESQL {
    private static final Pattern DOUBLE = Pattern.compile("\\bDOUBLE\\b(?!\\s+PRECISION)");

    private static final Pattern FLOAT = Pattern.compile("\\bFLOAT\\b");
    private static final Pattern BLOB = Pattern.compile("\\bBLOB\\b");
    private static final Pattern TINYINT = Pattern.compile("\\bTINYINT\\b");

    @Override
    String ddl(String sql) {
      String s = DOUBLE.matcher(sql).replaceAll("DOUBLE PRECISION");
      s = FLOAT.matcher(s).replaceAll("REAL"); // DuckDB's FLOAT has 4 bytes, PostgreSQL's 8
      s = BLOB.matcher(s).replaceAll("BYTEA");
      return TINYINT.matcher(s).replaceAll("SMALLINT");
    }

    @Override
    void prepare(Connection conn) throws SQLException {
      try (Statement st = conn.createStatement()) {
        st.execute(
            "CREATE OR REPLACE FUNCTION make_timestamp(us BIGINT) RETURNS TIMESTAMP"
                + " LANGUAGE sql IMMUTABLE AS"
                + " $$ SELECT TIMESTAMP '1970-01-01 00:00:00' + us * INTERVAL '1 microsecond' $$");
        st.execute(
            "CREATE OR REPLACE FUNCTION epoch_us(t TIMESTAMP) RETURNS BIGINT"
                + " LANGUAGE sql IMMUTABLE AS"
                + " $$ SELECT (extract(epoch FROM t) * 1000000)::BIGINT $$");
      }
    }

    @Override
    TableAppender appender(Connection conn, String table) throws SQLException {
      return TableAppender.batchInsert(conn, table);
    }

    @Override
    void lockWriters(Connection conn) throws SQLException {
      try (Statement st = conn.createStatement()) {
        st.execute("SELECT pg_advisory_xact_lock(" + WRITER_LOCK + ")");
      }
    }
  };

  /** The advisory lock key every writer of a PostgreSQL base takes inside its transaction. */
  static final long WRITER_LOCK = 0x696e6677L; // "infw"

  /** A migration statement as this engine accepts it. */
  abstract String ddl(String sql);

  /** Runs once per connection before the schema is read or migrated. */
  abstract void prepare(Connection conn) throws SQLException;

  /** Rows into {@code table}, inside the caller's transaction. */
  abstract TableAppender appender(Connection conn, String table) throws SQLException;

  /** Serializes writers that pick ids with {@code max(...) + 1}; call first in a transaction. */
  abstract void lockWriters(Connection conn) throws SQLException;
}
