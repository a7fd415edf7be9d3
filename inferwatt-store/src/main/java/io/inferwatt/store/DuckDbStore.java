package io.inferwatt.store;

import io.inferwatt.core.PowerSample;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.AnalysisResult.InferenceSummary;
import io.inferwatt.core.analysis.AnalysisResult.LatencyMs;
import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import io.inferwatt.core.analysis.AnalysisResult.MappingInfo;
import io.inferwatt.core.analysis.AnalysisResult.PhaseSummary;
import io.inferwatt.core.analysis.AnalysisResult.Unattributed;
import io.inferwatt.core.analysis.Estimate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The measurement base in one DuckDB file, through one JDBC connection. Bulk rows go through
 * DuckDB's appender; every save runs in one transaction.
 */
final class DuckDbStore implements MeasurementStore {

  /**
   * Called after each table of a save is written, inside the save's transaction; tests make it
   * throw to check that a failed save leaves nothing behind.
   */
  interface SaveHook {
    void afterTable(String table) throws SQLException;
  }

  static final SaveHook NO_HOOK = table -> {};

  private final Path file;
  private final DuckDBConnection conn;
  private final SaveHook hook;

  /**
   * The base's schema version, the latest of the migrations it was opened with; below {@link
   * Schema#V3} (a test may open it older) it has no run-detail tables.
   */
  private final int schemaVersion;

  private boolean closed;

  private DuckDbStore(Path file, DuckDBConnection conn, SaveHook hook, int schemaVersion) {
    this.file = file;
    this.conn = conn;
    this.hook = hook;
    this.schemaVersion = schemaVersion;
  }

  /** Opens {@code file}, creating and migrating its schema with {@code migrations}. */
  static DuckDbStore open(Path file, List<Migration> migrations, SaveHook hook) {
    Path abs = file.toAbsolutePath().normalize();
    if (Files.isDirectory(abs)) {
      throw new BadBaseException("measurement base " + abs + " is a directory, not a file");
    }
    try {
      Path parent = abs.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new StoreException("cannot create the folder of measurement base " + abs, e);
    }
    DuckDBConnection conn;
    try {
      conn = DriverManager.getConnection("jdbc:duckdb:" + abs).unwrap(DuckDBConnection.class);
    } catch (SQLException e) {
      throw openFailure(abs, e);
    }
    try {
      int version = migrate(abs, conn, migrations);
      return new DuckDbStore(abs, conn, hook, version);
    } catch (RuntimeException e) {
      closeQuietly(conn, e);
      throw e;
    }
  }

  private static final Pattern LOCK_HOLDER =
      Pattern.compile("Conflicting lock is held in (\\S+) \\(PID (\\d+)\\)");

  /**
   * Why DuckDB could not open {@code file}: held by another process, not a DuckDB file, or not
   * readable. Each is the named file's fault, not the program's.
   */
  private static StoreException openFailure(Path file, SQLException e) {
    String m = String.valueOf(e.getMessage());
    Matcher holder = LOCK_HOLDER.matcher(m);
    if (m.contains("Could not set lock")) {
      String who =
          holder.find()
              ? " (" + Path.of(holder.group(1)).getFileName() + ", PID " + holder.group(2) + ")"
              : "";
      return new BadBaseException(
          "measurement base "
              + file
              + " is in use by another process"
              + who
              + "; wait until it ends, or name another base",
          e);
    }
    if (m.contains("not a valid DuckDB database file")) {
      return new BadBaseException(
          file + " is not a measurement base (not a DuckDB file); name another file as the base",
          e);
    }
    return new BadBaseException("cannot open measurement base " + file + ": " + m, e);
  }

  // ---------------------------------------------------------------- schema

  private static int migrate(Path file, DuckDBConnection conn, List<Migration> migrations) {
    int latest = Schema.latest(migrations);
    int current;
    try {
      current = currentVersion(file, conn);
    } catch (SQLException e) {
      throw new StoreException(
          "cannot read the schema version of measurement base " + file + ": " + e.getMessage(), e);
    }
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
    for (Migration m : migrations.subList(current, latest)) {
      try {
        conn.setAutoCommit(false);
        try (Statement st = conn.createStatement()) {
          for (String sql : m.statements()) {
            st.execute(sql);
          }
        }
        try (PreparedStatement ps =
            conn.prepareStatement("INSERT INTO schema_version VALUES (?, ?, make_timestamp(?))")) {
          ps.setInt(1, m.version());
          ps.setString(2, m.description());
          ps.setLong(3, epochMicros(Instant.now()));
          ps.executeUpdate();
        }
        conn.commit();
        conn.setAutoCommit(true);
      } catch (SQLException e) {
        rollbackQuietly(conn, e);
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

  /** The file's schema version: 0 for an empty file. */
  private static int currentVersion(Path file, Connection conn) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement st = conn.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT table_name FROM information_schema.tables"
                    + " WHERE table_schema = 'main' ORDER BY table_name")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    if (!tables.contains("schema_version")) {
      if (!tables.isEmpty()) {
        throw new BadBaseException(
            file
                + " is a DuckDB file but not an inferwatt measurement base: it has no table"
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

  @Override
  public synchronized int schemaVersion() {
    checkOpen();
    return schemaVersion;
  }

  // ---------------------------------------------------------------- save

  @Override
  public synchronized long saveRun(RunInput run) {
    checkOpen();
    validate(run);
    try {
      conn.setAutoCommit(false);
      long id = write(run);
      conn.commit();
      conn.setAutoCommit(true);
      return id;
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(conn, e);
      throw new StoreException(
          "cannot save the run of "
              + run.model()
              + " on board "
              + run.board()
              + " to measurement base "
              + file
              + "; nothing of it was saved: "
              + e.getMessage(),
          e);
    }
  }

  // ---------------------------------------------------------------- studies

  @Override
  public synchronized void saveStudy(StudyInput study) {
    checkOpen();
    try {
      Optional<StudyRow> old = readStudy(study.studyId());
      if (old.isPresent() && !old.get().board().equals(study.board())) {
        throw new StoreException(
            "study "
                + study.studyId()
                + " in measurement base "
                + file
                + " ran on board "
                + old.get().board()
                + ", not "
                + study.board()
                + "; give the plan another study name");
      }
      long now = epochMicros(Instant.now());
      conn.setAutoCommit(false);
      if (old.isEmpty()) {
        try (PreparedStatement ps =
            conn.prepareStatement(
                "INSERT INTO studies VALUES (?, ?, ?, ?, make_timestamp(?), make_timestamp(?), ?, ?)")) {
          ps.setString(1, study.studyId());
          ps.setString(2, study.board());
          ps.setString(3, study.engine());
          ps.setBoolean(4, study.simulated());
          ps.setLong(5, now);
          ps.setLong(6, now);
          ps.setInt(7, study.plannedConfigurations());
          ps.setString(8, study.plan());
          ps.executeUpdate();
        }
      } else {
        try (PreparedStatement ps =
            conn.prepareStatement(
                "UPDATE studies SET engine = ?, simulated = ?, updated_at = make_timestamp(?),"
                    + " planned_configurations = ?, plan = ? WHERE study_id = ?")) {
          ps.setString(1, study.engine());
          ps.setBoolean(2, study.simulated());
          ps.setLong(3, now);
          ps.setInt(4, study.plannedConfigurations());
          ps.setString(5, study.plan());
          ps.setString(6, study.studyId());
          ps.executeUpdate();
        }
      }
      try (PreparedStatement ps =
          conn.prepareStatement("DELETE FROM study_slices WHERE study_id = ?")) {
        ps.setString(1, study.studyId());
        ps.executeUpdate();
      }
      try (DuckDBAppender a = appender("study_slices")) {
        for (int i = 0; i < study.slices().size(); i++) {
          StudyInput.Slice sl = study.slices().get(i);
          for (int m = 0; m < sl.configKeys().size(); m++) {
            a.beginRow()
                .append(study.studyId())
                .append(i)
                .append(m)
                .append(sl.label())
                .append(String.join(",", sl.factors()))
                .append(sl.configKeys().get(m))
                .endRow();
          }
        }
      }
      conn.commit();
      conn.setAutoCommit(true);
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(conn, e);
      if (e instanceof StoreException se) {
        throw se;
      }
      throw new StoreException(
          "cannot save study "
              + study.studyId()
              + " to measurement base "
              + file
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public synchronized long saveStudyRun(
      String studyId, String configKey, int position, String sweep, RunInput run) {
    checkOpen();
    validate(run);
    try {
      if (readStudy(studyId).isEmpty()) {
        throw new StoreException("study " + studyId + " is not in measurement base " + file);
      }
      try (PreparedStatement ps =
          conn.prepareStatement(
              "SELECT run_id FROM study_configurations WHERE study_id = ? AND config_key = ?")) {
        ps.setString(1, studyId);
        ps.setString(2, configKey);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            throw new StoreException(
                "configuration "
                    + configKey
                    + " of study "
                    + studyId
                    + " is already stored as run "
                    + rs.getLong(1)
                    + "; it is never measured twice");
          }
        }
      }
      conn.setAutoCommit(false);
      long id = write(run.withoutSamples());
      try (PreparedStatement ps =
          conn.prepareStatement(
              "INSERT INTO study_configurations VALUES (?, ?, ?, ?, ?, make_timestamp(?))")) {
        ps.setString(1, studyId);
        ps.setString(2, configKey);
        ps.setInt(3, position);
        ps.setString(4, sweep);
        ps.setLong(5, id);
        ps.setLong(6, epochMicros(Instant.now()));
        ps.executeUpdate();
      }
      hook.afterTable("study_configurations");
      conn.commit();
      conn.setAutoCommit(true);
      return id;
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly(conn, e);
      if (e instanceof StoreException se) {
        throw se;
      }
      throw new StoreException(
          "cannot save configuration "
              + configKey
              + " of study "
              + studyId
              + " to measurement base "
              + file
              + "; nothing of it was saved: "
              + e.getMessage(),
          e);
    }
  }

  private static final String STUDIES_SQL =
      """
      SELECT s.study_id, s.board, s.engine, s.simulated, epoch_us(s.created_at), epoch_us(s.updated_at),
             s.planned_configurations,
             (SELECT count(*) FROM study_configurations c WHERE c.study_id = s.study_id), s.plan
      FROM studies s      """;

  @Override
  public synchronized List<StudyRow> studies() {
    return reading(
        "list the studies",
        () -> {
          List<StudyRow> out = new ArrayList<>();
          try (Statement st = conn.createStatement();
              ResultSet rs = st.executeQuery(STUDIES_SQL + " ORDER BY s.created_at, s.study_id")) {
            while (rs.next()) {
              out.add(studyRow(rs));
            }
          }
          return Collections.unmodifiableList(out);
        });
  }

  @Override
  public synchronized Optional<StudyRow> study(String studyId) {
    return reading("read study " + studyId, () -> readStudy(studyId));
  }

  private Optional<StudyRow> readStudy(String studyId) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(STUDIES_SQL + " WHERE s.study_id = ?")) {
      ps.setString(1, studyId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(studyRow(rs)) : Optional.empty();
      }
    }
  }

  private static StudyRow studyRow(ResultSet rs) throws SQLException {
    return new StudyRow(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getBoolean(4),
        instant(rs.getLong(5)),
        instant(rs.getLong(6)),
        rs.getInt(7),
        rs.getLong(8),
        rs.getString(9));
  }

  @Override
  public synchronized List<StudyInput.Slice> studySlices(String studyId) {
    return reading(
        "read the slices of study " + studyId,
        () -> {
          List<StudyInput.Slice> out = new ArrayList<>();
          try (PreparedStatement ps =
              conn.prepareStatement(
                  "SELECT slice_index, label, factors, config_key FROM study_slices WHERE study_id = ?"
                      + " ORDER BY slice_index, member")) {
            ps.setString(1, studyId);
            try (ResultSet rs = ps.executeQuery()) {
              int current = -1;
              String label = null;
              String factors = null;
              List<String> keys = new ArrayList<>();
              while (rs.next()) {
                if (rs.getInt(1) != current) {
                  if (current >= 0) {
                    out.add(slice(label, factors, keys));
                  }
                  current = rs.getInt(1);
                  label = rs.getString(2);
                  factors = rs.getString(3);
                  keys = new ArrayList<>();
                }
                keys.add(rs.getString(4));
              }
              if (current >= 0) {
                out.add(slice(label, factors, keys));
              }
            }
          }
          return Collections.unmodifiableList(out);
        });
  }

  private static StudyInput.Slice slice(String label, String factors, List<String> keys) {
    return new StudyInput.Slice(
        label, factors.isEmpty() ? List.of() : Arrays.asList(factors.split(",")), keys);
  }

  private static final String STUDY_CONFIGS_SQL =
      """
      WITH total AS (
        SELECT run_id, rail, power_mw_mean, energy_mj_paper,
               row_number() OVER (
                 PARTITION BY run_id
                 ORDER BY CASE rail WHEN 'in' THEN 0 WHEN 'total' THEN 1 ELSE 2 END, rail_index
               ) AS pick
        FROM inference_results)
      SELECT c.config_key, c.position, c.sweep, c.run_id, r.model, r.batch, r.latency_ms_mean,
             coalesce(t.rail, ''), t.power_mw_mean, t.energy_mj_paper
      FROM study_configurations c
      JOIN runs r ON r.run_id = c.run_id
      LEFT JOIN total t ON t.run_id = c.run_id AND t.pick = 1
      WHERE c.study_id = ?
      ORDER BY c.position, c.config_key\
      """;

  @Override
  public synchronized List<StudyConfigurationRow> studyConfigurations(String studyId) {
    return reading(
        "read the configurations of study " + studyId,
        () -> {
          List<StudyConfigurationRow> out = new ArrayList<>();
          try (PreparedStatement ps = conn.prepareStatement(STUDY_CONFIGS_SQL)) {
            ps.setString(1, studyId);
            List<Object[]> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                rows.add(
                    new Object[] {
                      rs.getString(1),
                      rs.getInt(2),
                      rs.getString(3),
                      rs.getLong(4),
                      rs.getString(5),
                      rs.getInt(6),
                      real(rs, 7),
                      rs.getString(8),
                      real(rs, 9),
                      real(rs, 10)
                    });
              }
            }
            for (Object[] r : rows) {
              out.add(
                  new StudyConfigurationRow(
                      (String) r[0],
                      (Integer) r[1],
                      (String) r[2],
                      (Long) r[3],
                      (String) r[4],
                      Collections.unmodifiableMap(pairs("run_settings", (Long) r[3])),
                      (Integer) r[5],
                      (Double) r[6],
                      (String) r[7],
                      (Double) r[8],
                      (Double) r[9]));
            }
          }
          return Collections.unmodifiableList(out);
        });
  }

  private long write(RunInput run) throws SQLException {
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
          List<AnalysisResult.ResidualPoint> curve = r.mapping().residualCurve();
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
    writeDetails(id, run.details());
    return id;
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
  private interface Rows {
    void append(DuckDBAppender a) throws SQLException;
  }

  /** Writes {@code table}'s rows through one appender, then tells the save hook. */
  private void appendTable(String table, Rows rows) throws SQLException {
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

  private DuckDBAppender appender(String table) throws SQLException {
    return conn.createAppender(DuckDBConnection.DEFAULT_SCHEMA, table);
  }

  /** NaN (or a missing value) becomes NULL. */
  private static void real(DuckDBAppender a, Double v) throws SQLException {
    if (v == null || v.isNaN()) {
      a.appendNull();
    } else {
      a.append(v.doubleValue());
    }
  }

  /** A negative count ("unknown") becomes NULL. */
  private static void count(DuckDBAppender a, long v) throws SQLException {
    if (v < 0) {
      a.appendNull();
    } else {
      a.append(v);
    }
  }

  /** Mean, low, high, n; a missing estimate is {@link Estimate#NONE}. */
  private static void estimate(DuckDBAppender a, Estimate e) throws SQLException {
    Estimate v = e == null ? Estimate.NONE : e;
    real(a, v.mean());
    real(a, v.ci95Low());
    real(a, v.ci95High());
    a.append(v.n());
  }

  /** Checks what the schema cannot express, before anything is written. */
  private static void validate(RunInput run) {
    AnalysisResult r = run.result();
    Set<String> rails = new HashSet<>(r.rails());
    if (rails.size() != r.rails().size()) {
      throw new IllegalArgumentException("the run's rails are not unique: " + r.rails());
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

  // ---------------------------------------------------------------- read

  private static final String RUNS_SQL =
      """
      WITH total AS (
        SELECT run_id, rail, power_mw_mean, energy_mj_trapezoid,
               row_number() OVER (
                 PARTITION BY run_id
                 ORDER BY CASE rail WHEN 'in' THEN 0 WHEN 'total' THEN 1 ELSE 2 END, rail_index
               ) AS pick
        FROM inference_results),
      summary AS (
        SELECT run_id, string_agg(key || '=' || value, ', ' ORDER BY position) AS settings
        FROM run_settings GROUP BY run_id)
      SELECT r.run_id, epoch_us(r.started_at), b.name, r.simulated, r.model,
             coalesce(s.settings, ''), r.inference_count, r.latency_ms_mean,
             coalesce(t.rail, ''), t.power_mw_mean, t.energy_mj_trapezoid
      FROM runs r
      JOIN boards b ON b.board_id = r.board_id
      LEFT JOIN summary s ON s.run_id = r.run_id
      LEFT JOIN total t ON t.run_id = r.run_id AND t.pick = 1
      ORDER BY r.started_at, r.run_id\
      """;

  @Override
  public synchronized List<RunRow> runs() {
    return reading(
        "list the runs",
        () -> {
          List<RunRow> out = new ArrayList<>();
          try (Statement st = conn.createStatement();
              ResultSet rs = st.executeQuery(RUNS_SQL)) {
            while (rs.next()) {
              out.add(
                  new RunRow(
                      rs.getLong(1),
                      instant(rs.getLong(2)),
                      rs.getString(3),
                      rs.getBoolean(4),
                      rs.getString(5),
                      rs.getString(6),
                      rs.getLong(7),
                      real(rs, 8),
                      rs.getString(9),
                      real(rs, 10),
                      real(rs, 11)));
            }
          }
          return Collections.unmodifiableList(out);
        });
  }

  @Override
  public synchronized Optional<StoredRun> run(long id) {
    return reading("read run " + id, () -> read(id));
  }

  private Optional<StoredRun> read(long id) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT r.*, epoch_us(r.started_at) AS started_at_us, b.name AS board"
                + " FROM runs r JOIN boards b ON b.board_id = r.board_id WHERE r.run_id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(readRun(id, rs)) : Optional.empty();
      }
    }
  }

  private StoredRun readRun(long id, ResultSet run) throws SQLException {
    Map<String, String> settings = pairs("run_settings", id);
    Map<String, String> environment = pairs("run_environment", id);
    List<AnalysisResult.ResidualPoint> residuals = new ArrayList<>();
    each(
        "SELECT window_ms, offset_ms, relative_residual FROM mapping_residuals"
            + " WHERE run_id = ? ORDER BY position",
        id,
        rs -> {
          residuals.add(
              new AnalysisResult.ResidualPoint(
                  real(rs, "window_ms"), real(rs, "offset_ms"), real(rs, "relative_residual")));
        });
    List<String> warnings = new ArrayList<>();
    each(
        "SELECT message FROM run_warnings WHERE run_id = ? ORDER BY position",
        id,
        rs -> {
          warnings.add(rs.getString(1));
        });

    List<String> rails = new ArrayList<>();
    Map<String, Estimate> power = new LinkedHashMap<>();
    Map<String, Double> energy = new LinkedHashMap<>();
    Map<String, Double> energyPaper = new LinkedHashMap<>();
    Map<String, Estimate> idle = new LinkedHashMap<>();
    Map<String, Estimate> tail = new LinkedHashMap<>();
    each(
        "SELECT * FROM inference_results WHERE run_id = ? ORDER BY rail_index",
        id,
        rs -> {
          String rail = rs.getString("rail");
          rails.add(rail);
          power.put(rail, estimate(rs, "power_mw", "power_n"));
          energy.put(rail, real(rs, "energy_mj_trapezoid"));
          energyPaper.put(rail, real(rs, "energy_mj_paper"));
          idle.put(rail, estimate(rs, "idle_power_mw", "idle_power_n"));
          tail.put(rail, estimate(rs, "unattributed_power_mw", "unattributed_power_n"));
        });

    Map<Integer, Map<String, Estimate>> layerPower = new HashMap<>();
    Map<Integer, Map<String, Double>> layerEnergy = new HashMap<>();
    each(
        "SELECT * FROM layer_rail_results WHERE run_id = ? ORDER BY layer_index, rail_index",
        id,
        rs -> {
          int layer = rs.getInt("layer_index");
          String rail = rs.getString("rail");
          layerPower
              .computeIfAbsent(layer, k -> new LinkedHashMap<>())
              .put(rail, estimate(rs, "power_mw", "power_n"));
          layerEnergy
              .computeIfAbsent(layer, k -> new LinkedHashMap<>())
              .put(rail, real(rs, "energy_mj"));
        });
    List<LayerSummary> layers = new ArrayList<>();
    each(
        "SELECT * FROM layer_results WHERE run_id = ? ORDER BY layer_index",
        id,
        rs -> {
          int index = rs.getInt("layer_index");
          layers.add(
              new LayerSummary(
                  index,
                  rs.getString("name"),
                  rs.getString("type"),
                  rs.getLong("samples"),
                  rs.getLong("cycles"),
                  real(rs, "duration_ms_mean"),
                  frozen(layerPower.getOrDefault(index, Map.of())),
                  frozen(layerEnergy.getOrDefault(index, Map.of())),
                  count(rs, "cycles_needed")));
        });

    Map<Integer, Map<String, Double>> phaseEnergy = new HashMap<>();
    Map<Integer, Map<String, Double>> phasePower = new HashMap<>();
    each(
        "SELECT * FROM phase_rail_results WHERE run_id = ? ORDER BY phase_index, rail_index",
        id,
        rs -> {
          int phase = rs.getInt("phase_index");
          String rail = rs.getString("rail");
          phaseEnergy
              .computeIfAbsent(phase, k -> new LinkedHashMap<>())
              .put(rail, real(rs, "energy_mj"));
          phasePower
              .computeIfAbsent(phase, k -> new LinkedHashMap<>())
              .put(rail, real(rs, "power_mw_mean"));
        });
    List<PhaseSummary> phases = new ArrayList<>();
    each(
        "SELECT * FROM phase_results WHERE run_id = ? ORDER BY phase_index",
        id,
        rs -> {
          int index = rs.getInt("phase_index");
          phases.add(
              new PhaseSummary(
                  rs.getString("name"),
                  real(rs, "duration_ms"),
                  rs.getLong("samples"),
                  rs.getLong("inferences"),
                  frozen(phaseEnergy.getOrDefault(index, Map.of())),
                  frozen(phasePower.getOrDefault(index, Map.of()))));
        });

    boolean simulated = run.getBoolean("simulated");
    LatencyMs latency =
        new LatencyMs(
            run.getLong("latency_count"),
            real(run, "latency_ms_mean"),
            real(run, "latency_ms_p50"),
            real(run, "latency_ms_p95"),
            real(run, "latency_ms_p99"),
            real(run, "latency_ms_min"),
            real(run, "latency_ms_max"));
    InferenceSummary inferences =
        new InferenceSummary(
            run.getLong("inference_count"),
            run.getInt("batch"),
            latency,
            frozen(power),
            frozen(energy),
            frozen(energyPaper),
            run.getLong("power_inference_count"));
    AnalysisResult result =
        new AnalysisResult(
            rails,
            simulated,
            inferences,
            layers,
            new Unattributed(
                run.getLong("unattributed_samples"),
                real(run, "unattributed_duration_ms_mean"),
                frozen(tail)),
            frozen(idle),
            phases,
            real(run, "sample_period_ms"),
            run.getInt("min_samples_per_layer"),
            count(run, "cycles_needed"),
            new MappingInfo(
                run.getString("mapping_method"),
                real(run, "mapping_window_ms"),
                real(run, "mapping_offset_ms"),
                real(run, "mapping_estimated_window_ms"),
                real(run, "mapping_estimated_offset_ms"),
                real(run, "mapping_condition_number"),
                run.getBoolean("mapping_resolvable"),
                run.getString("mapping_reason"),
                residuals),
            warnings);
    return new StoredRun(
        id,
        run.getString("board"),
        simulated,
        run.getString("model"),
        settings,
        instant(run.getLong("started_at_us")),
        run.getString("tool_version"),
        environment,
        result,
        run.getLong("samples_stored"));
  }

  private Map<String, String> pairs(String table, long id) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    each(
        "SELECT key, value FROM " + table + " WHERE run_id = ? ORDER BY position",
        id,
        rs -> {
          out.put(rs.getString(1), rs.getString(2));
        });
    return out;
  }

  @Override
  public synchronized Optional<RawSamples> samples(long id) {
    return reading(
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
                          + " WHERE run_id = ? ORDER BY t_ns");
              ResultSet rs = query(ps, id)) {
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

  // ---------------------------------------------------------------- query

  @Override
  public synchronized QueryResult query(String sql) {
    checkOpen();
    try {
      conn.setAutoCommit(false);
      try (Statement st = conn.createStatement()) {
        if (!st.execute(sql)) {
          return new QueryResult(List.of(), List.of(), List.of());
        }
        try (ResultSet rs = st.getResultSet()) {
          ResultSetMetaData md = rs.getMetaData();
          int n = md.getColumnCount();
          List<String> columns = new ArrayList<>(n);
          List<String> types = new ArrayList<>(n);
          for (int i = 1; i <= n; i++) {
            columns.add(md.getColumnLabel(i));
            types.add(md.getColumnTypeName(i));
          }
          List<List<String>> rows = new ArrayList<>();
          while (rs.next()) {
            List<String> row = new ArrayList<>(n);
            for (int i = 1; i <= n; i++) {
              row.add(rs.getString(i));
            }
            rows.add(row);
          }
          return new QueryResult(columns, types, rows);
        }
      } finally {
        conn.rollback();
        conn.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException(
          "query on measurement base " + file + " failed: " + e.getMessage() + "\n  query: " + sql,
          e);
    }
  }

  // ---------------------------------------------------------------- export

  @Override
  public synchronized List<ExportedTable> export(Path dir, ExportFormat format, String study) {
    checkOpen();
    Path out = dir.toAbsolutePath().normalize();
    try {
      if (Files.exists(out)) {
        if (!Files.isDirectory(out)) {
          throw new IllegalArgumentException("export folder " + out + " is a file");
        }
        try (var entries = Files.list(out)) {
          if (entries.findAny().isPresent()) {
            throw new IllegalArgumentException(
                "export folder " + out + " is not empty; name a new or empty folder");
          }
        }
      }
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new StoreException("cannot create export folder " + out + ": " + e.getMessage(), e);
    }
    try {
      if (study != null && readStudy(study).isEmpty()) {
        List<String> known = new ArrayList<>();
        studies().forEach(s -> known.add(s.studyId()));
        throw new IllegalArgumentException(
            "study '"
                + study
                + "' is not in measurement base "
                + file
                + (known.isEmpty()
                    ? "; it holds no study"
                    : "; it has " + String.join(", ", known)));
      }
      String scope = Export.scope(study);
      List<ExportedTable> written = new ArrayList<>();
      for (Map.Entry<String, String> t : Export.tables(study).entrySet()) {
        String query = scope + t.getValue();
        long rows;
        try (Statement st = conn.createStatement();
            ResultSet rs = st.executeQuery(scope + "SELECT count(*) FROM (" + t.getValue() + ")")) {
          rs.next();
          rows = rs.getLong(1);
        }
        Path folder = out.resolve(t.getKey());
        if (rows > 0) {
          String options =
              format == ExportFormat.PARQUET ? "FORMAT PARQUET" : "FORMAT CSV, HEADER true";
          try (Statement st = conn.createStatement()) {
            st.execute(
                "COPY ("
                    + query
                    + ") TO "
                    + Export.literal(folder.toString())
                    + " ("
                    + options
                    + ", PARTITION_BY (board, study))");
          }
        }
        written.add(new ExportedTable(t.getKey(), rows, folder));
      }
      return Collections.unmodifiableList(written);
    } catch (SQLException e) {
      throw new StoreException(
          "cannot export measurement base " + file + " to " + out + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      conn.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close measurement base " + file + ": " + e.getMessage(), e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("measurement base " + file + " is closed");
    }
  }

  // ---------------------------------------------------------------- helpers

  /** A read that may fail with an {@link SQLException}. */
  @FunctionalInterface
  private interface Sql<T> {
    T get() throws SQLException;
  }

  /**
   * Checks that the base is open and runs {@code body}; an {@link SQLException} becomes a {@link
   * StoreException} saying it cannot {@code what} of the base.
   */
  private <T> T reading(String what, Sql<T> body) {
    checkOpen();
    try {
      return body.get();
    } catch (SQLException e) {
      throw new StoreException(
          "cannot " + what + " of measurement base " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads one row of a result set. */
  private interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  /** Runs {@code sql} with {@code id} as its one parameter and hands each row to {@code reader}. */
  private void each(String sql, long id, RowReader reader) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql);
        ResultSet rs = query(ps, id)) {
      while (rs.next()) {
        reader.read(rs);
      }
    }
  }

  private static ResultSet query(PreparedStatement ps, long id) throws SQLException {
    ps.setLong(1, id);
    return ps.executeQuery();
  }

  private static double real(ResultSet rs, int column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? Double.NaN : v;
  }

  private static double real(ResultSet rs, String column) throws SQLException {
    double v = rs.getDouble(column);
    return rs.wasNull() ? Double.NaN : v;
  }

  private static long count(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? -1 : v;
  }

  private static Estimate estimate(ResultSet rs, String prefix, String nColumn)
      throws SQLException {
    return new Estimate(
        real(rs, prefix + "_mean"),
        real(rs, prefix + "_ci95_low"),
        real(rs, prefix + "_ci95_high"),
        rs.getLong(nColumn));
  }

  private static <V> Map<String, V> frozen(Map<String, V> m) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }

  private static long epochMicros(Instant t) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, t);
  }

  private static Instant instant(long epochMicros) {
    return Instant.EPOCH.plus(epochMicros, ChronoUnit.MICROS);
  }

  private static void rollbackQuietly(Connection conn, Throwable cause) {
    try {
      conn.rollback();
      conn.setAutoCommit(true);
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private static void closeQuietly(Connection conn, Throwable cause) {
    try {
      conn.close();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
