package io.inferwatt.cli;

import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.analysis.LayerMapping;
import picocli.CommandLine.Option;

/**
 * {@code --mapping} and {@code --window-ms}, a picocli mixin of the commands that analyse a
 * recording (files: {@code analyze}; a stored run: {@code reanalyze}).
 */
final class MappingOptions {

  @Option(
      names = "--mapping",
      defaultValue = "auto",
      converter = Choices.Mappings.class,
      completionCandidates = Choices.Mappings.class,
      description = "Layer mapping: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  LayerMapping mapping = LayerMapping.AUTO;

  @Option(
      names = "--window-ms",
      description =
          "the sensor's averaging window in ms, when known: the start of the window search")
  Double windowMs;

  /** The analysis options these ask for, wanting {@code minSamples} on the fastest layer. */
  AnalysisOptions options(int minSamples) {
    return AnalyzeCommand.options(minSamples, mapping, windowMs);
  }
}
