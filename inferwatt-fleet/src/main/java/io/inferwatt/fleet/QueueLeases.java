package io.inferwatt.fleet;

import io.inferwatt.fleet.JobQueue.AgentInfo;
import io.inferwatt.fleet.JobQueue.Job;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

/**
 * Claims, leases and heartbeats: each call is one statement (one round trip, one commit), so a
 * claim holds its row lock only for the statement's own time.
 */
final class QueueLeases {
  private QueueLeases() {}

  static void register(Connection c, AgentInfo a) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO fleet_agents VALUES (?, ?, ?, ?, now(), now(), NULL)"
                + " ON CONFLICT (agent_id) DO UPDATE SET board = EXCLUDED.board,"
                + " labels = EXCLUDED.labels, host = EXCLUDED.host,"
                + " started_at = now(), last_heartbeat = now(), job_id = NULL")) {
      ps.setString(1, a.id());
      ps.setString(2, a.board());
      ps.setArray(3, c.createArrayOf("text", a.labels().toArray()));
      ps.setString(4, a.host());
      ps.executeUpdate();
    }
  }

  private static final String REAP =
      """
      WITH x AS (
        SELECT job_id FROM fleet_jobs
        WHERE state = 'running' AND lease_until < now()
        FOR UPDATE SKIP LOCKED)
      UPDATE fleet_jobs j SET
        state = CASE WHEN j.attempts >= j.max_attempts THEN 'failed' ELSE 'queued' END,
        error = CASE WHEN j.attempts >= j.max_attempts
                     THEN 'lease expired on agent ' || coalesce(j.agent_id, '?')
                          || ' (attempt ' || j.attempts || ' of ' || j.max_attempts || ')'
                     ELSE j.error END,
        lease_until = NULL
      FROM x WHERE j.job_id = x.job_id""";

  /**
   * Sends jobs whose lease ran out back to the queue, or to {@code failed} after their last
   * attempt.
   */
  static void reap(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.executeUpdate(REAP);
    }
  }

  // One statement: pick the first runnable queued job (skipping rows other claims hold), take it,
  // and note it on the agent's row. SKIP LOCKED: no claim waits for another. The replica check is a
  // scalar subquery, not NOT EXISTS: the planner cannot turn it into an anti-join, which with stale
  // statistics became a scan of the whole table on every claim; it probes the unique key's index
  // for the candidate rows only.
  private static final String CLAIM =
      """
      WITH c AS (
        SELECT j.job_id FROM fleet_jobs j
        WHERE j.state = 'queued' AND j.board_kind = ? AND j.labels <@ ?::text[]
          AND (? OR j.engine <> 'command')
          AND (
            SELECT count(*) FROM fleet_jobs o
            WHERE o.study_id = j.study_id AND o.config_key = j.config_key
              AND o.replica <> j.replica AND o.agent_id = ? AND o.state IN ('running', 'done')) = 0
        ORDER BY j.position, j.job_id
        LIMIT 1
        FOR UPDATE SKIP LOCKED),
      u AS (
        UPDATE fleet_jobs j SET state = 'running', agent_id = ?, attempts = j.attempts + 1,
          lease_until = now() + make_interval(secs => ?), started_at = now()
        FROM c WHERE j.job_id = c.job_id
        RETURNING j.job_id, j.study_id, j.config_key, j.replica, j.position, j.sweep, j.engine,
          j.attempts, j.max_attempts),
      a AS (
        UPDATE fleet_agents SET job_id = (SELECT job_id FROM u), last_heartbeat = now()
        WHERE agent_id = ?)
      SELECT * FROM u""";

  /** Claims the next job {@code agent} can run, if any (the caller reaps). */
  static Optional<Job> claim(Connection c, AgentInfo agent, Duration lease) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
      ps.setString(1, agent.board());
      ps.setArray(2, c.createArrayOf("text", agent.labels().toArray()));
      ps.setBoolean(3, agent.allowCommands());
      ps.setString(4, agent.id());
      ps.setString(5, agent.id());
      ps.setDouble(6, lease.toMillis() / 1000.0);
      ps.setString(7, agent.id());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Job(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getInt(4),
                rs.getInt(5),
                rs.getString(6),
                rs.getString(7),
                rs.getInt(8),
                rs.getInt(9)));
      }
    }
  }

  static boolean anythingFor(Connection c, AgentInfo agent) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT 1 FROM fleet_jobs j WHERE j.board_kind = ? AND j.labels <@ ?::text[]"
                + " AND (? OR j.engine <> 'command')"
                + " AND (j.state = 'running' OR (j.state = 'queued' AND ("
                + " SELECT count(*) FROM fleet_jobs o WHERE o.study_id = j.study_id"
                + " AND o.config_key = j.config_key AND o.replica <> j.replica"
                + " AND o.agent_id = ? AND o.state IN ('running', 'done')) = 0)) LIMIT 1")) {
      ps.setString(1, agent.board());
      ps.setArray(2, c.createArrayOf("text", agent.labels().toArray()));
      ps.setBoolean(3, agent.allowCommands());
      ps.setString(4, agent.id());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Runs one update with its parameters in order; returns the rows it changed. */
  static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      return ps.executeUpdate();
    }
  }

  /** The agent's heartbeat and its job's lease, in one statement. */
  static boolean heartbeat(Connection c, String agentId, long jobId, Duration lease)
      throws SQLException {
    int n =
        update(
            c,
            "WITH a AS (UPDATE fleet_agents SET last_heartbeat = now() WHERE agent_id = ?)"
                + " UPDATE fleet_jobs SET lease_until = now() + make_interval(secs => ?)"
                + " WHERE job_id = ? AND agent_id = ? AND state = 'running'",
            agentId,
            lease.toMillis() / 1000.0,
            jobId,
            agentId);
    return n == 1 || jobId < 0;
  }

  static void done(Connection c, String studyId, String configKey, int replica)
      throws SQLException {
    update(
        c,
        "UPDATE fleet_jobs SET state = 'done', finished_at = now(), lease_until = NULL,"
            + " error = NULL WHERE study_id = ? AND config_key = ? AND replica = ?"
            + " AND state <> 'done'",
        studyId,
        configKey,
        replica);
  }

  static void failed(Connection c, String agentId, long jobId, String error) throws SQLException {
    update(
        c,
        "UPDATE fleet_jobs SET state = CASE WHEN attempts >= max_attempts THEN 'failed'"
            + " ELSE 'queued' END, error = ?, lease_until = NULL"
            + " WHERE job_id = ? AND agent_id = ? AND state = 'running'",
        error,
        jobId,
        agentId);
  }

  static void release(Connection c, String agentId, long jobId) throws SQLException {
    update(
        c,
        "UPDATE fleet_jobs SET state = 'queued', attempts = attempts - 1,"
            + " lease_until = NULL WHERE job_id = ? AND agent_id = ? AND state = 'running'",
        jobId,
        agentId);
  }
}
