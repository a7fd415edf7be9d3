package io.inferwatt.cli;

import picocli.CommandLine.Option;

/** The {@code --keep-raw} option of the commands that store measured runs (profile, study). */
final class KeepRawOption {

  @Option(
      names = "--keep-raw",
      defaultValue = "all",
      converter = Choices.KeepRaws.class,
      completionCandidates = Choices.KeepRaws.class,
      description =
          "What each stored run keeps beyond its results: all (raw samples and events: Fig. 2,"
              + " inferwatt reanalyze), summary (per-inference records), none"
              + " (default: ${DEFAULT-VALUE}; see docs/schema.md for the bytes it costs).")
  KeepRaw keep = KeepRaw.ALL;
}
