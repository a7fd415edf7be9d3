package io.inferwatt.store;

import io.inferwatt.core.BadInputException;
import java.util.Locale;

/** The file format of {@link MeasurementStore#export}. */
public enum ExportFormat {
  /** Apache Parquet, one file per partition (DuckDB's default compression, Snappy). */
  PARQUET("parquet"),
  /** CSV with a header line, comma-separated, RFC 4180 quoting; NULL is an empty field. */
  CSV("csv");

  private final String id;

  ExportFormat(String id) {
    this.id = id;
  }

  /** {@code parquet} or {@code csv}: the name on the command line and the files' extension. */
  public String id() {
    return id;
  }

  /**
   * The format called {@code name} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the formats there are
   */
  public static ExportFormat parse(String name) {
    for (ExportFormat f : values()) {
      if (f.id.equals(name == null ? null : name.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new BadInputException("export format '" + name + "' is not one of parquet, csv");
  }
}
