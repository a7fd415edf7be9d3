package io.inferwatt.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * {@link SqlConsole} over one read-only connection: a sandboxed DuckDB file, or a PostgreSQL base
 * in read-only transactions (for a role without write rights, see {@code docs/fleet.md}).
 */
final class DuckDbSqlConsole implements SqlConsole {

  /**
   * DuckDB's own sandbox: the file read-only, no file or network access, no extension installed or
   * loaded, and the configuration locked so that no {@code SET} can lift any of it. Streaming keeps
   * a large result out of memory.
   */
  static Properties sandbox() {
    Properties p = new Properties();
    p.setProperty("access_mode", "READ_ONLY");
    p.setProperty("enable_external_access", "false");
    p.setProperty("autoinstall_known_extensions", "false");
    p.setProperty("autoload_known_extensions", "false");
    p.setProperty("lock_configuration", "true");
    p.setProperty("jdbc_stream_results", "true");
    return p;
  }

  private final Object file;
  private final Connection conn;
  private final boolean postgres;
  private boolean closed;

  private DuckDbSqlConsole(Object file, Connection conn, boolean postgres) {
    this.file = file;
    this.conn = conn;
    this.postgres = postgres;
  }

  /**
   * Opens the PostgreSQL base {@code base} for queries: every statement runs in a read-only
   * transaction that is rolled back after it. The base must be at this inferwatt's schema version
   * (a read-only role cannot migrate it; any other command with a writing role does).
   */
  static DuckDbSqlConsole openPostgres(PgBase base) {
    String name = base.toString();
    Connection conn = base.connectOrFail();
    try {
      int version = Migrations.currentVersion(name, conn);
      int latest = Schema.latest(Schema.MIGRATIONS);
      Migrations.checkNotNewer(name, version, latest);
      if (version < latest) {
        throw new BadBaseException(
            "measurement base "
                + name
                + " has schema version "
                + version
                + ", older than "
                + latest
                + "; open it once with a writing role (e.g. inferwatt runs --base ...) to migrate it");
      }
      try (Statement st = conn.createStatement()) {
        st.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
        st.execute("SET statement_timeout = '300s'");
      }
      conn.setReadOnly(true);
      conn.setAutoCommit(false);
      return new DuckDbSqlConsole(name, conn, true);
    } catch (SQLException | RuntimeException e) {
      Transactions.closeQuietly(conn, e);
      if (e instanceof StoreException se) {
        throw se;
      }
      throw new StoreException("cannot open measurement base " + name + ": " + e.getMessage(), e);
    }
  }

  static DuckDbSqlConsole open(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    if (!Files.isRegularFile(abs)) {
      throw new StoreException(
          "measurement base " + abs + (Files.exists(abs) ? " is not a file" : " does not exist"));
    }
    Connection conn = connect(abs);
    try {
      int version = Migrations.currentVersion(abs, conn);
      int latest = Schema.latest(Schema.MIGRATIONS);
      Migrations.checkNotNewer(abs, version, latest);
      if (version < latest) {
        // a read-only connection cannot migrate: migrate as every writing command does, then reopen
        conn.close();
        MeasurementStore.open(abs).close();
        conn = connect(abs);
      }
      return new DuckDbSqlConsole(abs, conn, false);
    } catch (SQLException | RuntimeException e) {
      Transactions.closeQuietly(conn, e);
      if (e instanceof StoreException se) {
        throw se;
      }
      throw new StoreException(
          "cannot read the schema version of measurement base " + abs + ": " + e.getMessage(), e);
    }
  }

  private static Connection connect(Path abs) {
    try {
      return DriverManager.getConnection("jdbc:duckdb:" + abs, sandbox());
    } catch (SQLException e) {
      throw DuckDbStore.openFailure(abs, e);
    }
  }

  @Override
  public synchronized Streamed stream(String sql, long maxRows, RowSink sink) {
    if (closed) {
      throw new IllegalStateException("measurement base " + file + " is closed");
    }
    if (maxRows < 0) {
      throw new IllegalArgumentException("maxRows is negative: " + maxRows);
    }
    try (Statement st = conn.createStatement()) {
      if (postgres) {
        st.setFetchSize(1000); // a cursor: rows stream instead of arriving whole
      }
      if (!st.execute(sql)) {
        return new Streamed(0, false);
      }
      try (ResultSet rs = st.getResultSet()) {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<String> columns = new ArrayList<>(n);
        List<String> types = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          columns.add(md.getColumnLabel(i));
          types.add(postgres ? duckDbTypeName(md.getColumnTypeName(i)) : md.getColumnTypeName(i));
        }
        sink.columns(List.copyOf(columns), List.copyOf(types));
        long rows = 0;
        while (rs.next()) {
          if (maxRows > 0 && rows == maxRows) {
            return new Streamed(rows, true);
          }
          String[] row = new String[n];
          for (int i = 1; i <= n; i++) {
            String v = rs.getString(i);
            // PostgreSQL's text for a boolean is t/f; DuckDB's (and the output's) true/false
            row[i - 1] = v != null && types.get(i - 1).equals("BOOLEAN") ? bool(v) : v;
          }
          sink.row(java.util.Collections.unmodifiableList(Arrays.asList(row)));
          rows++;
        }
        return new Streamed(rows, false);
      }
    } catch (SQLException e) {
      throw new StoreException(
          "query on measurement base " + file + " failed: " + e.getMessage() + "\n  query: " + sql,
          e);
    } finally {
      if (postgres) {
        try {
          conn.rollback(); // whatever the statement did, nothing of it stays
        } catch (SQLException e) {
          // the connection is gone; the next statement says so
        }
      }
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      conn.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close measurement base " + file + ": " + e.getMessage(), e);
    }
  }

  /** A PostgreSQL column type by the name DuckDB gives the same type, so output reads the same. */
  static String duckDbTypeName(String pg) {
    return switch (pg) {
      case "int2" -> "SMALLINT";
      case "int4", "serial" -> "INTEGER";
      case "int8", "bigserial" -> "BIGINT";
      case "float4" -> "FLOAT";
      case "float8" -> "DOUBLE";
      case "numeric" -> "DECIMAL";
      case "bool" -> "BOOLEAN";
      case "varchar", "text", "bpchar", "name" -> "VARCHAR";
      case "timestamp" -> "TIMESTAMP";
      case "timestamptz" -> "TIMESTAMP WITH TIME ZONE";
      case "bytea" -> "BLOB";
      default -> pg.toUpperCase(java.util.Locale.ROOT);
    };
  }

  private static String bool(String v) {
    return switch (v) {
      case "t" -> "true";
      case "f" -> "false";
      default -> v;
    };
  }
}
