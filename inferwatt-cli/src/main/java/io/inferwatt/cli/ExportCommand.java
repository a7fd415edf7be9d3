package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import io.inferwatt.store.ExportFormat;
import io.inferwatt.store.ExportedTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code inferwatt export}: the measurement base as Parquet or CSV files, one folder per table,
 * Hive-partitioned by board and study, plus {@code layer_training} (per-layer features with
 * measured latency, power and energy). See docs/schema.md, "Export".
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Write the measurement base as Parquet or CSV for pandas, Polars, DuckDB and Spark.",
      "One folder per table, partitioned board=.../study=.../; layer_training holds per-layer features with measured latency, power and energy."
    })
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DbOption db;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "parquet",
      converter = Choices.ExportFormats.class,
      completionCandidates = Choices.ExportFormats.class,
      description = "File format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  ExportFormat format;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "a new or empty folder")
  Path out;

  @Option(names = "--study", description = "only this study's runs (default: everything)")
  String study;

  @Override
  public Integer call() {
    ExportFormat fmt = format;
    new OutputCheck().readsBase(db.path).outputFolder("--out", out).check();
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new BadInputException("--out " + out + " is a file; name a new or empty folder");
    }
    try (Stream<Path> in = Files.isDirectory(out) ? Files.list(out) : Stream.empty()) {
      if (in.findAny().isPresent()) {
        throw new BadInputException("--out " + out + " is not empty; name a new or empty folder");
      }
    } catch (IOException e) {
      throw IoErrors.failure("read the folder", out, e, "name a new or empty folder");
    }
    try {
      // before the base is read: a folder that cannot be made fails now
      Files.createDirectories(out);
    } catch (IOException e) {
      throw IoErrors.failure("create the folder", out, e, "choose another --out");
    }
    List<ExportedTable> tables;
    boolean simulated;
    try (Store store = db.openExisting()) {
      tables = store.base().export(out, fmt, study);
      simulated = store.base().runs().stream().anyMatch(io.inferwatt.store.RunRow::simulated);
    }
    PrintWriter o = spec.commandLine().getOut();
    String tag = simulated ? "[simulated] " : "";
    o.printf(
        Locale.ROOT,
        "%sexported %s%s to %s as %s%n",
        tag,
        db,
        study == null ? "" : " (study " + study + ")",
        out,
        fmt.id());
    for (ExportedTable t : tables) {
      o.printf(
          Locale.ROOT,
          "%s  %-24s %10d rows%s%n",
          tag,
          t.table(),
          t.rows(),
          t.rows() == 0 ? "  (empty: no folder)" : "");
    }
    if (simulated) {
      o.println(tag + "the base holds simulated runs: runs.simulated is true for them");
    }
    return 0;
  }
}
