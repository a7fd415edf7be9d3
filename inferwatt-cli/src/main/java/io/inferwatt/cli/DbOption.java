package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --db} option, a picocli mixin of every command that reads or writes the measurement
 * base, and opening a base that must already exist.
 */
final class DbOption {

  @Option(
      names = "--db",
      paramLabel = "FILE",
      defaultValue = "inferwatt.duckdb",
      description = "The measurement base file (default: ${DEFAULT-VALUE}).")
  Path path;

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
    return Store.open(existing(hint));
  }

  /**
   * {@code --db}, which must exist (for a command that opens the file itself).
   *
   * @param hint what to do when it does not, for the one-line error
   */
  Path existing(String hint) {
    if (!Files.exists(path)) {
      throw new BadInputException(path + ": no measurement base here (" + hint + ")");
    }
    return path;
  }

  /** Opens the base, creating it when it is not there. */
  Store openOrCreate() {
    return Store.open(path);
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
