package io.inferwatt.store;

import io.inferwatt.core.EventSink;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.PowerSample;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;

/**
 * A run's raw samples and events read row by row from open result sets: the samples (one row per
 * read, or per read and rail in an old base) gathered into {@link PowerSample}s, the events
 * (inference and layer rows merged by the query, {@link #EVENTS_SQL}) pushed into an {@link
 * EventSink}.
 */
final class StoredStreams {

  /**
   * The samples of a run in time order, one row per read (and per {@value
   * Schema#RAILS_PER_READ_ROW} rails): the read's times, the rail index of its first value, the
   * values. The {@code ?} are the run and the first and last {@code t_ns}.
   */
  static final String SAMPLES_SQL =
      "SELECT t_ns, read_start_ns, read_end_ns, first_rail,"
          + " power_mw_0, power_mw_1, power_mw_2, power_mw_3 FROM power_reads"
          + " WHERE run_id = ? AND t_ns BETWEEN ? AND ? ORDER BY t_ns, first_rail";

  /** {@link #SAMPLES_SQL} on a base below schema version 9: one row per read and rail. */
  static final String SAMPLES_SQL_V1 =
      "SELECT p.t_ns, p.read_start_ns, p.read_end_ns, r.rail_index, p.power_mw"
          + " FROM power_samples p JOIN sample_rails r ON r.run_id = p.run_id AND r.rail = p.rail"
          + " WHERE p.run_id = ? AND p.t_ns BETWEEN ? AND ? ORDER BY p.t_ns, r.rail_index";

  /** The query of a run's samples on a base of {@code schemaVersion}. */
  static String samplesSql(int schemaVersion) {
    return schemaVersion >= Schema.V9.version() ? SAMPLES_SQL : SAMPLES_SQL_V1;
  }

  /**
   * The inference and layer events of a run in time order: each inference row followed by its layer
   * rows, inferences by start then by recorded position, layers by recorded position. Both {@code
   * ?} are the run.
   */
  static final String EVENTS_SQL =
      "SELECT 0 AS kind, i.seq, i.start_ns AS o1, i.position AS o2, -1 AS o3, i.start_ns AS a,"
          + " i.end_ns AS b, i.batch AS c, CAST(NULL AS VARCHAR) AS name,"
          + " CAST(NULL AS VARCHAR) AS type, CAST(NULL AS BIGINT) AS own_start"
          + " FROM inference_events i WHERE i.run_id = ?"
          + " UNION ALL"
          + " SELECT 1, l.seq, i.start_ns, i.position, l.position, l.layer_index, l.duration_ns, 0,"
          + " l.name, l.type, l.start_ns"
          + " FROM layer_events l JOIN inference_events i ON i.run_id = l.run_id AND i.seq = l.seq"
          + " WHERE l.run_id = ?"
          + " ORDER BY 3, 4, 5";

  private StoredStreams() {}

  /**
   * The samples of {@code rs} ({@link #samplesSql}): the rows of one {@code t_ns} gathered into one
   * sample of {@code rails} values (NaN where a rail has no value).
   */
  static Iterator<PowerSample> samples(ResultSet rs, int rails, long id, Object file) {
    return new Iterator<>() {
      private boolean rowHeld;
      private boolean done;
      private int width = -1;

      @Override
      public boolean hasNext() {
        if (!rowHeld && !done) {
          rowHeld = advance();
          done = !rowHeld;
        }
        return rowHeld;
      }

      @Override
      public PowerSample next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        try {
          if (width < 0) {
            width = rs.getMetaData().getColumnCount() - 4;
          }
          long t = rs.getLong(1);
          long readStart = rs.getLong(2);
          long readEnd = rs.getLong(3);
          double[] values = new double[rails];
          Arrays.fill(values, Double.NaN);
          do {
            int first = rs.getInt(4);
            for (int k = 0; k < width; k++) {
              double v = Sql.real(rs, 5 + k);
              if (first + k < rails) {
                values[first + k] = v;
              } else if (!Double.isNaN(v)) {
                throw new StoreException(
                    "run "
                        + id
                        + " of measurement base "
                        + file
                        + " has a sample at t_ns "
                        + t
                        + " for rail index "
                        + (first + k)
                        + ", but only "
                        + rails
                        + " sample rails");
              }
            }
            rowHeld = advance();
          } while (rowHeld && rs.getLong(1) == t);
          done = !rowHeld;
          return new PowerSample(t, readStart, readEnd, values);
        } catch (SQLException e) {
          throw failed(e, id, file);
        }
      }

      private boolean advance() {
        try {
          return rs.next();
        } catch (SQLException e) {
          throw failed(e, id, file);
        }
      }
    };
  }

  /** The events of {@code rs} ({@link #EVENTS_SQL}), one pushed into {@code sink} per call. */
  static BooleanSupplier events(ResultSet rs, EventSink sink, long id, Object file) {
    return () -> {
      try {
        if (!rs.next()) {
          return false;
        }
        long seq = rs.getLong(2);
        if (rs.getInt(1) == 0) {
          sink.inference(new InferenceEvent(seq, rs.getLong(6), rs.getLong(7), rs.getInt(8)));
        } else {
          long own = rs.getLong(11);
          boolean absent = rs.wasNull();
          sink.layer(
              seq,
              (int) rs.getLong(6),
              rs.getString(9),
              rs.getString(10),
              rs.getLong(7),
              absent ? Long.MIN_VALUE : own,
              0);
        }
        return true;
      } catch (SQLException e) {
        throw failed(e, id, file);
      }
    };
  }

  private static StoreException failed(SQLException e, long id, Object file) {
    return new StoreException(
        "cannot read the raw recording of run "
            + id
            + " of measurement base "
            + file
            + ": "
            + e.getMessage(),
        e);
  }
}
