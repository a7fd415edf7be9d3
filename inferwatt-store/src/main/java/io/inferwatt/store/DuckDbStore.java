package io.inferwatt.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The measurement base through one JDBC connection, in a DuckDB file or on a PostgreSQL server (the
 * same schema, migrations and SQL; {@link Dialect} holds the few differences); this class opens it
 * and serializes the calls, and hands each job to its own part: {@link Migrations} (the schema),
 * {@link RunWriter} and {@link RunReader} (runs), {@link RawReader} (raw recordings), {@link
 * StudyTables} (studies), {@link Export} (files for other tools). Every save runs in one
 * transaction ({@link Transactions}).
 */
final class DuckDbStore implements MeasurementStore {

  /**
   * Called after each table of a save is written, inside the save's transaction; tests make it
   * throw to check that a failed save leaves nothing behind.
   */
  interface SaveHook {
    void afterTable(String table) throws SQLException;
  }

  static final SaveHook NO_HOOK = table -> {};

  /** The base's file, or its URL (without secrets) on PostgreSQL; for messages. */
  private final Object file;

  private final Connection conn;
  private final Dialect dialect;

  /**
   * The base's schema version, the latest of the migrations it was opened with (a test may open it
   * older).
   */
  private final int schemaVersion;

  private final RunWriter writer;
  private final RunReader reader;
  private final RawReader raw;
  private final StudyTables studies;
  private final ModelTables models;
  private boolean closed;

  private DuckDbStore(
      Object file, Connection conn, Dialect dialect, SaveHook hook, int schemaVersion) {
    this.file = file;
    this.conn = conn;
    this.dialect = dialect;
    this.schemaVersion = schemaVersion;
    this.writer = new RunWriter(file, conn, dialect, hook, schemaVersion);
    this.reader = new RunReader(file, conn, schemaVersion);
    this.raw = new RawReader(file, conn, schemaVersion);
    this.studies = new StudyTables(file, conn, writer, reader);
    this.models = new ModelTables(file, conn);
  }

  /** Opens {@code file}, creating and migrating its schema with {@code migrations}. */
  static DuckDbStore open(Path file, List<Migration> migrations, SaveHook hook) {
    Path abs = file.toAbsolutePath().normalize();
    if (Files.isDirectory(abs)) {
      throw new BadBaseException("measurement base " + abs + " is a directory, not a file");
    }
    try {
      Path parent = abs.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new StoreException("cannot create the folder of measurement base " + abs, e);
    }
    Connection conn;
    try {
      conn = DriverManager.getConnection("jdbc:duckdb:" + abs);
    } catch (SQLException e) {
      throw openFailure(abs, e);
    }
    try {
      checkpointLess(conn);
      int version = Migrations.migrate(abs, conn, migrations, Dialect.DUCKDB);
      return new DuckDbStore(abs, conn, Dialect.DUCKDB, hook, version);
    } catch (RuntimeException e) {
      Transactions.closeQuietly(conn, e);
      throw e;
    }
  }

  /**
   * Lets the write-ahead log grow to {@value #CHECKPOINT_THRESHOLD} before DuckDB checkpoints it
   * into the file (default 16 MB). A study commits one configuration at a time, each with its raw
   * recording; at the default every few configurations rewrote the partly filled row groups of the
   * raw tables, which made keeping the raw data cost more than measuring on the virtual Nano. The
   * log is replayed on the next open after a crash, so nothing committed is lost; closing the base
   * checkpoints it.
   */
  private static void checkpointLess(Connection conn) {
    try (java.sql.Statement st = conn.createStatement()) {
      st.execute("SET checkpoint_threshold = '" + CHECKPOINT_THRESHOLD + "'");
    } catch (SQLException e) {
      throw new StoreException("cannot set DuckDB's checkpoint threshold: " + e.getMessage(), e);
    }
  }

  private static final String CHECKPOINT_THRESHOLD = "256MB";

  /** An empty base in memory (DuckDB), e.g. to export a PostgreSQL base through. */
  static DuckDbStore inMemory(List<Migration> migrations) {
    try {
      Connection conn = DriverManager.getConnection("jdbc:duckdb:");
      int version = Migrations.migrate("(in memory)", conn, migrations, Dialect.DUCKDB);
      return new DuckDbStore("(in memory)", conn, Dialect.DUCKDB, NO_HOOK, version);
    } catch (SQLException e) {
      throw new StoreException("cannot open an in-memory base: " + e.getMessage(), e);
    }
  }

  /**
   * Opens the base on the PostgreSQL server {@code base}, creating and migrating its schema with
   * {@code migrations}. Agents that start together migrate one after the other (a session advisory
   * lock), and each sees the schema the first one made.
   */
  static DuckDbStore openPostgres(PgBase base, List<Migration> migrations, SaveHook hook) {
    String name = base.toString();
    Connection conn = base.connectOrFail();
    try {
      int version = Migrations.currentVersion(name, conn);
      if (version == Schema.latest(migrations)) {
        // the usual case: no lock (a session lock would not survive a transaction pooler)
        return new DuckDbStore(name, conn, Dialect.POSTGRESQL, hook, version);
      }
      try (java.sql.Statement st = conn.createStatement()) {
        st.execute("SELECT pg_advisory_lock(" + Dialect.WRITER_LOCK + ")");
        try {
          if (Migrations.currentVersion(name, conn) < Schema.latest(migrations)) {
            Dialect.POSTGRESQL.prepare(conn);
          }
          version = Migrations.migrate(name, conn, migrations, Dialect.POSTGRESQL);
        } finally {
          st.execute("SELECT pg_advisory_unlock(" + Dialect.WRITER_LOCK + ")");
        }
      }
      return new DuckDbStore(name, conn, Dialect.POSTGRESQL, hook, version);
    } catch (SQLException | RuntimeException e) {
      Transactions.closeQuietly(conn, e);
      if (e instanceof StoreException se) {
        throw se;
      }
      throw new StoreException("cannot open measurement base " + name + ": " + e.getMessage(), e);
    }
  }

  /** The engine the base lives in. */
  Dialect dialect() {
    return dialect;
  }

  /** The connection, for a caller in this package that holds the store's lock. */
  Connection connection() {
    return conn;
  }

  private static final Pattern LOCK_HOLDER =
      Pattern.compile("Conflicting lock is held in (\\S+) \\(PID (\\d+)\\)");

  /**
   * Why DuckDB could not open {@code file}: held by another process, not a DuckDB file, or not
   * readable. Each is the named file's fault, not the program's.
   */
  static StoreException openFailure(Path file, SQLException e) {
    String m = String.valueOf(e.getMessage());
    Matcher holder = LOCK_HOLDER.matcher(m);
    if (m.contains("Could not set lock")) {
      String who =
          holder.find()
              ? " (" + Path.of(holder.group(1)).getFileName() + ", PID " + holder.group(2) + ")"
              : "";
      return new BadBaseException(
          "measurement base "
              + file
              + " is in use by another process"
              + who
              + "; wait until it ends, or name another base",
          e);
    }
    if (m.contains("not a valid DuckDB database file")) {
      return new BadBaseException(
          file + " is not a measurement base (not a DuckDB file); name another file as the base",
          e);
    }
    return new BadBaseException("cannot open measurement base " + file + ": " + m, e);
  }

  @Override
  public synchronized int schemaVersion() {
    checkOpen();
    return schemaVersion;
  }

  @Override
  public synchronized long saveRun(RunInput run) {
    checkOpen();
    RunChecks.validate(run);
    return saveAtomically(
        "the run of " + run.model() + " on board " + run.board(), () -> writer.write(run));
  }

  /**
   * Runs {@code work} in one transaction; a failure rolls all of it back and says what was not
   * saved ({@code what}) in one line.
   */
  private <T> T saveAtomically(String what, Transactions.Work<T> work) {
    try {
      return Transactions.inTransaction(conn, work);
    } catch (SQLException | RuntimeException e) {
      throw new StoreException(
          "cannot save "
              + what
              + " to measurement base "
              + file
              + "; nothing of it was saved: "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public synchronized void saveStudy(StudyInput study) {
    checkOpen();
    studies.saveStudy(study);
  }

  @Override
  public synchronized long saveStudyRun(
      String studyId, String configKey, int position, String sweep, RunInput run) {
    checkOpen();
    return studies.saveStudyRun(studyId, configKey, position, sweep, run);
  }

  @Override
  public synchronized List<StudyRow> studies() {
    checkOpen();
    return studies.studies();
  }

  @Override
  public synchronized Optional<StudyRow> study(String studyId) {
    checkOpen();
    return studies.study(studyId);
  }

  @Override
  public synchronized List<StudyInput.Slice> studySlices(String studyId) {
    checkOpen();
    return studies.studySlices(studyId);
  }

  @Override
  public synchronized List<StudyConfigurationRow> studyConfigurations(String studyId) {
    checkOpen();
    return studies.studyConfigurations(studyId);
  }

  @Override
  public synchronized long saveCalibration(
      String board, String meterFile, List<io.inferwatt.core.analysis.Calibration.RailFit> fits) {
    checkOpen();
    requireCalibrations();
    return saveAtomically(
        "the calibration of board " + board, () -> Calibrations.save(conn, board, meterFile, fits));
  }

  @Override
  public synchronized void saveMethodChecks(long runId, MethodChecks checks) {
    checkOpen();
    requireVersion(Schema.V8, "run_truth");
    saveAtomically(
        "the truth check of run " + runId,
        () -> {
          MethodChecks.save(conn, runId, checks);
          return null;
        });
  }

  @Override
  public synchronized java.util.Optional<MethodChecks> methodChecks(long runId) {
    checkOpen();
    if (schemaVersion < Schema.V8.version()) {
      return java.util.Optional.empty();
    }
    try {
      return MethodChecks.load(conn, runId);
    } catch (SQLException e) {
      throw new StoreException(
          "cannot read the truth check of run " + runId + " from " + file + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public synchronized List<io.inferwatt.core.analysis.Calibration.RailFit> calibration(
      String board) {
    checkOpen();
    if (schemaVersion < Schema.V7.version()) {
      return List.of();
    }
    try {
      return Calibrations.newest(conn, board);
    } catch (SQLException e) {
      throw new StoreException(
          "cannot read the calibration of board " + board + " from " + file + ": " + e.getMessage(),
          e);
    }
  }

  private void requireCalibrations() {
    requireVersion(Schema.V7, "calibrations");
  }

  /** Refuses in one line when the base is below {@code m}, which brought {@code table}. */
  private void requireVersion(Migration m, String table) {
    if (schemaVersion < m.version()) {
      throw new StoreException(
          "measurement base "
              + file
              + " has schema version "
              + schemaVersion
              + " and no "
              + table
              + " table (version "
              + m.version()
              + "); open it with a command that writes (for example inferwatt runs) to migrate it");
    }
  }

  @Override
  public synchronized List<RunRow> runs() {
    checkOpen();
    return reader.runs();
  }

  @Override
  public synchronized Optional<StoredRun> run(long id) {
    checkOpen();
    return reader.run(id);
  }

  @Override
  public synchronized Optional<RawStatus> rawStatus(long id) {
    checkOpen();
    return raw.rawStatus(id);
  }

  @Override
  public synchronized Optional<io.inferwatt.core.Timeline> recording(long id) {
    checkOpen();
    return raw.recording(id);
  }

  @Override
  public synchronized <T> Optional<T> replay(long id, RawRecording.Reader<T> reader) {
    checkOpen();
    return raw.replay(id, reader);
  }

  @Override
  public synchronized Optional<RawSamples> samples(long id) {
    checkOpen();
    return raw.samples(id);
  }

  @Override
  public synchronized Optional<RawSamples> samples(long id, long fromNs, long toNs) {
    checkOpen();
    return raw.samples(id, fromNs, toNs);
  }

  @Override
  public synchronized List<RunDetails.InferenceRecord> inferenceRecords(long id) {
    checkOpen();
    return reader.inferenceRecords(id);
  }

  @Override
  public synchronized List<io.inferwatt.core.model.LayerSpec> layerFeatures(long id) {
    checkOpen();
    return reader.layerFeatures(id);
  }

  @Override
  public synchronized Optional<StudyRun> studyRun(long id) {
    checkOpen();
    return reader.studyRun(id);
  }

  /** The base's file, or its URL on PostgreSQL. */
  Object file() {
    return file;
  }

  @Override
  public synchronized List<ExportedTable> export(Path dir, ExportFormat format, String study) {
    checkOpen();
    if (dialect == Dialect.DUCKDB) {
      return Export.write(file, conn, studies, dir, format, study);
    }
    // DuckDB writes the Parquet and CSV files: the base's tables go through an in-memory copy
    try (DuckDbStore copy = inMemory(Schema.MIGRATIONS.subList(0, schemaVersion))) {
      Transfer.copyTables(file, conn, copy.conn);
      return Export.write(file, copy.conn, copy.studies, dir, format, study);
    }
  }

  @Override
  public synchronized TrainingData trainingData(String study, String board) {
    checkOpen();
    return models.trainingData(study, board);
  }

  @Override
  public synchronized long saveModel(StoredModel model) {
    checkOpen();
    return models.save(model);
  }

  @Override
  public synchronized List<StoredModel> models() {
    checkOpen();
    return models.list();
  }

  @Override
  public synchronized Optional<StoredModel> model(long id) {
    checkOpen();
    return models.read(id);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      conn.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close measurement base " + file + ": " + e.getMessage(), e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("measurement base " + file + " is closed");
    }
  }
}
