package io.inferwatt.cli;

import io.inferwatt.core.PowerSample;
import io.inferwatt.core.SampleSource;
import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.Analyzer;
import io.inferwatt.core.analysis.LayerMapping;
import io.inferwatt.core.io.EventsFile;
import io.inferwatt.core.io.EventsJsonl;
import io.inferwatt.core.io.SamplesCsv;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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
      description = "layer mapping: auto, window or paper (default: ${DEFAULT-VALUE})")
  String mapping;

  @Option(
      names = "--window-ms",
      description =
          "the sensor's averaging window in ms, when known: the start of the window search")
  Double windowMs;

  @Option(
      names = "--format",
      defaultValue = "text",
      description = "text or json (default: ${DEFAULT-VALUE})")
  String format;

  @Override
  public Integer call() throws Exception {
    Output fmt = Output.parse(format);
    for (Path p : List.of(samples, events)) {
      if (!Files.isReadable(p)) {
        throw new IllegalArgumentException(p + ": no such file or not readable");
      }
    }
    EventsFile ef = EventsJsonl.read(events);
    AnalysisOptions options =
        options(minSamples, mapping, windowMs)
            .withRails(rails.stream().map(r -> r.toLowerCase(Locale.ROOT)).toList());
    // the window-aware mapping reads the samples several times; a pipe or FIFO is read once
    // into a temporary file first, a regular file is reopened for each pass
    Path spooled = Files.isRegularFile(samples) ? null : spool(samples);
    try {
      Path readFrom = spooled == null ? samples : spooled;
      List<String> readerWarnings = new ArrayList<>();
      SamplesCsv.Reader first = SamplesCsv.open(samples.toString(), Files.newInputStream(readFrom));
      List<String> fileRails = first.rails();
      SampleSource source =
          new SampleSource() {
            private SamplesCsv.Reader pending = first;

            @Override
            public Iterator<PowerSample> open() {
              SamplesCsv.Reader r = pending;
              pending = null;
              if (r == null) {
                try {
                  r = SamplesCsv.open(samples.toString(), Files.newInputStream(readFrom));
                } catch (IOException e) {
                  throw new UncheckedIOException(
                      "cannot read " + samples + ": " + e.getMessage(), e);
                }
              }
              return closingAtEnd(r, readerWarnings);
            }
          };
      AnalysisResult result;
      try {
        result = Analyzer.analyze(fileRails, source, ef.events(), ef.simulated(), options);
      } finally {
        first.close();
      }
      if (!readerWarnings.isEmpty()) {
        List<String> all = new ArrayList<>(readerWarnings);
        all.addAll(result.warnings());
        result =
            new AnalysisResult(
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
      print(result, ef);
    } finally {
      if (spooled != null) {
        Files.deleteIfExists(spooled);
      }
    }
    return 0;
  }

  /** Copies a pipe or FIFO once into a private temporary file. */
  private static Path spool(Path input) throws IOException {
    Path tmp = Files.createTempFile("inferwatt-samples", ".csv");
    try (InputStream in = Files.newInputStream(input)) {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return tmp;
  }

  /** Iterates a reader and closes it at the end; the first complete pass gives its warnings. */
  private static Iterator<PowerSample> closingAtEnd(SamplesCsv.Reader r, List<String> warnings) {
    return new Iterator<>() {
      private boolean open = true;

      @Override
      public boolean hasNext() {
        if (!open) {
          return false;
        }
        if (r.hasNext()) {
          return true;
        }
        if (warnings.isEmpty()) {
          warnings.addAll(r.warnings());
        }
        r.close();
        open = false;
        return false;
      }

      @Override
      public PowerSample next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return r.next();
      }
    };
  }

  private void print(AnalysisResult result, EventsFile ef) throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (Output.parse(format) == Output.JSON) {
      var o = JsonReport.analysis(result);
      if (!ef.meta().isEmpty()) {
        var meta = o.putObject("meta");
        ef.meta().forEach((k, v) -> meta.putPOJO(k, v));
      }
      out.println(JsonReport.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o));
    } else {
      TextReport text = new TextReport(out, result.simulated());
      text.line(
          "inferwatt analyze: %s + %s%s",
          samples, events, result.simulated() ? " (recorded on a simulated board)" : "");
      text.analysis(result);
    }
  }

  static AnalysisOptions options(int minSamples, String mapping, Double windowMs) {
    AnalysisOptions o =
        AnalysisOptions.defaults().withMinSamples(minSamples).withMapping(parseMapping(mapping));
    if (windowMs != null) {
      if (!(windowMs >= 0)) {
        throw new IllegalArgumentException(
            "--window-ms " + windowMs + " is not a window length >= 0");
      }
      o = o.withWindowHintNs(Math.round(windowMs * 1e6));
    }
    return o;
  }

  static LayerMapping parseMapping(String s) {
    for (LayerMapping m : LayerMapping.values()) {
      if (m.name().equalsIgnoreCase(s)) {
        return m;
      }
    }
    throw new IllegalArgumentException("mapping '" + s + "' is not one of auto, window, paper");
  }

  /** The output formats. */
  enum Output {
    TEXT,
    JSON;

    static Output parse(String s) {
      for (Output o : values()) {
        if (o.name().equalsIgnoreCase(s)) {
          return o;
        }
      }
      throw new IllegalArgumentException("format '" + s + "' is not one of text, json");
    }
  }
}
