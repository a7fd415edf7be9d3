package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --root} option, a picocli mixin of every command that reads this machine's sensors:
 * the folder the sensor files are read under, {@code /} by default, a copied or fake tree in tests.
 */
final class RootOption {

  @Option(
      names = "--root",
      paramLabel = "DIR",
      defaultValue = "/",
      description = "Read the sensors under DIR in place of / (default: ${DEFAULT-VALUE}).")
  Path path;

  /** {@code --root}, which must be a folder. */
  Path folder() {
    if (!Files.isDirectory(path)) {
      throw new BadInputException(
          "--root "
              + path
              + " is not a folder"
              + (Files.exists(path) ? " (it is a file)" : " (no such folder)"));
    }
    return path;
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
