package io.inferwatt.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The measurement base: every measured run with its settings and results, in one DuckDB file that
 * pandas, Polars or the {@code duckdb} shell can read directly. The tables are described in {@code
 * docs/schema.md}.
 *
 * <p>One store holds one connection; its methods are serialized and safe to call from several
 * threads. DuckDB locks the file, so one process at a time may have it open. Close the store to
 * release the file. Ad-hoc SQL goes through {@link SqlConsole}, which opens the base read-only.
 *
 * <pre>{@code
 * try (MeasurementStore store = MeasurementStore.open(Path.of("runs.duckdb"))) {
 *   long id = store.saveRun(run);
 *   StoredRun back = store.run(id).orElseThrow();
 * }
 * }</pre>
 */
public interface MeasurementStore extends AutoCloseable {

  /**
   * Opens the measurement base in {@code file}, creating the file (and its folders) and the schema
   * when absent and migrating a base written by an older inferwatt to the current schema.
   *
   * @throws StoreException when the file cannot be opened, is not a measurement base, or has a
   *     schema newer than this inferwatt knows
   */
  static MeasurementStore open(Path file) {
    return DuckDbStore.open(file, Schema.MIGRATIONS, DuckDbStore.NO_HOOK);
  }

  /**
   * Opens {@code base}: a DuckDB file (as {@link #open(Path)}), or a PostgreSQL base named by a
   * {@code postgresql://[user@]host[:port]/database[?sslmode=…]} URL, with the same schema,
   * migrations and SQL. Many processes may have a PostgreSQL base open at once; their saves are
   * serialized by the server.
   *
   * @param passwordFile the file holding the PostgreSQL password, or null for {@code PGPASSWORD} or
   *     {@code ~/.pgpass}
   * @throws StoreException as {@link #open(Path)}, or when the server cannot be reached
   */
  static MeasurementStore open(String base, Path passwordFile) {
    if (PgBase.isUrl(base)) {
      return open(PgBase.parse(base, passwordFile));
    }
    return open(Path.of(base));
  }

  /** Opens the PostgreSQL base {@code base} (see {@link #open(String, Path)}). */
  static MeasurementStore open(PgBase base) {
    return DuckDbStore.openPostgres(base, Schema.MIGRATIONS, DuckDbStore.NO_HOOK);
  }

  /**
   * Copies configuration {@code configKey} of study {@code studyId} with its run from {@code from}
   * into {@code to} in one transaction (e.g. from an agent's local spool into the shared base); the
   * study comes along when {@code to} lacks it. Idempotent: a configuration already in {@code to}
   * is left as it is.
   *
   * @return true when copied now, false when {@code to} held it already
   * @throws StoreException when {@code from} lacks it or writing fails (nothing is written then)
   */
  static boolean transfer(
      MeasurementStore from, MeasurementStore to, String studyId, String configKey) {
    DuckDbStore src = (DuckDbStore) from;
    DuckDbStore dst = (DuckDbStore) to;
    synchronized (src) {
      synchronized (dst) {
        return Transfer.copyStudyRun(src, dst, studyId, configKey);
      }
    }
  }

  /** The schema version of the open base (after any migration). */
  int schemaVersion();

  /**
   * Saves one run, all of it or nothing: every row goes in one transaction, so a failure leaves no
   * trace of the run.
   *
   * @return the new run's id, larger than every id before it
   * @throws StoreException when writing fails (the run is then absent)
   */
  long saveRun(RunInput run);

  /**
   * Records a study, or updates its plan and size when it is already there (a resumed or extended
   * study).
   *
   * @throws StoreException when the study exists for another board
   */
  void saveStudy(StudyInput study);

  /**
   * Saves one finished configuration of a study: its run and its {@code study_configurations} row
   * in one transaction, so that a configuration is either wholly stored or absent.
   *
   * @return the run's id
   * @throws StoreException when the study is unknown or the configuration is already stored
   *     (nothing is written then)
   */
  long saveStudyRun(String studyId, String configKey, int position, String sweep, RunInput run);

  /** Every study, oldest first. */
  List<StudyRow> studies();

  /** The study {@code studyId}, or empty. */
  Optional<StudyRow> study(String studyId);

  /** The slices of a study as last saved, in order. */
  List<StudyInput.Slice> studySlices(String studyId);

  /** The finished configurations of a study, by position. */
  List<StudyConfigurationRow> studyConfigurations(String studyId);

  /**
   * Stores a calibration of {@code board}'s sensor against an external meter, one row per rail
   * (schema v7).
   *
   * @return the calibration's id, larger than every id before it
   * @throws StoreException when the base has no calibrations table (schema below v7) or writing
   *     fails
   */
  long saveCalibration(
      String board, String meterFile, List<io.inferwatt.core.analysis.Calibration.RailFit> fits);

  /**
   * Stores what {@code profile} found beyond the analysis of run {@code runId} (its errors against
   * a virtual board's truth, each layer's method), in one transaction.
   *
   * @throws StoreException when the base is below schema v8 or writing fails
   */
  void saveMethodChecks(long runId, MethodChecks checks);

  /** What {@link #saveMethodChecks} stored for {@code runId}; empty when nothing (or below v8). */
  java.util.Optional<MethodChecks> methodChecks(long runId);

  /** The newest calibration of {@code board}, one fit per rail; empty when there is none. */
  List<io.inferwatt.core.analysis.Calibration.RailFit> calibration(String board);

  /** Every run, oldest first (by {@code started_at}, then by id). */
  List<RunRow> runs();

  /** The run with id {@code id}, or empty when there is none. */
  Optional<StoredRun> run(long id);

  /**
   * The raw power samples saved with run {@code id}; empty when the run does not exist or was saved
   * without samples.
   */
  Optional<RawSamples> samples(long id);

  /**
   * The per-inference records of run {@code id} (every inference that is not warm-up), in order;
   * their power and energy arrays follow the run's rails. Empty when none were kept.
   */
  List<RunDetails.InferenceRecord> inferenceRecords(long id);

  /** The network's layers as stored with run {@code id}, by layer index; empty when not kept. */
  List<io.inferwatt.core.model.LayerSpec> layerFeatures(long id);

  /**
   * The raw power samples of run {@code id} with {@code fromNs <= t_ns <= toNs}; empty when the run
   * kept none.
   */
  Optional<RawSamples> samples(long id, long fromNs, long toNs);

  /**
   * What raw data run {@code id} keeps and which run it was re-analysed from; empty when there is
   * no such run.
   */
  Optional<RawStatus> rawStatus(long id);

  /**
   * The raw recording of run {@code id}: its power samples and its inference, layer and phase
   * events as recorded, held in memory; empty when the run kept no raw events ({@code --keep-raw}
   * other than {@code all}, or stored before events were kept).
   */
  Optional<io.inferwatt.core.Timeline> recording(long id);

  /**
   * Run {@code id}'s raw recording streamed into {@code reader} (samples and events read from the
   * base as the reader asks for them, not held in memory; the cursors are open only while it runs);
   * empty when the run kept no raw events, as {@link #recording}.
   */
  <T> Optional<T> replay(long id, RawRecording.Reader<T> reader);

  /** The study and configuration that run {@code id} belongs to, or empty. */
  Optional<StudyRun> studyRun(long id);

  /**
   * Where a run sits in a study.
   *
   * @param studyId the study
   * @param configKey the configuration's key
   */
  record StudyRun(String studyId, String configKey) {}

  /**
   * Writes the base as files that pandas, Polars, DuckDB and Spark read as they are: one folder per
   * table under {@code dir}, Hive-partitioned by board and study ({@code
   * runs/board=sim%3Anano/study=paper-nano/data_0.parquet}; values URL-encoded, runs outside every
   * study under {@code study=_none}), plus {@code layer_training}, the per-layer features joined
   * with measured latency, power and energy. Tables without rows get no folder.
   *
   * @param dir the folder to write into; must be absent or empty
   * @param study only this study's runs and rows, or null for everything
   * @return the tables written, in order, with their row counts
   * @throws IllegalArgumentException when {@code dir} is not empty or the study is unknown
   * @throws StoreException when writing fails
   */
  List<ExportedTable> export(Path dir, ExportFormat format, String study);

  /**
   * The training set for prediction models: every measured layer and network of {@code study}
   * (null: every run) on {@code board} (null: every board).
   */
  default TrainingData trainingData(String study, String board) {
    throw new UnsupportedOperationException("this store keeps no training set");
  }

  /**
   * Saves a fitted model set with its folds and points in one transaction.
   *
   * @return its id, larger than every id before it
   */
  default long saveModel(StoredModel model) {
    throw new UnsupportedOperationException("this store keeps no models");
  }

  /** Every stored model, oldest first, without body, folds or points. */
  default List<StoredModel> models() {
    return List.of();
  }

  /** Model {@code id} with body, folds and points; {@code id} 0 is the newest; empty if none. */
  default Optional<StoredModel> model(long id) {
    return Optional.empty();
  }

  /** Closes the connection and releases the file; safe to call twice. */
  @Override
  void close();
}
