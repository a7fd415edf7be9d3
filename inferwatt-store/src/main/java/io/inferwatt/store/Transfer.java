package io.inferwatt.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rows from one base into another, whatever their engines, column by column by name: a whole base
 * (PostgreSQL into an in-memory DuckDB for {@code export}), or one study configuration with its run
 * (an agent's local spool into the shared base). Timestamps cross as microseconds ({@code
 * epoch_us}/{@code make_timestamp}, which both engines have), every other value as the driver's
 * Java object.
 */
final class Transfer {

  private Transfer() {}

  /** A table's columns and whether each is a timestamp. */
  private record Columns(List<String> names, List<Boolean> timestamps) {}

  private static Columns columns(Connection conn, String table) throws SQLException {
    List<String> names = new ArrayList<>();
    List<Boolean> ts = new ArrayList<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT column_name, data_type FROM information_schema.columns"
                + " WHERE table_schema = current_schema() AND table_name = ?"
                + " ORDER BY ordinal_position")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
          ts.add(rs.getString(2).toLowerCase(Locale.ROOT).startsWith("timestamp"));
        }
      }
    }
    return new Columns(names, ts);
  }

  private static List<String> tables(Connection conn) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                    + " ORDER BY table_name")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /**
   * Copies the rows of {@code table} that {@code where} selects (with {@code arg} as its one
   * parameter, or no parameter when null) from {@code src} into {@code dst}, replacing the values
   * of the columns in {@code replace}.
   *
   * @return rows copied
   */
  private static long copy(
      Connection src,
      Connection dst,
      String table,
      String where,
      Object arg,
      Map<String, Object> replace)
      throws SQLException {
    Columns c = columns(src, table);
    List<String> select = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (int i = 0; i < c.names().size(); i++) {
      String n = c.names().get(i);
      boolean ts = c.timestamps().get(i);
      select.add(ts ? "epoch_us(" + n + ")" : n);
      values.add(ts ? "make_timestamp(?)" : "?");
    }
    String insert =
        "INSERT INTO "
            + table
            + " ("
            + String.join(", ", c.names())
            + ") VALUES ("
            + String.join(", ", values)
            + ")";
    long rows = 0;
    try (PreparedStatement q =
            src.prepareStatement("SELECT " + String.join(", ", select) + " FROM " + table + where);
        PreparedStatement ins = dst.prepareStatement(insert)) {
      if (arg != null) {
        q.setObject(1, arg);
      }
      try (ResultSet rs = q.executeQuery()) {
        int pending = 0;
        while (rs.next()) {
          for (int i = 1; i <= c.names().size(); i++) {
            String n = c.names().get(i - 1);
            Object v = replace.containsKey(n) ? replace.get(n) : rs.getObject(i);
            if (v == null) {
              ins.setNull(i, rs.getMetaData().getColumnType(i));
            } else {
              ins.setObject(i, v);
            }
          }
          ins.addBatch();
          rows++;
          if (++pending == TableAppender.BatchInsert.BATCH) {
            ins.executeBatch();
            pending = 0;
          }
        }
        if (pending > 0) {
          ins.executeBatch();
        }
      }
    }
    return rows;
  }

  /** Every row of every table of {@code src} into the same (empty) tables of {@code dst}. */
  static void copyTables(Object file, Connection src, Connection dst) {
    try {
      List<String> there = tables(dst);
      Transactions.inTransaction(
          dst,
          () -> {
            for (String t : tables(src)) {
              if (!t.equals("schema_version") && there.contains(t)) {
                copy(src, dst, t, "", null, Map.of());
              }
            }
            return null;
          });
    } catch (SQLException e) {
      throw new StoreException(
          "cannot copy measurement base " + file + " for export: " + e.getMessage(), e);
    }
  }

  /**
   * Copies configuration {@code configKey} of study {@code studyId}, with its run, from {@code src}
   * into {@code dst} in one transaction of {@code dst}; the study's row and slices come along when
   * {@code dst} lacks them. Safe to repeat: a configuration {@code dst} already holds is left as it
   * is.
   *
   * @return true when it was copied now, false when {@code dst} held it already
   * @throws StoreException when {@code src} does not hold the configuration, or writing fails
   */
  static boolean copyStudyRun(DuckDbStore src, DuckDbStore dst, String studyId, String configKey) {
    Connection s = src.connection();
    Connection d = dst.connection();
    try {
      long srcRun;
      try (PreparedStatement ps =
          s.prepareStatement(
              "SELECT run_id FROM study_configurations WHERE study_id = ? AND config_key = ?")) {
        ps.setString(1, studyId);
        ps.setString(2, configKey);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new StoreException(
                "configuration " + configKey + " of study " + studyId + " is not in " + src.file());
          }
          srcRun = rs.getLong(1);
        }
      }
      String board;
      try (PreparedStatement ps =
          s.prepareStatement(
              "SELECT b.name FROM runs r JOIN boards b ON b.board_id = r.board_id"
                  + " WHERE r.run_id = ?")) {
        ps.setLong(1, srcRun);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          board = rs.getString(1);
        }
      }
      return Transactions.inTransaction(
          d,
          () -> {
            dst.dialect().lockWriters(d);
            if (exists(
                d,
                "SELECT 1 FROM study_configurations WHERE study_id = ? AND config_key = ?",
                studyId,
                configKey)) {
              return false;
            }
            if (!exists(d, "SELECT 1 FROM studies WHERE study_id = ?", studyId, null)) {
              copy(s, d, "studies", " WHERE study_id = ?", studyId, Map.of());
              copy(s, d, "study_slices", " WHERE study_id = ?", studyId, Map.of());
            }
            long runId = scalar(d, "SELECT coalesce(max(run_id), 0) + 1 FROM runs", null);
            long boardId = boardId(d, board);
            List<String> there = tables(d);
            for (String t : tables(s)) {
              if (t.equals("study_configurations") || !there.contains(t)) {
                continue;
              }
              if (!columns(s, t).names().contains("run_id")) {
                continue;
              }
              Map<String, Object> replace = new java.util.HashMap<>();
              replace.put("run_id", runId);
              if (t.equals("runs")) {
                replace.put("board_id", (int) boardId);
                // a run id of the other base means nothing here
                replace.put("derived_from", null);
              }
              copy(s, d, t, " WHERE run_id = ?", srcRun, replace);
            }
            copy(
                s, d, "study_configurations", " WHERE run_id = ?", srcRun, Map.of("run_id", runId));
            return true;
          });
    } catch (SQLException e) {
      throw new StoreException(
          "cannot copy configuration "
              + configKey
              + " of study "
              + studyId
              + " into measurement base "
              + dst.file()
              + "; nothing of it was copied: "
              + e.getMessage(),
          e);
    }
  }

  private static boolean exists(Connection c, String sql, String a, String b) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, a);
      if (b != null) {
        ps.setString(2, b);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static long scalar(Connection c, String sql, String arg) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (arg != null) {
        ps.setString(1, arg);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long boardId(Connection d, String name) throws SQLException {
    try (PreparedStatement ps = d.prepareStatement("SELECT board_id FROM boards WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return rs.getLong(1);
        }
      }
    }
    long id = scalar(d, "SELECT coalesce(max(board_id), 0) + 1 FROM boards", null);
    try (PreparedStatement ps = d.prepareStatement("INSERT INTO boards VALUES (?, ?)")) {
      ps.setInt(1, (int) id);
      ps.setString(2, name);
      ps.executeUpdate();
    }
    return id;
  }
}
