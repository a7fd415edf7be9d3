package io.inferwatt.cli;

import picocli.CommandLine.Option;

/** The {@code --format text|json} option, a picocli mixin of every command that prints results. */
final class FormatOption {

  /** The output formats. */
  enum Output {
    TEXT,
    JSON
  }

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      converter = Choices.Outputs.class,
      completionCandidates = Choices.Outputs.class,
      description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Output format = Output.TEXT;

  /** Whether JSON was asked for. */
  boolean json() {
    return format == Output.JSON;
  }
}
