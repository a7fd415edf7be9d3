package io.inferwatt.fleet;

import io.inferwatt.fleet.JobQueue.NewJob;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

/** Putting a study's plan and jobs in the queue, and reading the plan back. */
final class QueueSubmit {
  private QueueSubmit() {}

  static int submit(
      Connection c,
      String studyId,
      String planText,
      String boardKind,
      List<String> labels,
      String engine,
      int maxAttempts,
      List<NewJob> jobs)
      throws SQLException {
    c.setAutoCommit(false);
    try {
      try (Statement st = c.createStatement()) {
        // the queue's connections commit asynchronously; a submission waits for the disk
        st.execute("SET LOCAL synchronous_commit = on");
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO fleet_plans (study_id, plan) VALUES (?, ?)"
                  + " ON CONFLICT (study_id) DO UPDATE SET plan = EXCLUDED.plan")) {
        ps.setString(1, studyId);
        ps.setString(2, planText);
        ps.executeUpdate();
      }
      int added = 0;
      Array labelArray = c.createArrayOf("text", labels.toArray());
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO fleet_jobs (study_id, config_key, replica, position, sweep,"
                  + " board_kind, labels, engine, state, max_attempts, finished_at)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CASE WHEN ? THEN now() END)"
                  + " ON CONFLICT (study_id, config_key, replica) DO NOTHING")) {
        for (NewJob j : jobs) {
          ps.setString(1, studyId);
          ps.setString(2, j.configKey());
          ps.setInt(3, j.replica());
          ps.setInt(4, j.position());
          ps.setString(5, j.sweep());
          ps.setString(6, boardKind);
          ps.setArray(7, labelArray);
          ps.setString(8, engine);
          ps.setString(9, j.done() ? "done" : "queued");
          ps.setInt(10, maxAttempts);
          ps.setBoolean(11, j.done());
          ps.addBatch();
        }
        for (int n : ps.executeBatch()) {
          added += Math.max(n, 0);
        }
      }
      c.commit();
      return added;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  static Optional<String> plan(Connection c, String studyId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT plan FROM fleet_plans WHERE study_id = ?")) {
      ps.setString(1, studyId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }
}
