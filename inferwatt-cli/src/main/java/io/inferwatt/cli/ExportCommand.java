package io.inferwatt.cli;

import io.inferwatt.store.ExportFormat;
import io.inferwatt.store.ExportedTable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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
final class ExportCommand extends BaseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--format",
      defaultValue = "parquet",
      description = "parquet or csv (default: ${DEFAULT-VALUE})")
  String format;

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
    ExportFormat fmt = ExportFormat.parse(format);
    List<ExportedTable> tables;
    boolean simulated;
    try (Store store = openExisting()) {
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
