package io.inferwatt.fleet;

import io.inferwatt.store.PgBase;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fleet's work queue: tables {@code fleet_jobs}, {@code fleet_plans} and {@code fleet_agents}
 * beside the measurement tables in the same PostgreSQL database. A job is one configuration of a
 * submitted study (one per replica), tagged with the board kind and labels it needs. Agents claim
 * with {@code SELECT … FOR UPDATE SKIP LOCKED} (no two agents ever get the same job, and none waits
 * for another's claim), hold it with a lease that their heartbeat extends, and mark it done once
 * its result is in the base. A lease that runs out (agent killed, board off) sends the job back to
 * the queue; after {@code max_attempts} claims it is {@code failed} with its error.
 *
 * <p>One queue holds one connection and is not thread-safe: each agent thread has its own.
 */
public final class JobQueue implements AutoCloseable {

  /** Job states. */
  public static final List<String> STATES =
      List.of("queued", "running", "done", "failed", "cancelled");

  private static final List<String> DDL =
      List.of(
          """
          CREATE TABLE IF NOT EXISTS fleet_plans (
            study_id     VARCHAR PRIMARY KEY,
            plan         TEXT NOT NULL,
            submitted_at TIMESTAMPTZ NOT NULL DEFAULT now()
          )""",
          """
          CREATE TABLE IF NOT EXISTS fleet_jobs (
            job_id       BIGSERIAL PRIMARY KEY,
            study_id     VARCHAR NOT NULL,
            config_key   VARCHAR NOT NULL,
            replica      INTEGER NOT NULL,
            position     INTEGER NOT NULL,
            sweep        VARCHAR NOT NULL,
            board_kind   VARCHAR NOT NULL,
            labels       TEXT[] NOT NULL,
            engine       VARCHAR NOT NULL,
            state        VARCHAR NOT NULL,
            attempts     INTEGER NOT NULL DEFAULT 0,
            max_attempts INTEGER NOT NULL,
            agent_id     VARCHAR,
            lease_until  TIMESTAMPTZ,
            error        TEXT,
            submitted_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            started_at   TIMESTAMPTZ,
            finished_at  TIMESTAMPTZ,
            UNIQUE (study_id, config_key, replica)
          )""",
          // the claim reads only queued jobs of one board kind, in order: a partial index
          "CREATE INDEX IF NOT EXISTS fleet_jobs_ready ON fleet_jobs (board_kind, position, job_id)"
              + " WHERE state = 'queued'",
          // the reaper reads only running jobs by lease
          "CREATE INDEX IF NOT EXISTS fleet_jobs_leases ON fleet_jobs (lease_until)"
              + " WHERE state = 'running'",
          """
          CREATE TABLE IF NOT EXISTS fleet_agents (
            agent_id       VARCHAR PRIMARY KEY,
            board          VARCHAR NOT NULL,
            labels         TEXT[] NOT NULL,
            host           VARCHAR NOT NULL,
            started_at     TIMESTAMPTZ NOT NULL,
            last_heartbeat TIMESTAMPTZ NOT NULL,
            job_id         BIGINT
          )""");

  /** The advisory lock that serializes creating the queue's tables. */
  private static final long DDL_LOCK = 0x666c7471L;

  private final PgBase base;
  private Connection conn;

  public JobQueue(PgBase base) {
    this.base = base;
  }

  /** The base the queue lives in. */
  public PgBase base() {
    return base;
  }

  private Connection conn() throws SQLException {
    if (conn == null || conn.isClosed()) {
      conn = base.connect();
    }
    return conn;
  }

  /** Drops the connection after a failure, so that the next call connects again. */
  private SQLException broken(SQLException e) {
    if (conn != null) {
      try {
        conn.close();
      } catch (SQLException ignored) {
        e.addSuppressed(ignored);
      }
      conn = null;
    }
    return e;
  }

  /** Creates the queue's tables where they are missing. */
  public void install() throws SQLException {
    try {
      Connection c = conn();
      try (Statement st = c.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT to_regclass('fleet_agents') IS NOT NULL"
                      + " AND to_regclass('fleet_jobs_leases') IS NOT NULL")) {
        rs.next();
        if (rs.getBoolean(1)) {
          return; // installed: no lock (a session lock would not survive a transaction pooler)
        }
      }
      try (Statement st = c.createStatement()) {
        st.execute("SELECT pg_advisory_lock(" + DDL_LOCK + ")");
        try {
          for (String sql : DDL) {
            st.execute(sql);
          }
        } finally {
          st.execute("SELECT pg_advisory_unlock(" + DDL_LOCK + ")");
        }
      }
    } catch (SQLException e) {
      throw broken(e);
    }
  }

  /** One job to put in the queue. */
  public record NewJob(String configKey, int replica, int position, String sweep, boolean done) {}

  /**
   * Puts a study's jobs in the queue, with its plan; a job already there (same study, key and
   * replica) is left as it is, so submitting again adds only what is new.
   *
   * @return jobs added
   */
  public int submit(
      String studyId,
      String planText,
      String boardKind,
      List<String> labels,
      String engine,
      int maxAttempts,
      List<NewJob> jobs)
      throws SQLException {
    try {
      Connection c = conn();
      c.setAutoCommit(false);
      try {
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
    } catch (SQLException e) {
      throw broken(e);
    }
  }

  /** What an agent is and may run. */
  public record AgentInfo(
      String id, String board, List<String> labels, String host, boolean allowCommands) {
    public AgentInfo {
      labels = List.copyOf(labels);
    }
  }

  /** A claimed job. */
  public record Job(
      long jobId,
      String studyId,
      String configKey,
      int replica,
      int position,
      String sweep,
      String engine,
      int attempt,
      int maxAttempts) {

    /**
     * The key of this replica's result in the base: the configuration's key, with {@code ~r2},
     * {@code ~r3}, … for the second and later replicas.
     */
    public String resultKey() {
      return resultKey(configKey, replica);
    }

    public static String resultKey(String configKey, int replica) {
      return replica <= 1 ? configKey : configKey + "~r" + replica;
    }
  }

  /** Registers (or re-registers) an agent; its heartbeat starts now. */
  public void register(AgentInfo a) throws SQLException {
    try {
      try (PreparedStatement ps =
          conn()
              .prepareStatement(
                  "INSERT INTO fleet_agents VALUES (?, ?, ?, ?, now(), now(), NULL)"
                      + " ON CONFLICT (agent_id) DO UPDATE SET board = EXCLUDED.board,"
                      + " labels = EXCLUDED.labels, host = EXCLUDED.host,"
                      + " started_at = now(), last_heartbeat = now(), job_id = NULL")) {
        ps.setString(1, a.id());
        ps.setString(2, a.board());
        ps.setArray(3, conn().createArrayOf("text", a.labels().toArray()));
        ps.setString(4, a.host());
        ps.executeUpdate();
      }
    } catch (SQLException e) {
      throw broken(e);
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

  private static final String CLAIM =
      """
      WITH c AS (
        SELECT j.job_id FROM fleet_jobs j
        WHERE j.state = 'queued' AND j.board_kind = ? AND j.labels <@ ?::text[]
          AND (? OR j.engine <> 'command')
          AND NOT EXISTS (
            SELECT 1 FROM fleet_jobs o
            WHERE o.study_id = j.study_id AND o.config_key = j.config_key
              AND o.replica <> j.replica AND o.agent_id = ? AND o.state IN ('running', 'done'))
        ORDER BY j.position, j.job_id
        LIMIT 1
        FOR UPDATE SKIP LOCKED)
      UPDATE fleet_jobs j SET state = 'running', agent_id = ?, attempts = j.attempts + 1,
        lease_until = now() + make_interval(secs => ?), started_at = now()
      FROM c WHERE j.job_id = c.job_id
      RETURNING j.job_id, j.study_id, j.config_key, j.replica, j.position, j.sweep, j.engine,
        j.attempts, j.max_attempts""";

  /**
   * Sends jobs whose lease ran out back to the queue (or to {@code failed} after their last
   * attempt), then claims the next job {@code agent} can run, if any.
   */
  public Optional<Job> claim(AgentInfo agent, Duration lease) throws SQLException {
    try {
      Connection c = conn();
      try (Statement st = c.createStatement()) {
        st.executeUpdate(REAP);
      }
      c.setAutoCommit(false);
      try {
        Optional<Job> job = Optional.empty();
        try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
          ps.setString(1, agent.board());
          ps.setArray(2, c.createArrayOf("text", agent.labels().toArray()));
          ps.setBoolean(3, agent.allowCommands());
          ps.setString(4, agent.id());
          ps.setString(5, agent.id());
          ps.setDouble(6, lease.toMillis() / 1000.0);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              job =
                  Optional.of(
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
        try (PreparedStatement ps =
            c.prepareStatement(
                "UPDATE fleet_agents SET job_id = ?, last_heartbeat = now() WHERE agent_id = ?")) {
          if (job.isPresent()) {
            ps.setLong(1, job.get().jobId());
          } else {
            ps.setNull(1, java.sql.Types.BIGINT);
          }
          ps.setString(2, agent.id());
          ps.executeUpdate();
        }
        c.commit();
        return job;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException r) {
          e.addSuppressed(r);
        }
        throw e;
      } finally {
        try {
          c.setAutoCommit(true);
        } catch (SQLException ignored) {
          // a broken connection; the caller's catch drops it
        }
      }
    } catch (SQLException e) {
      throw broken(e);
    }
  }

  /**
   * Whether {@code agent} may still get work: a queued job it can run, or a running job of its kind
   * (which may come back when its lease runs out).
   */
  public boolean anythingFor(AgentInfo agent) throws SQLException {
    try (PreparedStatement ps =
        conn()
            .prepareStatement(
                "SELECT 1 FROM fleet_jobs j WHERE j.board_kind = ? AND j.labels <@ ?::text[]"
                    + " AND (? OR j.engine <> 'command')"
                    + " AND (j.state = 'running' OR (j.state = 'queued' AND NOT EXISTS ("
                    + " SELECT 1 FROM fleet_jobs o WHERE o.study_id = j.study_id"
                    + " AND o.config_key = j.config_key AND o.replica <> j.replica"
                    + " AND o.agent_id = ? AND o.state IN ('running', 'done')))) LIMIT 1")) {
      ps.setString(1, agent.board());
      ps.setArray(2, conn().createArrayOf("text", agent.labels().toArray()));
      ps.setBoolean(3, agent.allowCommands());
      ps.setString(4, agent.id());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw broken(e);
    }
  }

  /**
   * Extends the lease of {@code jobId} held by {@code agentId} and the agent's heartbeat.
   *
   * @return whether the agent still holds the job (false: its lease ran out and it went back to the
   *     queue, or it was cancelled)
   */
  public boolean heartbeat(String agentId, long jobId, Duration lease) throws SQLException {
    try {
      Connection c = conn();
      try (PreparedStatement ps =
          c.prepareStatement("UPDATE fleet_agents SET last_heartbeat = now() WHERE agent_id = ?")) {
        ps.setString(1, agentId);
        ps.executeUpdate();
      }
      if (jobId < 0) {
        return true;
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE fleet_jobs SET lease_until = now() + make_interval(secs => ?)"
                  + " WHERE job_id = ? AND agent_id = ? AND state = 'running'")) {
        ps.setDouble(1, lease.toMillis() / 1000.0);
        ps.setLong(2, jobId);
        ps.setString(3, agentId);
        return ps.executeUpdate() == 1;
      }
    } catch (SQLException e) {
      throw broken(e);
    }
  }

  /** Marks the job of this result done: its result is in the base, whoever measured it. */
  public void done(String studyId, String configKey, int replica) throws SQLException {
    try (PreparedStatement ps =
        conn()
            .prepareStatement(
                "UPDATE fleet_jobs SET state = 'done', finished_at = now(), lease_until = NULL,"
                    + " error = NULL WHERE study_id = ? AND config_key = ? AND replica = ?"
                    + " AND state <> 'done'")) {
      ps.setString(1, studyId);
      ps.setString(2, configKey);
      ps.setInt(3, replica);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw broken(e);
    }
  }

  /**
   * Records that the agent's attempt at a job failed: back to the queue, or {@code failed} with
   * {@code error} after its last attempt.
   */
  public void failed(String agentId, long jobId, String error) throws SQLException {
    try (PreparedStatement ps =
        conn()
            .prepareStatement(
                "UPDATE fleet_jobs SET state = CASE WHEN attempts >= max_attempts THEN 'failed'"
                    + " ELSE 'queued' END, error = ?, lease_until = NULL"
                    + " WHERE job_id = ? AND agent_id = ? AND state = 'running'")) {
      ps.setString(1, error);
      ps.setLong(2, jobId);
      ps.setString(3, agentId);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw broken(e);
    }
  }

  /** Gives a claimed job back untried (the attempt does not count). */
  public void release(String agentId, long jobId) throws SQLException {
    try (PreparedStatement ps =
        conn()
            .prepareStatement(
                "UPDATE fleet_jobs SET state = 'queued', attempts = attempts - 1,"
                    + " lease_until = NULL WHERE job_id = ? AND agent_id = ? AND state = 'running'")) {
      ps.setLong(1, jobId);
      ps.setString(2, agentId);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw broken(e);
    }
  }

  /** The plan of a submitted study, as submitted. */
  public Optional<String> plan(String studyId) throws SQLException {
    try (PreparedStatement ps =
        conn().prepareStatement("SELECT plan FROM fleet_plans WHERE study_id = ?")) {
      ps.setString(1, studyId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw broken(e);
    }
  }

  /** Cancels queued and running jobs of {@code studyId} (null: every study). */
  public int cancel(String studyId) throws SQLException {
    return update(
        "UPDATE fleet_jobs SET state = 'cancelled', lease_until = NULL"
            + " WHERE state IN ('queued', 'running')",
        studyId);
  }

  /** Puts failed and cancelled jobs of {@code studyId} (null: every study) back, attempts at 0. */
  public int retry(String studyId) throws SQLException {
    return update(
        "UPDATE fleet_jobs SET state = 'queued', attempts = 0, error = NULL, lease_until = NULL"
            + " WHERE state IN ('failed', 'cancelled')",
        studyId);
  }

  private int update(String sql, String studyId) throws SQLException {
    try (PreparedStatement ps =
        conn().prepareStatement(sql + (studyId == null ? "" : " AND study_id = ?"))) {
      if (studyId != null) {
        ps.setString(1, studyId);
      }
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw broken(e);
    }
  }

  /** An agent as the queue sees it. */
  public record AgentRow(
      String id, String board, List<String> labels, Instant lastHeartbeat, Long jobId) {}

  /** A job that failed for good. */
  public record FailedJob(
      long jobId, String studyId, String configKey, int replica, String error) {}

  /**
   * The queue at a glance.
   *
   * @param jobs jobs per state, every state present
   * @param agents every agent, by id
   * @param doneLastHour jobs finished in the last hour
   * @param failed the failed jobs with their errors (at most 20)
   */
  public record Status(
      Map<String, Long> jobs, List<AgentRow> agents, long doneLastHour, List<FailedJob> failed) {}

  /** Jobs by state, the agents, the last hour's throughput. */
  public Status status(String studyId) throws SQLException {
    try {
      Connection c = conn();
      String where = studyId == null ? "" : " WHERE study_id = ?";
      Map<String, Long> jobs = new LinkedHashMap<>();
      STATES.forEach(s -> jobs.put(s, 0L));
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT state, count(*) FROM fleet_jobs" + where + " GROUP BY state")) {
        if (studyId != null) {
          ps.setString(1, studyId);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            jobs.put(rs.getString(1), rs.getLong(2));
          }
        }
      }
      long lastHour;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT count(*) FROM fleet_jobs WHERE state = 'done'"
                  + " AND finished_at > now() - interval '1 hour'"
                  + (studyId == null ? "" : " AND study_id = ?"))) {
        if (studyId != null) {
          ps.setString(1, studyId);
        }
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          lastHour = rs.getLong(1);
        }
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
          c.prepareStatement(
              "SELECT job_id, study_id, config_key, replica, coalesce(error, '') FROM fleet_jobs"
                  + " WHERE state = 'failed'"
                  + (studyId == null ? "" : " AND study_id = ?")
                  + " ORDER BY job_id LIMIT 20")) {
        if (studyId != null) {
          ps.setString(1, studyId);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            failed.add(
                new FailedJob(
                    rs.getLong(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getInt(4),
                    rs.getString(5)));
          }
        }
      }
      return new Status(jobs, agents, lastHour, failed);
    } catch (SQLException e) {
      throw broken(e);
    }
  }

  @Override
  public void close() {
    if (conn != null) {
      try {
        conn.close();
      } catch (SQLException e) {
        // closing a broken connection: nothing left to release
      }
      conn = null;
    }
  }
}
