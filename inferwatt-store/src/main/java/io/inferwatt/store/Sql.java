package io.inferwatt.store;

import io.inferwatt.core.analysis.Estimate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How values cross between Java and the base's columns, for every part of the store: NaN and
 * unknown counts are SQL NULL, times are microseconds since the epoch, an estimate is four columns.
 */
final class Sql {

  private Sql() {}

  /** A read that may fail with an {@link SQLException}. */
  @FunctionalInterface
  interface Read<T> {
    T get() throws SQLException;
  }

  /** Reads one row of a result set. */
  @FunctionalInterface
  interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  /**
   * Runs {@code body}; an {@link SQLException} becomes a {@link StoreException} saying it cannot
   * {@code what} of the base in {@code file}.
   */
  static <T> T reading(Object file, String what, Read<T> body) {
    try {
      return body.get();
    } catch (SQLException e) {
      throw new StoreException(
          "cannot " + what + " of measurement base " + file + ": " + e.getMessage(), e);
    }
  }

  /** Runs {@code sql} with {@code id} as its one parameter and hands each row to {@code reader}. */
  static void each(Connection conn, String sql, long id, RowReader reader) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          reader.read(rs);
        }
      }
    }
  }

  /** A SQL string literal. */
  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  // ------------------------------------------------------------ reading columns

  static double real(ResultSet rs, int column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? Double.NaN : v;
  }

  static double real(ResultSet rs, String column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? Double.NaN : v;
  }

  /** A count column; NULL ("unknown") is -1. */
  static long count(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? -1 : v;
  }

  /** The estimate in {@code prefix_mean}, {@code prefix_ci95_low}, {@code prefix_ci95_high}. */
  static Estimate estimate(ResultSet rs, String prefix, String nColumn) throws SQLException {
    return new Estimate(
        real(rs, prefix + "_mean"),
        real(rs, prefix + "_ci95_low"),
        real(rs, prefix + "_ci95_high"),
        rs.getLong(nColumn));
  }

  // ------------------------------------------------------------ writing columns

  /** A non-finite value becomes NULL. */
  static void real(java.sql.PreparedStatement ps, int i, double v) throws SQLException {
    if (Double.isFinite(v)) {
      ps.setDouble(i, v);
    } else {
      ps.setNull(i, java.sql.Types.DOUBLE);
    }
  }

  /** NaN (or a missing value) becomes NULL. */
  static void real(TableAppender a, Double v) throws SQLException {
    if (v == null || v.isNaN()) {
      a.appendNull();
    } else {
      a.append(v.doubleValue());
    }
  }

  /** NaN becomes NULL (the raw tables' many values, without boxing). */
  static void real(TableAppender a, double v) throws SQLException {
    if (Double.isNaN(v)) {
      a.appendNull();
    } else {
      a.append(v);
    }
  }

  /** A negative count ("unknown") becomes NULL. */
  static void count(TableAppender a, long v) throws SQLException {
    if (v < 0) {
      a.appendNull();
    } else {
      a.append(v);
    }
  }

  /** Mean, low, high, n; a missing estimate is {@link Estimate#NONE}. */
  static void estimate(TableAppender a, Estimate e) throws SQLException {
    Estimate v = e == null ? Estimate.NONE : e;
    real(a, v.mean());
    real(a, v.ci95Low());
    real(a, v.ci95High());
    a.append(v.n());
  }

  // ------------------------------------------------------------ values

  static <V> Map<String, V> frozen(Map<String, V> m) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }

  static long epochMicros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  static Instant instant(long epochMicros) {
    return Instant.EPOCH.plus(epochMicros, ChronoUnit.MICROS);
  }
}
