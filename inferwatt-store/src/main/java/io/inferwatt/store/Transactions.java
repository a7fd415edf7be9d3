package io.inferwatt.store;

import java.sql.Connection;
import java.sql.SQLException;

/** The one way the store commits: a body in a transaction, rolled back whole when it fails. */
final class Transactions {

  private Transactions() {}

  /** Work inside a transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run() throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction on {@code conn} and commits it; when {@code work} or the
   * commit fails, rolls back (a failing rollback is attached to the failure) and rethrows.
   */
  static <T> T inTransaction(Connection conn, Work<T> work) throws SQLException {
    return run(conn, work, true);
  }

  /**
   * Runs {@code work}, which only reads, in one transaction on {@code conn} that is rolled back
   * after; inside the caller's transaction when one is open. Its queries see one snapshot, and
   * PostgreSQL's driver fetches a result a batch at a time (the statement's fetch size) only inside
   * a transaction: in auto-commit it holds every row in memory.
   */
  static <T> T reading(Connection conn, Work<T> work) throws SQLException {
    if (!conn.getAutoCommit()) {
      return work.run();
    }
    return run(conn, work, false);
  }

  private static <T> T run(Connection conn, Work<T> work, boolean commit) throws SQLException {
    conn.setAutoCommit(false);
    try {
      T result = work.run();
      if (commit) {
        conn.commit();
      } else {
        conn.rollback();
      }
      conn.setAutoCommit(true);
      return result;
    } catch (SQLException | RuntimeException | Error e) {
      rollbackQuietly(conn, e);
      throw e;
    }
  }

  static void rollbackQuietly(Connection conn, Throwable cause) {
    try {
      conn.rollback();
      conn.setAutoCommit(true);
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  static void closeQuietly(Connection conn, Throwable cause) {
    try {
      conn.close();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
