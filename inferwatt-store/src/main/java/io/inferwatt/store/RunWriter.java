package io.inferwatt.store;

import static io.inferwatt.store.Sql.count;
import static io.inferwatt.store.Sql.epochMicros;
import static io.inferwatt.store.Sql.estimate;
import static io.inferwatt.store.Sql.real;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.AnalysisResult.InferenceSummary;
import io.inferwatt.core.analysis.AnalysisResult.LatencyMs;
import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import io.inferwatt.core.analysis.AnalysisResult.PhaseSummary;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes one run's rows into every run table, through DuckDB's appender. It never commits: the
 * caller wraps it in the save's transaction.
 */
final class RunWriter {

  private final Path file;
  private final DuckDBConnection conn;
  private final DuckDbStore.SaveHook hook;
  private final int schemaVersion;

  RunWriter(Path file, DuckDBConnection conn, DuckDbStore.SaveHook hook, int schemaVersion) {
    this.file = file;
    this.conn = conn;
    this.hook = hook;
    this.schemaVersion = schemaVersion;
  }

  /** Tells the save hook that {@code table} is written (tests make it fail). */
  void written(String table) throws SQLException {
    hook.afterTable(table);
  }

  long write(RunInput run) throws SQLException {
    AnalysisResult r = run.result();
    long id = nextRunId();
    int boardId = boardId(run.board());
    List<String> rails = r.rails();

    appendTable(
        "runs",
        a -> {
          InferenceSummary inf = r.inferences();
          LatencyMs lat = inf.latencyMs();
          a.beginRow()
              .append(id)
              .appendEpochMicros(epochMicros(run.startedAt()))
              .append(boardId)
              .append(run.simulated())
              .append(run.model())
              .append(run.toolVersion())
              .append(inf.count())
              .append(inf.batch())
              .append(inf.powerInferences())
              .append(lat.count());
          real(a, lat.mean());
          real(a, lat.p50());
          real(a, lat.p95());
          real(a, lat.p99());
          real(a, lat.min());
          real(a, lat.max());
          real(a, r.samplePeriodMs());
          a.append(r.minSamplesPerLayer());
          count(a, r.cyclesNeeded());
          a.append(r.unattributed().samples());
          real(a, r.unattributed().durationMsMean());
          a.append(r.mapping().method());
          real(a, r.mapping().windowMs());
          real(a, r.mapping().offsetMs());
          real(a, r.mapping().estimatedWindowMs());
          real(a, r.mapping().estimatedOffsetMs());
          real(a, r.mapping().conditionNumber());
          a.append(r.mapping().resolvable());
          a.append(r.mapping().reason());
          a.append(run.samples().map(s -> (long) s.samples().size()).orElse(0L));
          if (schemaVersion >= Schema.V5.version()) {
            a.append(run.rawKept());
            if (run.derivedFrom().isPresent()) {
              a.append(run.derivedFrom().getAsLong());
            } else {
              a.appendNull();
            }
          }
          a.endRow();
        });

    appendPairs("run_settings", id, run.settings());
    appendPairs("run_environment", id, run.environment());
    appendTable(
        "run_warnings",
        a -> {
          for (int i = 0; i < r.warnings().size(); i++) {
            a.beginRow().append(id).append(i).append(r.warnings().get(i)).endRow();
          }
        });

    appendTable(
        "mapping_residuals",
        a -> {
          // the table holds the boxcar search's points (window, offset, residual)
          List<AnalysisResult.ResidualPoint> curve =
              r.mapping().residualCurve().stream()
                  .filter(p -> p.response().equals("boxcar"))
                  .toList();
          for (int i = 0; i < curve.size(); i++) {
            a.beginRow().append(id).append(i);
            real(a, curve.get(i).windowMs());
            real(a, curve.get(i).offsetMs());
            real(a, curve.get(i).relativeResidual());
            a.endRow();
          }
        });

    appendTable(
        "inference_results",
        a -> {
          InferenceSummary inf = r.inferences();
          for (int i = 0; i < rails.size(); i++) {
            String rail = rails.get(i);
            a.beginRow().append(id).append(i).append(rail);
            estimate(a, inf.powerMw().get(rail));
            real(a, inf.energyMj().get(rail));
            real(a, inf.energyMjPaper().get(rail));
            estimate(a, r.idlePowerMw().get(rail));
            estimate(a, r.unattributed().powerMw().get(rail));
            if (schemaVersion >= Schema.V4.version()) {
              a.append(rail.equals(run.totalRail()));
            }
            a.endRow();
          }
        });

    appendTable(
        "layer_results",
        a -> {
          for (LayerSummary l : r.layers()) {
            a.beginRow()
                .append(id)
                .append(l.index())
                .append(l.name())
                .append(l.type())
                .append(l.samples())
                .append(l.cycles());
            real(a, l.durationMsMean());
            count(a, l.cyclesNeeded());
            a.endRow();
          }
        });

    appendTable(
        "layer_rail_results",
        a -> {
          for (LayerSummary l : r.layers()) {
            for (int i = 0; i < rails.size(); i++) {
              String rail = rails.get(i);
              a.beginRow().append(id).append(l.index()).append(i).append(rail);
              estimate(a, l.powerMw().get(rail));
              real(a, l.energyMj().get(rail));
              a.endRow();
            }
          }
        });

    appendTable(
        "phase_results",
        a -> {
          for (int p = 0; p < r.phases().size(); p++) {
            PhaseSummary ph = r.phases().get(p);
            a.beginRow().append(id).append(p).append(ph.name());
            real(a, ph.durationMs());
            a.append(ph.samples()).append(ph.inferences()).endRow();
          }
        });

    appendTable(
        "phase_rail_results",
        a -> {
          for (int p = 0; p < r.phases().size(); p++) {
            PhaseSummary ph = r.phases().get(p);
            for (int i = 0; i < rails.size(); i++) {
              String rail = rails.get(i);
              a.beginRow().append(id).append(p).append(i).append(rail);
              real(a, ph.energyMj().get(rail));
              real(a, ph.powerMwMean().get(rail));
              a.endRow();
            }
          }
        });

    if (run.samples().isPresent()) {
      RawSamples raw = run.samples().get();
      appendTable(
          "sample_rails",
          a -> {
            for (int i = 0; i < raw.rails().size(); i++) {
              a.beginRow().append(id).append(i).append(raw.rails().get(i)).endRow();
            }
          });
      appendTable(
          "power_samples",
          a -> {
            for (PowerSample s : raw.samples()) {
              for (int i = 0; i < raw.rails().size(); i++) {
                a.beginRow().append(id).append(s.tNs()).append(raw.rails().get(i));
                real(a, s.powerMw(i));
                a.append(s.readStartNs()).append(s.readEndNs()).endRow();
              }
            }
          });
    }
    if (run.events().isPresent()) {
      writeEvents(id, run.events().get());
    }
    writeDetails(id, run.details());
    return id;
  }

  /** The raw inference, layer and phase events, in the recorder's order. */
  private void writeEvents(long id, EventLog events) throws SQLException {
    if (schemaVersion < Schema.V5.version()) {
      throw new StoreException(
          "measurement base "
              + file
              + " has no tables for raw events (schema version "
              + schemaVersion
              + ")");
    }
    appendTable(
        "inference_events",
        a -> {
          List<InferenceEvent> infs = events.inferences();
          for (int i = 0; i < infs.size(); i++) {
            InferenceEvent e = infs.get(i);
            a.beginRow()
                .append(id)
                .append((long) i)
                .append(e.seq())
                .append(e.startNs())
                .append(e.endNs())
                .append(e.batch())
                .endRow();
          }
        });
    appendTable(
        "layer_events",
        a -> {
          for (int i = 0; i < events.layerCount(); i++) {
            a.beginRow()
                .append(id)
                .append((long) i)
                .append(events.layerSeq(i))
                .append(events.layerIndex(i))
                .append(events.layerName(i))
                .append(events.layerType(i))
                .append(events.layerDurationNs(i));
            long start = events.layerStartNsOrMin(i);
            if (start == Long.MIN_VALUE) {
              a.appendNull();
            } else {
              a.append(start);
            }
            a.endRow();
          }
        });
    appendTable(
        "phase_events",
        a -> {
          List<PhaseEvent> phases = events.phases();
          for (int i = 0; i < phases.size(); i++) {
            PhaseEvent p = phases.get(i);
            a.beginRow()
                .append(id)
                .append(i)
                .append(p.name())
                .append(p.startNs())
                .append(p.endNs())
                .endRow();
          }
        });
  }

  private void writeDetails(long id, RunDetails d) throws SQLException {
    if (schemaVersion < Schema.V3.version()) {
      if (d.inferences().isEmpty() && d.layers().isEmpty() && d.logger().isEmpty()) {
        return;
      }
      throw new StoreException(
          "measurement base "
              + file
              + " has no tables for run details (schema version "
              + schemaVersion
              + ")");
    }
    appendTable(
        "inference_records",
        a -> {
          for (RunDetails.InferenceRecord r : d.inferences()) {
            a.beginRow()
                .append(id)
                .append(r.seq())
                .append(r.phase())
                .append(r.startNs())
                .append(r.latencyMs())
                .append(r.batch())
                .append(r.samples())
                .endRow();
          }
        });
    appendTable(
        "inference_rail_records",
        a -> {
          for (RunDetails.InferenceRecord r : d.inferences()) {
            for (int i = 0; i < d.rails().size(); i++) {
              a.beginRow().append(id).append(r.seq()).append(i).append(d.rails().get(i));
              real(a, r.powerMw()[i]);
              real(a, r.energyMj()[i]);
              a.endRow();
            }
          }
        });
    appendTable(
        "layer_features",
        a -> {
          for (int i = 0; i < d.layers().size(); i++) {
            io.inferwatt.core.model.LayerSpec l = d.layers().get(i);
            a.beginRow().append(id).append(i).append(l.name()).append(l.type());
            positive(a, l.kernel());
            positive(a, l.stride());
            positive(a, l.groups());
            a.append(shape(l.inputShape())).append(shape(l.outputShape()));
            dims(a, l.inputShape());
            dims(a, l.outputShape());
            a.append(l.inputElements())
                .append(l.outputElements())
                .append(l.macs())
                .append(l.params())
                .endRow();
          }
        });
    if (d.logger().isPresent()) {
      RunDetails.LoggerStats g = d.logger().get();
      appendTable(
          "logger_stats",
          a -> {
            a.beginRow().append(id).append(g.source()).append(g.samples());
            real(a, g.periodMsMedian());
            real(a, g.periodMsP99());
            real(a, g.periodMsMax());
            real(a, g.readMsMean());
            real(a, g.readMsP99());
            real(a, g.readMsMax());
            count(a, g.dropped());
            real(a, g.cpuPercent());
            real(a, g.overheadPowerMw());
            a.endRow();
          });
    }
  }

  /** The dimensions of a shape as {@link #shape} writes it. */
  static List<Integer> dims(String shape) {
    if (shape == null || shape.isEmpty()) {
      return List.of();
    }
    return java.util.Arrays.stream(shape.split("x")).map(Integer::valueOf).toList();
  }

  /** {@code 3x224x224}; empty for a scalar. */
  private static String shape(List<Integer> dims) {
    StringBuilder sb = new StringBuilder();
    for (Integer d : dims) {
      sb.append(sb.length() == 0 ? "" : "x").append(d);
    }
    return sb.toString();
  }

  /** Channels, height and width of a (C, H, W) shape; features as channels of a 1-d shape. */
  private static void dims(DuckDBAppender a, List<Integer> shape) throws SQLException {
    for (int k = 0; k < 3; k++) {
      boolean has = shape.size() == 3 || (shape.size() == 1 && k == 0);
      if (has) {
        a.append(shape.get(k).intValue());
      } else {
        a.appendNull();
      }
    }
  }

  /** 0 ("not applicable") becomes NULL. */
  private static void positive(DuckDBAppender a, int v) throws SQLException {
    if (v <= 0) {
      a.appendNull();
    } else {
      a.append(v);
    }
  }

  private void appendPairs(String table, long id, Map<String, String> pairs) throws SQLException {
    appendTable(
        table,
        a -> {
          int i = 0;
          for (Map.Entry<String, String> e : pairs.entrySet()) {
            a.beginRow().append(id).append(i++).append(e.getKey()).append(e.getValue()).endRow();
          }
        });
  }

  /** Appends rows to one table. */
  @FunctionalInterface
  interface Rows {
    void append(DuckDBAppender a) throws SQLException;
  }

  /** Writes {@code table}'s rows through one appender, then tells the save hook. */
  void appendTable(String table, Rows rows) throws SQLException {
    try (DuckDBAppender a = appender(table)) {
      rows.append(a);
    }
    hook.afterTable(table);
  }

  private long nextRunId() throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT coalesce(max(run_id), 0) + 1 FROM runs")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private int boardId(String name) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT board_id FROM boards WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return rs.getInt(1);
        }
      }
    }
    int id;
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT coalesce(max(board_id), 0) + 1 FROM boards")) {
      rs.next();
      id = rs.getInt(1);
    }
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO boards VALUES (?, ?)")) {
      ps.setInt(1, id);
      ps.setString(2, name);
      ps.executeUpdate();
    }
    return id;
  }

  DuckDBAppender appender(String table) throws SQLException {
    return conn.createAppender(DuckDBConnection.DEFAULT_SCHEMA, table);
  }

  /** Checks what the schema cannot express, before anything is written. */
  static void validate(RunInput run) {
    AnalysisResult r = run.result();
    Set<String> rails = new HashSet<>(r.rails());
    if (rails.size() != r.rails().size()) {
      throw new IllegalArgumentException("the run's rails are not unique: " + r.rails());
    }
    if (!run.totalRail().isEmpty() && !rails.contains(run.totalRail())) {
      throw new IllegalArgumentException(
          "the run's total rail '" + run.totalRail() + "' is not one of its rails " + r.rails());
    }
    checkRails("inference power", r.inferences().powerMw(), rails, r.rails());
    checkRails("inference energy", r.inferences().energyMj(), rails, r.rails());
    checkRails("inference energy (paper)", r.inferences().energyMjPaper(), rails, r.rails());
    checkRails("idle power", r.idlePowerMw(), rails, r.rails());
    checkRails("unattributed power", r.unattributed().powerMw(), rails, r.rails());
    Set<Integer> indices = new HashSet<>();
    for (LayerSummary l : r.layers()) {
      if (!indices.add(l.index())) {
        throw new IllegalArgumentException(
            "layer index " + l.index() + " (" + l.name() + ") appears twice in the run's layers");
      }
      String what = "layer " + l.index() + " (" + l.name() + ")";
      checkRails(what + " power", l.powerMw(), rails, r.rails());
      checkRails(what + " energy", l.energyMj(), rails, r.rails());
    }
    for (PhaseSummary p : r.phases()) {
      checkRails("phase " + p.name() + " energy", p.energyMj(), rails, r.rails());
      checkRails("phase " + p.name() + " power", p.powerMwMean(), rails, r.rails());
    }
  }

  private static void checkRails(
      String what, Map<String, ?> values, Set<String> rails, List<String> railList) {
    for (String rail : values.keySet()) {
      if (!rails.contains(rail)) {
        throw new IllegalArgumentException(
            what
                + " has a value for rail '"
                + rail
                + "', which is not one of the run's rails "
                + railList);
      }
    }
  }
}
