package io.inferwatt.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * What the commands that read or write the measurement base share: the {@code --db} option and
 * opening a base that must already exist.
 */
abstract class BaseCommand {

  @Option(
      names = "--db",
      defaultValue = "inferwatt.duckdb",
      description = "measurement base file (default: ${DEFAULT-VALUE})")
  Path db;

  /** The base at {@code --db}, which must exist. */
  Store openExisting() {
    return openExisting("name one with --db");
  }

  /**
   * The base at {@code --db}, which must exist.
   *
   * @param hint what to do when it does not, for the one-line error
   */
  Store openExisting(String hint) {
    return Store.open(existingBase(hint));
  }

  /**
   * {@code --db}, which must exist.
   *
   * @param hint what to do when it does not, for the one-line error
   */
  Path existingBase(String hint) {
    if (!Files.exists(db)) {
      throw new IllegalArgumentException(db + ": no measurement base here (" + hint + ")");
    }
    return db;
  }
}
