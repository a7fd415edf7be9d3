package io.inferwatt.store;

import static io.inferwatt.store.Sql.real;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads a run's raw recording back: its power samples (all or a span), its events, what it keeps.
 */
final class RawReader {

  private final Object file;
  private final Connection conn;

  /** Below {@link Schema#V5} (a test may open a base that old) there are no raw events. */
  private final int schemaVersion;

  RawReader(Object file, Connection conn, int schemaVersion) {
    this.file = file;
    this.conn = conn;
    this.schemaVersion = schemaVersion;
  }

  private void each(String sql, long id, Sql.RowReader reader) throws SQLException {
    Sql.each(conn, sql, id, reader);
  }

  /** Every raw sample of run {@code id}; empty when it kept none. */
  Optional<RawSamples> samples(long id) {
    return samples(id, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /** The raw samples of run {@code id} from {@code fromNs} to {@code toNs}, both included. */
  Optional<RawSamples> samples(long id, long fromNs, long toNs) {
    return Sql.reading(
        file,
        "read the samples of run " + id,
        () -> {
          List<String> rails = new ArrayList<>();
          each(
              "SELECT rail FROM sample_rails WHERE run_id = ? ORDER BY rail_index",
              id,
              rs -> {
                rails.add(rs.getString(1));
              });
          if (rails.isEmpty()) {
            return Optional.empty();
          }
          Map<String, Integer> index = new HashMap<>();
          for (int i = 0; i < rails.size(); i++) {
            index.put(rails.get(i), i);
          }
          List<PowerSample> samples = new ArrayList<>();
          try (PreparedStatement ps =
              conn.prepareStatement(
                  "SELECT t_ns, read_start_ns, read_end_ns, rail, power_mw FROM power_samples"
                      + " WHERE run_id = ? AND t_ns BETWEEN ? AND ? ORDER BY t_ns")) {
            ps.setLong(1, id);
            ps.setLong(2, fromNs);
            ps.setLong(3, toNs);
            ResultSet rs = ps.executeQuery();
            long t = 0;
            double[] values = null;
            long readStart = 0;
            long readEnd = 0;
            while (rs.next()) {
              long tNs = rs.getLong(1);
              if (values == null || tNs != t) {
                if (values != null) {
                  samples.add(new PowerSample(t, readStart, readEnd, values));
                }
                t = tNs;
                readStart = rs.getLong(2);
                readEnd = rs.getLong(3);
                values = new double[rails.size()];
                Arrays.fill(values, Double.NaN);
              }
              Integer at = index.get(rs.getString(4));
              if (at == null) {
                throw new StoreException(
                    "run "
                        + id
                        + " of measurement base "
                        + file
                        + " has a sample at t_ns "
                        + tNs
                        + " for rail '"
                        + rs.getString(4)
                        + "', which is not one of its sample rails "
                        + rails);
              }
              values[at] = real(rs, 5);
            }
            if (values != null) {
              samples.add(new PowerSample(t, readStart, readEnd, values));
            }
          }
          return Optional.of(new RawSamples(rails, samples));
        });
  }

  /** What raw data run {@code id} keeps; empty when there is no such run. */
  Optional<RawStatus> rawStatus(long id) {
    return Sql.reading(
        file,
        "read what raw data run " + id + " keeps",
        () -> {
          boolean v5 = schemaVersion >= Schema.V5.version();
          try (PreparedStatement ps =
              conn.prepareStatement(
                  v5
                      ? "SELECT coalesce(raw_kept, ''), samples_stored, derived_from,"
                          + " (SELECT count(*) FROM inference_events e WHERE e.run_id = r.run_id)"
                          + " + (SELECT count(*) FROM layer_events e WHERE e.run_id = r.run_id)"
                          + " FROM runs r WHERE run_id = ?"
                      : "SELECT '', samples_stored, NULL, 0 FROM runs WHERE run_id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              long derived = rs.getLong(3);
              OptionalLong from = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(derived);
              return Optional.of(
                  new RawStatus(rs.getString(1), rs.getLong(2), rs.getLong(4), from));
            }
          }
        });
  }

  /**
   * The raw recording of run {@code id} (samples and events, in the recorder's order), or empty
   * when the run kept no raw events.
   */
  Optional<Timeline> recording(long id) {
    if (schemaVersion < Schema.V5.version()) {
      return Optional.empty();
    }
    Optional<RawSamples> raw = samples(id);
    return Sql.reading(
        file,
        "read the raw events of run " + id,
        () -> {
          EventLog.Builder b = EventLog.builder();
          long[] rows = {0};
          each(
              "SELECT name, start_ns, end_ns FROM phase_events WHERE run_id = ? ORDER BY position",
              id,
              rs -> {
                b.phase(new PhaseEvent(rs.getString(1), rs.getLong(2), rs.getLong(3)));
              });
          each(
              "SELECT seq, start_ns, end_ns, batch FROM inference_events WHERE run_id = ?"
                  + " ORDER BY position",
              id,
              rs -> {
                rows[0]++;
                b.inference(
                    new InferenceEvent(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getInt(4)));
              });
          each(
              "SELECT seq, layer_index, name, type, duration_ns, start_ns FROM layer_events"
                  + " WHERE run_id = ? ORDER BY position",
              id,
              rs -> {
                rows[0]++;
                long start = rs.getLong(6);
                boolean absent = rs.wasNull();
                b.layer(
                    rs.getLong(1),
                    rs.getInt(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getLong(5),
                    absent ? Long.MIN_VALUE : start,
                    0);
              });
          if (rows[0] == 0) {
            return Optional.empty();
          }
          RawSamples s = raw.orElse(new RawSamples(List.of(), List.of()));
          return Optional.of(new Timeline(s.rails(), s.samples(), b.build()));
        });
  }
}
