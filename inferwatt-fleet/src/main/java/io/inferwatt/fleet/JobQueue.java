package io.inferwatt.fleet;

import io.inferwatt.store.PgBase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
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
 * <p>This class holds the connection and its failures; the SQL is in {@link QueueSchema} (tables),
 * {@link QueueSubmit} (submission), {@link QueueLeases} (claims, leases, heartbeats) and {@link
 * QueueStatus} (status, cancel, retry). One queue holds one connection and is not thread-safe: each
 * agent thread has its own.
 *
 * <p>The queue's own statements commit without waiting for the disk ({@code synchronous_commit =
 * off}, on this connection only; a submission waits). A server crash can forget the last fraction
 * of a second of claims and {@code done} marks: such a job is claimed again and its result, stored
 * durably through the measurement store under a unique key, is stored once (docs/fleet.md).
 */
public final class JobQueue implements AutoCloseable {

  /** Job states. */
  public static final List<String> STATES =
      List.of("queued", "running", "done", "failed", "cancelled");

  /**
   * How often a claim first sends expired leases back to the queue (also whenever it finds none).
   */
  private static final long REAP_EVERY_NS = 1_000_000_000L;

  private final PgBase base;
  private final boolean asyncCommits;
  private Connection conn;
  private long lastReapNs;
  private boolean reaped;

  public JobQueue(PgBase base) {
    this(base, true);
  }

  /**
   * @param asyncCommits whether the queue's statements commit without waiting for the disk
   */
  JobQueue(PgBase base, boolean asyncCommits) {
    this.base = base;
    this.asyncCommits = asyncCommits;
  }

  /** The base the queue lives in. */
  public PgBase base() {
    return base;
  }

  private interface Sql<T> {
    T on(Connection c) throws SQLException;
  }

  /** Runs {@code sql} on the connection; after a failure the next call connects again. */
  private <T> T with(Sql<T> sql) throws SQLException {
    try {
      if (conn == null || conn.isClosed()) {
        conn = base.connect();
        if (asyncCommits) {
          try (Statement st = conn.createStatement()) {
            st.execute("SET synchronous_commit = off");
          }
        }
      }
      return sql.on(conn);
    } catch (SQLException e) {
      if (conn != null) {
        try {
          conn.close();
        } catch (SQLException ignored) {
          e.addSuppressed(ignored);
        }
        conn = null;
      }
      throw e;
    }
  }

  /** Creates the queue's tables where they are missing. */
  public void install() throws SQLException {
    with(
        c -> {
          QueueSchema.install(c);
          return null;
        });
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
    return with(
        c ->
            QueueSubmit.submit(c, studyId, planText, boardKind, labels, engine, maxAttempts, jobs));
  }

  /** The plan of a submitted study, as submitted. */
  public Optional<String> plan(String studyId) throws SQLException {
    return with(c -> QueueSubmit.plan(c, studyId));
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
    with(
        c -> {
          QueueLeases.register(c, a);
          return null;
        });
  }

  /**
   * Claims the next job {@code agent} can run, if any. Jobs whose lease ran out go back to the
   * queue (or to {@code failed} after their last attempt) first: at most once a second per queue,
   * and always before this claim says there is nothing.
   */
  public Optional<Job> claim(AgentInfo agent, Duration lease) throws SQLException {
    return with(
        c -> {
          boolean reapFirst = !reaped || System.nanoTime() - lastReapNs >= REAP_EVERY_NS;
          if (reapFirst) {
            reap(c);
          }
          Optional<Job> job = QueueLeases.claim(c, agent, lease);
          if (job.isEmpty() && !reapFirst) {
            reap(c);
            job = QueueLeases.claim(c, agent, lease);
          }
          return job;
        });
  }

  private void reap(Connection c) throws SQLException {
    QueueLeases.reap(c);
    lastReapNs = System.nanoTime();
    reaped = true;
  }

  /**
   * Whether {@code agent} may still get work: a queued job it can run, or a running job of its kind
   * (which may come back when its lease runs out).
   */
  public boolean anythingFor(AgentInfo agent) throws SQLException {
    return with(c -> QueueLeases.anythingFor(c, agent));
  }

  /**
   * Extends the lease of {@code jobId} held by {@code agentId} and the agent's heartbeat.
   *
   * @return whether the agent still holds the job (false: its lease ran out and it went back to the
   *     queue, or it was cancelled); true for {@code jobId < 0} (no job)
   */
  public boolean heartbeat(String agentId, long jobId, Duration lease) throws SQLException {
    return with(c -> QueueLeases.heartbeat(c, agentId, jobId, lease));
  }

  /** Marks the job of this result done: its result is in the base, whoever measured it. */
  public void done(String studyId, String configKey, int replica) throws SQLException {
    with(
        c -> {
          QueueLeases.done(c, studyId, configKey, replica);
          return null;
        });
  }

  /**
   * Records that the agent's attempt at a job failed: back to the queue, or {@code failed} with
   * {@code error} after its last attempt.
   */
  public void failed(String agentId, long jobId, String error) throws SQLException {
    with(
        c -> {
          QueueLeases.failed(c, agentId, jobId, error);
          return null;
        });
  }

  /** Gives a claimed job back untried (the attempt does not count). */
  public void release(String agentId, long jobId) throws SQLException {
    with(
        c -> {
          QueueLeases.release(c, agentId, jobId);
          return null;
        });
  }

  /** Cancels queued and running jobs of {@code studyId} (null: every study). */
  public int cancel(String studyId) throws SQLException {
    return with(c -> QueueStatus.cancel(c, studyId));
  }

  /** Puts failed and cancelled jobs of {@code studyId} (null: every study) back, attempts at 0. */
  public int retry(String studyId) throws SQLException {
    return with(c -> QueueStatus.retry(c, studyId));
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
    return with(c -> QueueStatus.status(c, studyId));
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
