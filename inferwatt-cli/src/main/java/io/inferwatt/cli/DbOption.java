package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.PgBase;
import io.inferwatt.store.SqlConsole;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --db} option (also spelled {@code --base}), a picocli mixin of every command that
 * reads or writes the measurement base: a DuckDB file, or a PostgreSQL base named by a {@code
 * postgresql://} URL whose password comes from {@code --password-file}, {@code PGPASSWORD} or
 * {@code ~/.pgpass}, never from the command line.
 */
final class DbOption {

  /** The DuckDB file, or null when the base is on PostgreSQL. */
  Path path;

  private String base;
  private PgBase pg;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      description =
          "PostgreSQL only: a file whose first line is the password (else PGPASSWORD, else"
              + " ~/.pgpass).")
  Path passwordFile;

  @Option(
      names = {"--db", "--base"},
      paramLabel = "BASE",
      defaultValue = "inferwatt.duckdb",
      description =
          "The measurement base: a DuckDB file, or postgresql://[user@]host[:port]/database"
              + "[?sslmode=require] (default: ${DEFAULT-VALUE}).")
  void base(String value) {
    this.base = value;
    this.pg = null;
    this.path = PgBase.isUrl(value) ? null : Path.of(value);
  }

  /** Whether the base is on a PostgreSQL server. */
  boolean postgres() {
    return path == null;
  }

  /** The PostgreSQL base (checked once: no password in the URL, known options only). */
  PgBase pg() {
    if (pg == null) {
      pg = PgBase.parse(base, passwordFile);
    }
    return pg;
  }

  /** The base at {@code --db}, which must exist. */
  Store openExisting() {
    return openExisting("name one with --db");
  }

  /**
   * The base at {@code --db}, which must exist (a PostgreSQL base is created on first use).
   *
   * @param hint what to do when it does not, for the one-line error
   */
  Store openExisting(String hint) {
    if (postgres()) {
      return Store.of(MeasurementStore.open(pg()));
    }
    return Store.open(existing(hint));
  }

  /**
   * {@code --db}, which must exist (for a command that opens the file itself).
   *
   * @param hint what to do when it does not, for the one-line error
   */
  Path existing(String hint) {
    if (postgres()) {
      throw new IllegalStateException("the base is not a file: " + this);
    }
    if (!Files.exists(path)) {
      throw new BadInputException(path + ": no measurement base here (" + hint + ")");
    }
    return path;
  }

  /** Whether the base is there: the file exists, or (PostgreSQL) always. */
  boolean exists() {
    return postgres() || Files.exists(path);
  }

  /** The base opened read-only for {@code query}. */
  SqlConsole console(String hint) {
    if (postgres()) {
      return SqlConsole.open(base, passwordFile);
    }
    return SqlConsole.open(existing(hint));
  }

  /** Opens the base, creating it when it is not there. */
  Store openOrCreate() {
    if (postgres()) {
      return Store.of(MeasurementStore.open(pg()));
    }
    return Store.open(path);
  }

  @Override
  public String toString() {
    return postgres() ? pg().toString() : path.toString();
  }
}
