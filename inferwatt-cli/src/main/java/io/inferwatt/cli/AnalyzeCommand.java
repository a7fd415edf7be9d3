package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.PowerSample;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
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
    // The inputs stream side by side in time. The events file is read twice (its phases first,
    // then everything) and, when its events are not in time order, both files once more; so a
    // pipe or FIFO is first copied, once, into a temporary file.
    List<Path> temporary = new ArrayList<>();
    try {
      Path samplesAt = Files.isRegularFile(samples) ? samples : spool(samples, temporary);
      Path eventsAt = Files.isRegularFile(events) ? events : spool(events, temporary);
      QuickJit.forAnalysis(Files.size(samplesAt) + Files.size(eventsAt));
      // the events' phases and meta lines are scanned on a thread of their own while the first
      // samples are read: the analysis needs the phases before its first sample
      InputStream headerIn = Files.newInputStream(eventsAt);
      CompletableFuture<EventsFile> headerAhead =
          CompletableFuture.supplyAsync(
              () -> EventsJsonl.header(events.toString(), headerIn), AnalyzeCommand::headerThread);
      List<String> readerWarnings = new ArrayList<>();
      AnalysisResult result;
      try {
        result = streamed(samplesAt, eventsAt, headerAhead, options, readerWarnings);
      } catch (AnalysisStream.OutOfOrder | FormatException e) {
        if (!(e instanceof AnalysisStream.OutOfOrder)
            && !(e.getCause() instanceof AnalysisStream.OutOfOrder)) {
          throw e;
        }
        readerWarnings.clear();
        result = inMemory(samplesAt, eventsAt, e, options, readerWarnings);
      }
      print(withWarnings(result, readerWarnings), Futures.await(headerAhead));
    } finally {
      for (Path t : temporary) {
        Files.deleteIfExists(t);
      }
    }
    return 0;
  }

  /** Samples read ahead while the events' phases are scanned, at most (about 13 MB). */
  static final int EARLY_SAMPLES = 1 << 17;

  /** Both files read once, side by side in time, into a streaming analysis. */
  private AnalysisResult streamed(
      Path samplesAt,
      Path eventsAt,
      CompletableFuture<EventsFile> headerAhead,
      AnalysisOptions options,
      List<String> readerWarnings)
      throws IOException {
    ArrayDeque<PowerSample> early = new ArrayDeque<>();
    SamplesCsv.Reader opened;
    try {
      opened = SamplesCsv.open(samples.toString(), Files.newInputStream(samplesAt));
      try {
        while (early.size() < EARLY_SAMPLES && !headerAhead.isDone() && opened.hasNext()) {
          early.add(opened.next());
        }
      } catch (RuntimeException e) {
        opened.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      Futures.await(
          headerAhead); // a problem with the events file is said first, as it was read first
      throw e;
    }
    try (SamplesCsv.Reader in = opened) {
      EventsFile header = Futures.await(headerAhead);
      AnalysisStream stream =
          new AnalysisStream(in.rails(), header.events().phases(), header.simulated(), options);
      Iterator<PowerSample> all = drainedFirst(early, in);
      AnalysisResult result;
      try (EventsJsonl.Lines ev =
          EventsJsonl.prefetched(events.toString(), Files.newInputStream(eventsAt), stream)) {
        result = stream.replay(all, ev::next);
      }
      readerWarnings.addAll(in.warnings());
      return result;
    }
  }

  /**
   * Events not in time order: held in memory and sorted there. A file too large for that gets one
   * line saying what to do.
   */
  private AnalysisResult inMemory(
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
      return r;
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

  /** The samples of {@code early} (each let go as it is taken), then those of {@code rest}. */
  private static Iterator<PowerSample> drainedFirst(
      ArrayDeque<PowerSample> early, Iterator<PowerSample> rest) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return !early.isEmpty() || rest.hasNext();
      }

      @Override
      public PowerSample next() {
        return early.isEmpty() ? rest.next() : early.poll();
      }
    };
  }

  private static void headerThread(Runnable r) {
    Thread t = new Thread(r, "inferwatt-events-header");
    t.setDaemon(true);
    t.start();
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
