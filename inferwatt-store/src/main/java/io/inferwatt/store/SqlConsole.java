package io.inferwatt.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The measurement base opened for ad-hoc SQL ({@code inferwatt query}), sandboxed by DuckDB itself:
 * the file is opened read-only, file system and network access are off (no {@code COPY … TO},
 * {@code ATTACH}, {@code EXPORT DATABASE}, {@code read_csv}, {@code glob}), extensions are neither
 * installed nor loaded, and the configuration is locked so that no statement can undo any of this.
 * A statement that would change or reach anything fails with DuckDB's own error; the base file is
 * left byte for byte as it was.
 *
 * <p>Rows are streamed from DuckDB, never held whole: {@link #stream} hands them to a sink as they
 * come and stops after {@code maxRows}.
 */
public interface SqlConsole extends AutoCloseable {

  /**
   * Opens the existing base in {@code file} for queries. A base written by an older inferwatt is
   * migrated first (that is a write, as for every other command that opens it).
   *
   * @throws StoreException when the file cannot be opened (absent, locked by another process, not a
   *     measurement base, a schema newer than this inferwatt knows)
   */
  static SqlConsole open(Path file) {
    return DuckDbSqlConsole.open(file);
  }

  /**
   * Opens {@code base}: a DuckDB file as {@link #open(Path)} does, or a {@code postgresql://} URL
   * (see {@link PgBase}) in read-only transactions, each rolled back after its statement.
   *
   * @param passwordFile the file holding the PostgreSQL password, or null
   */
  static SqlConsole open(String base, Path passwordFile) {
    if (PgBase.isUrl(base)) {
      return DuckDbSqlConsole.openPostgres(PgBase.parse(base, passwordFile));
    }
    return open(Path.of(base));
  }

  /** Receives a result: its columns once, then each row. */
  interface RowSink {
    /**
     * @param names column names, in order
     * @param types DuckDB type names ({@code BIGINT}, {@code DOUBLE}, {@code DECIMAL(18,3)}, ...)
     */
    void columns(List<String> names, List<String> types);

    /** One row as text, in column order; a SQL NULL is {@code null}. */
    void row(List<String> values);
  }

  /**
   * What {@link #stream} handed on.
   *
   * @param rows rows handed to the sink
   * @param cut whether the statement had more rows than {@code maxRows}
   */
  record Streamed(long rows, boolean cut) {}

  /**
   * Runs one statement and hands its rows to {@code sink} as they come. A statement without a
   * result (a {@code SET} the lock refuses aside, e.g. {@code CHECKPOINT}) gives no columns.
   *
   * @param maxRows the most rows to hand on; 0 for all of them
   * @throws StoreException with DuckDB's message when the statement fails or is refused
   */
  Streamed stream(String sql, long maxRows, RowSink sink);

  /**
   * Runs one statement and returns at most {@code maxRows} rows (0: all of them) as text.
   *
   * @throws StoreException as {@link #stream}
   */
  default QueryResult query(String sql, long maxRows) {
    List<String> cols = new ArrayList<>();
    List<String> types = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    stream(
        sql,
        maxRows,
        new RowSink() {
          @Override
          public void columns(List<String> names, List<String> t) {
            cols.addAll(names);
            types.addAll(t);
          }

          @Override
          public void row(List<String> values) {
            rows.add(values);
          }
        });
    return new QueryResult(cols, types, rows);
  }

  /** Releases the file; safe to call twice. */
  @Override
  void close();
}
