package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --db} option as a superclass, left for {@code query} until it takes the {@link
 * DbOption} mixin as every other command does.
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
      throw new BadInputException(db + ": no measurement base here (" + hint + ")");
    }
    return db;
  }
}
