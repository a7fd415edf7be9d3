package io.inferwatt.store;

import io.inferwatt.core.analysis.Calibration;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The {@code calibrations} table (schema v7): plain SQL that PostgreSQL also runs. */
final class Calibrations {

  private Calibrations() {}

  static long save(Connection conn, String board, String meterFile, List<Calibration.RailFit> fits)
      throws SQLException {
    long id;
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery("SELECT coalesce(max(calibration_id), 0) + 1 FROM calibrations")) {
      rs.next();
      id = rs.getLong(1);
    }
    try (PreparedStatement ps =
        conn.prepareStatement(
            "INSERT INTO calibrations (calibration_id, rail_index, board, created_at, meter_file,"
                + " rail, meter_channel, gain, offset_mw, lag_ms, correlation, residual_mw,"
                + " residual_relative, bins, meter_spread_mw)"
                + " VALUES (?, ?, ?, make_timestamp(?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      long now = Sql.epochMicros(Instant.now());
      for (int i = 0; i < fits.size(); i++) {
        Calibration.RailFit f = fits.get(i);
        ps.setLong(1, id);
        ps.setInt(2, i);
        ps.setString(3, board);
        ps.setLong(4, now);
        ps.setString(5, meterFile);
        ps.setString(6, f.rail());
        ps.setString(7, f.channel());
        ps.setDouble(8, f.gain());
        ps.setDouble(9, f.offsetMw());
        Sql.real(ps, 10, f.lagMs());
        Sql.real(ps, 11, f.correlation());
        Sql.real(ps, 12, f.residualMw());
        Sql.real(ps, 13, f.residualRelative());
        ps.setInt(14, f.bins());
        Sql.real(ps, 15, f.meterSpreadMw());
        ps.executeUpdate();
      }
    }
    return id;
  }

  static List<Calibration.RailFit> newest(Connection conn, String board) throws SQLException {
    List<Calibration.RailFit> out = new ArrayList<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT * FROM calibrations WHERE board = ? AND calibration_id ="
                + " (SELECT max(calibration_id) FROM calibrations WHERE board = ?)"
                + " ORDER BY rail_index")) {
      ps.setString(1, board);
      ps.setString(2, board);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Calibration.RailFit(
                  rs.getString("rail"),
                  rs.getString("meter_channel"),
                  rs.getDouble("gain"),
                  rs.getDouble("offset_mw"),
                  Sql.real(rs, "lag_ms"),
                  Sql.real(rs, "correlation"),
                  Sql.real(rs, "residual_mw"),
                  Sql.real(rs, "residual_relative"),
                  rs.getInt("bins"),
                  Sql.real(rs, "meter_spread_mw")));
        }
      }
    }
    return out;
  }
}
