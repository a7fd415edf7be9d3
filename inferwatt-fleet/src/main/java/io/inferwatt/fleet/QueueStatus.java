package io.inferwatt.fleet;

import io.inferwatt.fleet.JobQueue.AgentRow;
import io.inferwatt.fleet.JobQueue.FailedJob;
import io.inferwatt.fleet.JobQueue.Status;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code fleet status}, {@code fleet cancel} and {@code fleet retry} read and change. */
final class QueueStatus {
  private QueueStatus() {}

  static int cancel(Connection c, String studyId) throws SQLException {
    return update(
        c,
        "UPDATE fleet_jobs SET state = 'cancelled', lease_until = NULL"
            + " WHERE state IN ('queued', 'running')",
        studyId);
  }

  static int retry(Connection c, String studyId) throws SQLException {
    return update(
        c,
        "UPDATE fleet_jobs SET state = 'queued', attempts = 0, error = NULL, lease_until = NULL"
            + " WHERE state IN ('failed', 'cancelled')",
        studyId);
  }

  private static int update(Connection c, String sql, String studyId) throws SQLException {
    return studyId == null
        ? QueueLeases.update(c, sql)
        : QueueLeases.update(c, sql + " AND study_id = ?", studyId);
  }

  /**
   * {@code sql} with its two parameters of {@code (CAST(? AS VARCHAR) IS NULL OR study_id = ?)}.
   */
  private static PreparedStatement forStudy(Connection c, String sql, String studyId)
      throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    ps.setString(1, studyId);
    ps.setString(2, studyId);
    return ps;
  }

  static Status status(Connection c, String studyId) throws SQLException {
    Map<String, Long> jobs = new LinkedHashMap<>();
    JobQueue.STATES.forEach(s -> jobs.put(s, 0L));
    try (PreparedStatement ps =
            forStudy(
                c,
                "SELECT state, count(*) FROM fleet_jobs"
                    + " WHERE (CAST(? AS VARCHAR) IS NULL OR study_id = ?) GROUP BY state",
                studyId);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        jobs.put(rs.getString(1), rs.getLong(2));
      }
    }
    long lastHour;
    try (PreparedStatement ps =
            forStudy(
                c,
                "SELECT count(*) FROM fleet_jobs WHERE state = 'done'"
                    + " AND finished_at > now() - interval '1 hour'"
                    + " AND (CAST(? AS VARCHAR) IS NULL OR study_id = ?)",
                studyId);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      lastHour = rs.getLong(1);
    }
    List<AgentRow> agents = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT agent_id, board, labels, last_heartbeat, job_id FROM fleet_agents"
                    + " ORDER BY agent_id")) {
      while (rs.next()) {
        String[] labels = (String[]) rs.getArray(3).getArray();
        long job = rs.getLong(5);
        boolean noJob = rs.wasNull();
        agents.add(
            new AgentRow(
                rs.getString(1),
                rs.getString(2),
                List.of(labels),
                rs.getTimestamp(4).toInstant(),
                noJob ? null : job));
      }
    }
    List<FailedJob> failed = new ArrayList<>();
    try (PreparedStatement ps =
        forStudy(
            c,
            "SELECT job_id, study_id, config_key, replica, coalesce(error, '') FROM fleet_jobs"
                + " WHERE state = 'failed' AND (CAST(? AS VARCHAR) IS NULL OR study_id = ?)"
                + " ORDER BY job_id LIMIT 20",
            studyId)) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          failed.add(
              new FailedJob(
                  rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5)));
        }
      }
    }
    return new Status(jobs, agents, lastHour, failed);
  }
}
