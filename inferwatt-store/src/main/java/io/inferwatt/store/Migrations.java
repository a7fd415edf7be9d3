package io.inferwatt.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads a base's schema version and brings it to the newest with the {@link Schema}'s steps. */
final class Migrations {

  private Migrations() {}

  /**
   * Migrates the base on {@code conn} to the latest of {@code migrations}, each step in its own
   * transaction with its {@code schema_version} row.
   *
   * @return the version the base has now
   */
  static int migrate(Object file, Connection conn, List<Migration> migrations, Dialect dialect) {
    int latest = Schema.latest(migrations);
    int current;
    try {
      current = currentVersion(file, conn);
    } catch (SQLException e) {
      throw new StoreException(
          "cannot read the schema version of measurement base " + file + ": " + e.getMessage(), e);
    }
    checkNotNewer(file, current, latest);
    for (Migration m : migrations.subList(current, latest)) {
      try {
        Transactions.inTransaction(
            conn,
            () -> {
              try (Statement st = conn.createStatement()) {
                for (String sql : m.statements()) {
                  st.execute(dialect.ddl(sql));
                }
              }
              try (PreparedStatement ps =
                  conn.prepareStatement(
                      "INSERT INTO schema_version VALUES (?, ?, make_timestamp(?))")) {
                ps.setInt(1, m.version());
                ps.setString(2, m.description());
                ps.setLong(3, Sql.epochMicros(Instant.now()));
                ps.executeUpdate();
              }
              return null;
            });
      } catch (SQLException e) {
        throw new StoreException(
            "cannot migrate measurement base "
                + file
                + " from schema version "
                + (m.version() - 1)
                + " to "
                + m.version()
                + ": "
                + e.getMessage(),
            e);
      }
    }
    return latest;
  }

  /** Refuses a base whose schema is newer than this inferwatt knows. */
  static void checkNotNewer(Object file, int current, int latest) {
    if (current > latest) {
      throw new BadBaseException(
          "measurement base "
              + file
              + " has schema version "
              + current
              + ", newer than version "
              + latest
              + ", the newest this inferwatt knows; open it with a newer inferwatt");
    }
  }

  /** The file's schema version: 0 for an empty file. */
  static int currentVersion(Object file, Connection conn) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = current_schema() ORDER BY table_name")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    if (!tables.contains("schema_version")) {
      if (!tables.isEmpty()) {
        throw new BadBaseException(
            file
                + " is a database but not an inferwatt measurement base: it has no table"
                + " schema_version, but tables "
                + tables);
      }
      return 0;
    }
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
