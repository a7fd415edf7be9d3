package io.inferwatt.fleet;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The queue's tables ({@code fleet_plans}, {@code fleet_jobs}, {@code fleet_agents}) and their
 * indexes, created once beside the measurement tables; see {@code docs/fleet.md}.
 */
final class QueueSchema {
  private QueueSchema() {}

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

  /** Creates the queue's tables where they are missing. */
  static void install(Connection c) throws SQLException {
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
  }
}
