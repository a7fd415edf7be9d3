package io.inferwatt.cli;

import java.sql.Connection;
import java.sql.DriverManager;

/**
 * Holds a DuckDB file open, as another inferwatt would, until its standard input closes: {@code
 * java -cp ... io.inferwatt.cli.HoldBase FILE} prints {@code held} once DuckDB has the lock.
 */
public final class HoldBase {
  private HoldBase() {}

  public static void main(String[] args) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + args[0])) {
      System.out.println("held");
      System.out.flush();
      while (System.in.read() >= 0) {
        // until the parent closes the pipe
      }
    }
  }
}
