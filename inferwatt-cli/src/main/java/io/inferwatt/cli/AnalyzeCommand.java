package io.inferwatt.cli;

import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.Analyzer;
import io.inferwatt.core.analysis.LayerMapping;
import io.inferwatt.core.io.EventsFile;
import io.inferwatt.core.io.EventsJsonl;
import io.inferwatt.core.io.SamplesCsv;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code inferwatt analyze}: the analysis over recorded files, without hardware. */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    description =
        "Analyse recorded power samples and inference/layer events (replay, no hardware).")
final class AnalyzeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--samples",
      required = true,
      paramLabel = "FILE",
      description = "samples CSV (t_ns,<rail>_mw,...)")
  Path samples;

  @Option(names = "--events", required = true, paramLabel = "FILE", description = "events JSONL")
  Path events;

  @Option(
      names = "--rails",
      split = ",",
      paramLabel = "RAIL",
      description = "rails to report (default: all)")
  List<String> rails = List.of();

  @Option(
      names = "--min-samples",
      defaultValue = "100",
      description = "samples wanted on the fastest layer (default: ${DEFAULT-VALUE})")
  int minSamples;

  @Option(
      names = "--mapping",
      defaultValue = "auto",
      converter = Choices.Mappings.class,
      completionCandidates = Choices.Mappings.class,
      description = "Layer mapping: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  LayerMapping mapping;

  @Option(
      names = "--window-ms",
      description =
          "the sensor's averaging window in ms, when known: the start of the window search")
  Double windowMs;

  @Mixin FormatOption output;

  @Override
  public Integer call() throws Exception {
    AnalysisOptions options =
        options(minSamples, mapping, windowMs)
            .withRails(rails.stream().map(r -> r.toLowerCase(Locale.ROOT)).toList());
    Checks.inputFile("--samples", samples);
    Checks.inputFile("--events", events);
    EventsFile ef = EventsJsonl.read(events);
    List<String> fileRails;
    try (SamplesCsv.Reader reader = SamplesCsv.open(samples)) {
      fileRails = reader.rails();
    }
    // the window-aware mapping reads the file several times: each pass reopens it and streams
    AnalysisResult result =
        Analyzer.analyze(
            fileRails, SamplesCsv.source(samples), ef.events(), ef.simulated(), options);
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      var o = JsonReport.analysis(result);
      if (!ef.meta().isEmpty()) {
        var meta = o.putObject("meta");
        ef.meta().forEach((k, v) -> meta.putPOJO(k, v));
      }
      out.println(JsonReport.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o));
    } else {
      TextReport text = new TextReport(out, result.simulated(), Main.verbose(spec));
      text.line(
          "inferwatt analyze: %s + %s%s",
          samples, events, result.simulated() ? " (recorded on a simulated board)" : "");
      text.analysis(result);
    }
    return 0;
  }

  static AnalysisOptions options(int minSamples, LayerMapping mapping, Double windowMs) {
    Checks.atLeast("--min-samples", minSamples, 1);
    AnalysisOptions o = AnalysisOptions.defaults().withMinSamples(minSamples).withMapping(mapping);
    if (windowMs != null) {
      o =
          o.withWindowHintNs(
              Math.round(Checks.nonNegative("--window-ms", windowMs, "a window in ms") * 1e6));
    }
    return o;
  }
}
