package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.AnalysisStream;
import io.inferwatt.core.analysis.Analyzer;
import io.inferwatt.core.analysis.LayerMapping;
import io.inferwatt.core.io.EventsFile;
import io.inferwatt.core.io.EventsJsonl;
import io.inferwatt.core.io.FormatException;
import io.inferwatt.core.io.SamplesCsv;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
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

  @Mixin MappingOptions analysis;

  @Mixin FormatOption output;

  @Override
  public Integer call() throws Exception {
    AnalysisOptions options =
        analysis
            .options(minSamples)
            .withRails(rails.stream().map(r -> r.toLowerCase(Locale.ROOT)).toList());
    Checks.inputFile("--samples", samples);
    Checks.inputFile("--events", events);
    // The inputs stream side by side in time. The events file may be read more than once (its
    // phases first when they are not all at its start, then everything) and, when its events are
    // not in time order, both files once more; so a pipe or FIFO is first copied, once, into a
    // temporary file.
    List<Path> temporary = new ArrayList<>();
    try {
      Path samplesAt = Files.isRegularFile(samples) ? samples : spool(samples, temporary);
      Path eventsAt = Files.isRegularFile(events) ? events : spool(events, temporary);
      QuickJit.forAnalysis(Files.size(samplesAt) + Files.size(eventsAt));
      // the analysis needs the events' phases before its first sample: those written before the
      // first inference (as inferwatt's recorders write them) are read at once; a phase or meta
      // line further on means the whole file must be scanned for them first, and the stream
      // starts again
      EventsJsonl.Lead lead =
          EventsJsonl.leading(events.toString(), Files.newInputStream(eventsAt));
      EventsFile header = lead.file();
      List<String> readerWarnings = new ArrayList<>();
      AnalysisResult result;
      try {
        try {
          result = streamed(samplesAt, eventsAt, header, lead.lines(), options, readerWarnings);
        } catch (EventsJsonl.LateHeader e) {
          readerWarnings.clear();
          header = EventsJsonl.header(events.toString(), Files.newInputStream(eventsAt));
          result = streamed(samplesAt, eventsAt, header, Long.MAX_VALUE, options, readerWarnings);
        }
      } catch (AnalysisStream.OutOfOrder | FormatException e) {
        if (!(e instanceof AnalysisStream.OutOfOrder)
            && !(e.getCause() instanceof AnalysisStream.OutOfOrder)) {
          throw e;
        }
        readerWarnings.clear();
        Sorted sorted = inMemory(samplesAt, eventsAt, e, options, readerWarnings);
        header = sorted.events();
        result = sorted.result();
      }
      print(withWarnings(result, readerWarnings), header);
    } finally {
      for (Path t : temporary) {
        Files.deleteIfExists(t);
      }
    }
    return 0;
  }

  /**
   * Both files read once, side by side in time, into a streaming analysis with the phases of {@code
   * header}, which holds every phase and meta line up to line {@code headerLines}.
   *
   * @throws EventsJsonl.LateHeader for a phase or meta line after that
   */
  private AnalysisResult streamed(
      Path samplesAt,
      Path eventsAt,
      EventsFile header,
      long headerLines,
      AnalysisOptions options,
      List<String> readerWarnings)
      throws IOException {
    try (SamplesCsv.Reader in =
        SamplesCsv.open(samples.toString(), Files.newInputStream(samplesAt))) {
      AnalysisStream stream =
          new AnalysisStream(in.rails(), header.events().phases(), header.simulated(), options);
      AnalysisResult result;
      try (EventsJsonl.Lines lines =
          EventsJsonl.prefetched(
              events.toString(), Files.newInputStream(eventsAt), stream, headerLines)) {
        result = stream.replay(in, lines::next);
      }
      readerWarnings.addAll(in.warnings());
      return result;
    }
  }

  /** The analysis of events sorted in memory, with the events file read. */
  private record Sorted(AnalysisResult result, EventsFile events) {}

  /**
   * Events not in time order: held in memory and sorted there. A file too large for that gets one
   * line saying what to do.
   */
  private Sorted inMemory(
      Path samplesAt,
      Path eventsAt,
      RuntimeException why,
      AnalysisOptions options,
      List<String> readerWarnings)
      throws IOException {
    try (SamplesCsv.Reader in =
        SamplesCsv.open(samples.toString(), Files.newInputStream(samplesAt))) {
      EventsFile ef = EventsJsonl.read(eventsAt);
      AnalysisResult r = Analyzer.analyze(in.rails(), in, ef.events(), ef.simulated(), options);
      readerWarnings.addAll(in.warnings());
      return new Sorted(r, ef);
    } catch (OutOfMemoryError oom) {
      throw new BadInputException(
          events
              + ": the events are not in time order ("
              + why.getMessage()
              + ") and too many to sort in memory: write them in time order (each inference line"
              + " followed by its layer lines, inferences by start, as inferwatt profile"
              + " --save-events does) or give Java more memory (INFERWATT_JAVA_OPTS=-Xmx4g)");
    }
  }

  private static AnalysisResult withWarnings(AnalysisResult result, List<String> first) {
    if (first.isEmpty()) {
      return result;
    }
    List<String> all = new ArrayList<>(first);
    all.addAll(result.warnings());
    return new AnalysisResult(
        result.rails(),
        result.simulated(),
        result.inferences(),
        result.layers(),
        result.unattributed(),
        result.idlePowerMw(),
        result.phases(),
        result.samplePeriodMs(),
        result.minSamplesPerLayer(),
        result.cyclesNeeded(),
        result.mapping(),
        all);
  }

  /** Copies a pipe or FIFO once into a private temporary file. */
  private static Path spool(Path input, List<Path> temporary) throws IOException {
    Path tmp = Files.createTempFile("inferwatt-input", ".tmp");
    temporary.add(tmp);
    try (InputStream in = Files.newInputStream(input)) {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return tmp;
  }

  private void print(AnalysisResult result, EventsFile ef) throws IOException {
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
