package io.inferwatt.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Rows appended to one table, in the table's column order: DuckDB's appender on DuckDB, a batched
 * {@code INSERT} on PostgreSQL. The writers of the store see only this, so their code is the same
 * on both engines. It has the column types the schema uses; the two implementations repeat one
 * shape (each call handed to the engine's own), which is what an adapter is.
 */
interface TableAppender extends AutoCloseable {

  TableAppender beginRow() throws SQLException;

  TableAppender append(long v) throws SQLException;

  TableAppender append(int v) throws SQLException;

  TableAppender append(boolean v) throws SQLException;

  TableAppender append(double v) throws SQLException;

  TableAppender append(String v) throws SQLException;

  TableAppender appendNull() throws SQLException;

  /** A {@code TIMESTAMP} column, as microseconds since the epoch (UTC). */
  TableAppender appendEpochMicros(long v) throws SQLException;

  TableAppender endRow() throws SQLException;

  /** Writes what is left; the rows are in the table (inside the caller's transaction) after it. */
  @Override
  void close() throws SQLException;

  /** DuckDB's appender, as it is. */
  static TableAppender duckDb(Connection conn, String table) throws SQLException {
    DuckDBAppender a =
        conn.unwrap(DuckDBConnection.class).createAppender(DuckDBConnection.DEFAULT_SCHEMA, table);
    return new TableAppender() {
      @Override
      public TableAppender beginRow() throws SQLException {
        a.beginRow();
        return this;
      }

      @Override
      public TableAppender append(long v) throws SQLException {
        a.append(v);
        return this;
      }

      @Override
      public TableAppender append(int v) throws SQLException {
        a.append(v);
        return this;
      }

      @Override
      public TableAppender append(boolean v) throws SQLException {
        a.append(v);
        return this;
      }

      @Override
      public TableAppender append(double v) throws SQLException {
        a.append(v);
        return this;
      }

      @Override
      public TableAppender append(String v) throws SQLException {
        a.append(v);
        return this;
      }

      @Override
      public TableAppender appendNull() throws SQLException {
        a.appendNull();
        return this;
      }

      @Override
      public TableAppender appendEpochMicros(long v) throws SQLException {
        a.appendEpochMicros(v);
        return this;
      }

      @Override
      public TableAppender endRow() throws SQLException {
        a.endRow();
        return this;
      }

      @Override
      public void close() throws SQLException {
        a.close();
      }
    };
  }

  /** A batched {@code INSERT INTO table VALUES (?, …)} over every column of {@code table}. */
  static TableAppender batchInsert(Connection conn, String table) throws SQLException {
    return new BatchInsert(conn, table);
  }

  /** The PostgreSQL side: one prepared insert, flushed every {@value #BATCH} rows and at close. */
  final class BatchInsert implements TableAppender {
    static final int BATCH = 2000;
    private final PreparedStatement ps;
    private final int columns;
    private int column;
    private int pending;

    BatchInsert(Connection conn, String table) throws SQLException {
      List<String> names = new ArrayList<>();
      try (PreparedStatement q =
          conn.prepareStatement(
              "SELECT column_name FROM information_schema.columns"
                  + " WHERE table_schema = current_schema() AND table_name = ?"
                  + " ORDER BY ordinal_position")) {
        q.setString(1, table);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            names.add(rs.getString(1));
          }
        }
      }
      if (names.isEmpty()) {
        throw new SQLException("table " + table + " does not exist");
      }
      this.columns = names.size();
      this.ps =
          conn.prepareStatement(
              "INSERT INTO "
                  + table
                  + " VALUES ("
                  + String.join(", ", java.util.Collections.nCopies(columns, "?"))
                  + ")");
    }

    private int next() throws SQLException {
      if (column >= columns) {
        throw new SQLException("row has more than " + columns + " values");
      }
      return ++column;
    }

    @Override
    public TableAppender beginRow() {
      column = 0;
      return this;
    }

    @Override
    public TableAppender append(long v) throws SQLException {
      ps.setLong(next(), v);
      return this;
    }

    @Override
    public TableAppender append(int v) throws SQLException {
      ps.setInt(next(), v);
      return this;
    }

    @Override
    public TableAppender append(boolean v) throws SQLException {
      ps.setBoolean(next(), v);
      return this;
    }

    @Override
    public TableAppender append(double v) throws SQLException {
      ps.setDouble(next(), v);
      return this;
    }

    @Override
    public TableAppender append(String v) throws SQLException {
      ps.setString(next(), v);
      return this;
    }

    @Override
    public TableAppender appendNull() throws SQLException {
      ps.setNull(next(), Types.NULL);
      return this;
    }

    @Override
    public TableAppender appendEpochMicros(long v) throws SQLException {
      LocalDateTime t =
          LocalDateTime.ofEpochSecond(
              Math.floorDiv(v, 1_000_000L),
              (int) Math.floorMod(v, 1_000_000L) * 1000,
              ZoneOffset.UTC);
      ps.setObject(next(), t);
      return this;
    }

    @Override
    public TableAppender endRow() throws SQLException {
      if (column != columns) {
        throw new SQLException("row has " + column + " of " + columns + " values");
      }
      ps.addBatch();
      if (++pending >= BATCH) {
        ps.executeBatch();
        pending = 0;
      }
      return this;
    }

    @Override
    public void close() throws SQLException {
      try {
        if (pending > 0) {
          ps.executeBatch();
        }
      } finally {
        ps.close();
      }
    }
  }
}
