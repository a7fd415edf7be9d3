package io.inferwatt.store;

import static io.inferwatt.store.Sql.epochMicros;
import static io.inferwatt.store.Sql.instant;
import static io.inferwatt.store.Sql.real;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** The study tables: a study with its slices, and its finished configurations with their runs. */
final class StudyTables {

  private final Object file;
  private final Connection conn;
  private final RunWriter writer;
  private final RunReader reader;

  StudyTables(Object file, Connection conn, RunWriter writer, RunReader reader) {
    this.file = file;
    this.conn = conn;
    this.writer = writer;
    this.reader = reader;
  }

  /** Records {@code study}, or updates its plan, size and slices (see the interface). */
  void saveStudy(StudyInput study) {
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
      Transactions.inTransaction(conn, () -> writeStudy(study, old.isEmpty(), now));
    } catch (SQLException e) {
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

  private Void writeStudy(StudyInput study, boolean isNew, long now) throws SQLException {
    writer.lock();
    if (isNew) {
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
    try (TableAppender a = writer.appender("study_slices")) {
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
    return null;
  }

  /** Saves one configuration's run and row in one transaction (see the interface). */
  long saveStudyRun(String studyId, String configKey, int position, String sweep, RunInput run) {
    RunChecks.validate(run);
    try {
      if (!studyExists(studyId)) {
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
      return Transactions.inTransaction(
          conn,
          () -> {
            long id = writer.write(run);
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
            writer.written("study_configurations");
            return id;
          });
    } catch (SQLException | RuntimeException e) {
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

  List<StudyRow> studies() {
    return Sql.reading(
        file,
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

  Optional<StudyRow> study(String studyId) {
    return Sql.reading(file, "read study " + studyId, () -> readStudy(studyId));
  }

  /**
   * Whether study {@code studyId} is stored: one key look-up (a save checks it per configuration).
   */
  private boolean studyExists(String studyId) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement("SELECT 1 FROM studies WHERE study_id = ?")) {
      ps.setString(1, studyId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  Optional<StudyRow> readStudy(String studyId) throws SQLException {
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

  List<StudyInput.Slice> studySlices(String studyId) {
    return Sql.reading(
        file,
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
      SELECT c.config_key, c.position, c.sweep, c.run_id, r.model, r.batch, r.latency_ms_mean,
             coalesce(t.rail, ''), t.power_mw_mean, t.energy_mj_paper
      FROM study_configurations c
      JOIN runs r ON r.run_id = c.run_id
      LEFT JOIN inference_results t ON t.run_id = c.run_id AND t.total
      WHERE c.study_id = ?
      ORDER BY c.position, c.config_key\
      """;

  List<StudyConfigurationRow> studyConfigurations(String studyId) {
    return Sql.reading(
        file,
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
                      Collections.unmodifiableMap(reader.pairs("run_settings", (Long) r[3])),
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
}
