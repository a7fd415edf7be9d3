package io.inferwatt.store;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.EventSink;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;

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
          List<String> rails = sampleRails(id);
          if (rails.isEmpty()) {
            return Optional.empty();
          }
          List<PowerSample> samples = new ArrayList<>();
          try (PreparedStatement ps =
              conn.prepareStatement(StoredStreams.samplesSql(schemaVersion))) {
            ps.setLong(1, id);
            ps.setLong(2, fromNs);
            ps.setLong(3, toNs);
            try (ResultSet rs = ps.executeQuery()) {
              StoredStreams.samples(rs, rails.size(), id, file).forEachRemaining(samples::add);
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
   * Run {@code id}'s raw recording streamed into {@code reader} from two open cursors (samples by
   * time, events merged by {@link StoredStreams#EVENTS_SQL}), or empty when it kept no raw events.
   */
  <T> Optional<T> replay(long id, RawRecording.Reader<T> reader) {
    if (schemaVersion < Schema.V5.version()) {
      return Optional.empty();
    }
    return Sql.reading(
        file,
        "read the raw recording of run " + id,
        () -> {
          long[] inferences = {0};
          each(
              "SELECT count(*) FROM inference_events WHERE run_id = ?",
              id,
              rs -> {
                inferences[0] = rs.getLong(1);
              });
          if (inferences[0] == 0) {
            return Optional.empty();
          }
          List<String> rails = sampleRails(id);
          List<PhaseEvent> phases = new ArrayList<>();
          each(
              "SELECT name, start_ns, end_ns FROM phase_events WHERE run_id = ? ORDER BY position",
              id,
              rs -> {
                phases.add(new PhaseEvent(rs.getString(1), rs.getLong(2), rs.getLong(3)));
              });
          // both cursors in one read-only transaction: one snapshot, and streaming on PostgreSQL
          return Transactions.reading(conn, () -> stream(id, rails, phases, reader));
        });
  }

  private <T> Optional<T> stream(
      long id, List<String> rails, List<PhaseEvent> phases, RawRecording.Reader<T> reader)
      throws SQLException {
    try (PreparedStatement sp = conn.prepareStatement(StoredStreams.samplesSql(schemaVersion));
        PreparedStatement ep = conn.prepareStatement(StoredStreams.EVENTS_SQL)) {
      sp.setLong(1, id);
      sp.setLong(2, Long.MIN_VALUE);
      sp.setLong(3, Long.MAX_VALUE);
      sp.setFetchSize(STREAM_FETCH_ROWS);
      ep.setLong(1, id);
      ep.setLong(2, id);
      ep.setFetchSize(STREAM_FETCH_ROWS);
      try (ResultSet srs = sp.executeQuery();
          ResultSet ers = ep.executeQuery()) {
        Iterator<PowerSample> samples = StoredStreams.samples(srs, rails.size(), id, file);
        return Optional.of(
            reader.read(
                new RawRecording() {
                  @Override
                  public List<String> rails() {
                    return List.copyOf(rails);
                  }

                  @Override
                  public List<PhaseEvent> phases() {
                    return List.copyOf(phases);
                  }

                  @Override
                  public Iterator<PowerSample> samples() {
                    return samples;
                  }

                  @Override
                  public BooleanSupplier events(EventSink sink) {
                    return StoredStreams.events(ers, sink, id, file);
                  }
                }));
      }
    }
  }

  /** The rails of run {@code id}'s raw samples, in the order of each sample's values. */
  private List<String> sampleRails(long id) throws SQLException {
    List<String> rails = new ArrayList<>();
    each(
        "SELECT rail FROM sample_rails WHERE run_id = ? ORDER BY rail_index",
        id,
        rs -> {
          rails.add(rs.getString(1));
        });
    return rails;
  }

  /** Rows a streaming cursor fetches at a time (where the driver honours it). */
  private static final int STREAM_FETCH_ROWS = 8192;

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
