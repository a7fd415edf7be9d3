package io.inferwatt.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --board} option, a picocli mixin of every command that measures on a board ({@code
 * profile}, {@code study paper}): a name from the board registry ({@code study.boards.Boards}).
 */
final class BoardOption {

  @Option(
      names = "--board",
      paramLabel = "BOARD",
      description =
          "The board: sim:nano (the virtual Jetson Nano) or sim:gpu (a virtual H100/H200-like GPU; every number either gives is simulated),"
              + " local (this machine's power sensors, no knobs), jetson or linux-cpu (this machine"
              + " with its knobs). profile: sim:nano without a model file, local with one.")
  String name;

  /** The board named, or null when {@code --board} was not given. */
  String orNull() {
    return name;
  }

  @Override
  public String toString() {
    return String.valueOf(name);
  }
}
