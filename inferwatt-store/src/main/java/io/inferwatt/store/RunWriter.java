package io.inferwatt.store;

import static io.inferwatt.store.Sql.count;
import static io.inferwatt.store.Sql.epochMicros;
import static io.inferwatt.store.Sql.estimate;
import static io.inferwatt.store.Sql.real;

import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.AnalysisResult.InferenceSummary;
import io.inferwatt.core.analysis.AnalysisResult.LatencyMs;
import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import io.inferwatt.core.analysis.AnalysisResult.PhaseSummary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

/**
 * Writes one run's rows into every run table, through the engine's appender ({@link
 * TableAppender}). It never commits: the caller wraps it in the save's transaction. This class
 * writes the run's results; its raw samples, events and per-inference records are {@link
 * RunRecordsWriter}'s, and the checks before anything is written are {@link RunChecks}.
 */
final class RunWriter {

  private final Object file;
  private final Connection conn;
  private final Dialect dialect;
  private final DuckDbStore.SaveHook hook;
  private final int schemaVersion;

  RunWriter(
      Object file, Connection conn, Dialect dialect, DuckDbStore.SaveHook hook, int schemaVersion) {
    this.file = file;
    this.conn = conn;
    this.dialect = dialect;
    this.hook = hook;
    this.schemaVersion = schemaVersion;
  }

  /** Serializes this transaction with every other writer of the base (see {@link Dialect}). */
  void lock() throws SQLException {
    dialect.lockWriters(conn);
  }

  /** Tells the save hook that {@code table} is written (tests make it fail). */
  void written(String table) throws SQLException {
    hook.afterTable(table);
  }

  long write(RunInput run) throws SQLException {
    AnalysisResult r = run.result();
    dialect.lockWriters(conn);
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
            if (schemaVersion >= Schema.V11.version()) {
              real(a, l.durationMsP50());
            }
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

    RunRecordsWriter records = new RunRecordsWriter(this, file, schemaVersion);
    if (run.samples().isPresent()) {
      records.writeSamples(id, run.samples().get());
    }
    if (run.events().isPresent()) {
      records.writeEvents(id, run.events().get());
    }
    records.writeDetails(id, run.details());
    return id;
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
    void append(TableAppender a) throws SQLException;
  }

  /** Writes {@code table}'s rows through one appender, then tells the save hook. */
  void appendTable(String table, Rows rows) throws SQLException {
    try (TableAppender a = appender(table)) {
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

  TableAppender appender(String table) throws SQLException {
    return dialect.appender(conn, table);
  }
}
