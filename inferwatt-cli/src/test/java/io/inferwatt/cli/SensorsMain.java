package io.inferwatt.cli;

import picocli.CommandLine;

/**
 * A stand-in main for trying {@code sensors} and {@code log} before the lead's main class registers
 * them: {@code java -cp ... io.inferwatt.cli.SensorsMain log --duration 10s --out x.csv}.
 */
public final class SensorsMain {
  private SensorsMain() {}

  @CommandLine.Command(
      name = "inferwatt",
      subcommands = {SensorsCommand.class, LogCommand.class})
  static final class Top {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new Top()).execute(args));
  }
}
