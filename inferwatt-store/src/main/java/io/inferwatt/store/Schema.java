package io.inferwatt.store;

import java.util.List;

/**
 * The schema of the measurement base as an ordered list of migrations; {@code docs/schema.md}
 * describes every table and column. A later version appends a {@link Migration} here (never edits
 * an old one) and documents it.
 *
 * <p>Conventions: every unit is in the column name ({@code _ms}, {@code _mw}, {@code _mj}, {@code
 * _ns}); a value not measured is SQL NULL (NaN in Java); per-rail tables carry both {@code
 * rail_index} (the order of the analysis' rails) and {@code rail}. Foreign keys are not declared,
 * because DuckDB's would make removing a run harder; {@code run_id} always refers to {@code
 * runs.run_id}.
 *
 * <p>Over 500 lines on purpose: it is the list of migrations, in order, each its SQL text; one file
 * is the one place that says what the schema is at every version.
 */
final class Schema {

  private Schema() {}

  static final Migration V1 =
      new Migration(
          1,
          "runs, settings, environment, inference, layer and phase results, warnings, raw samples",
          List.of(
              """
              CREATE TABLE schema_version (
                version     INTEGER PRIMARY KEY,
                description VARCHAR NOT NULL,
                applied_at  TIMESTAMP NOT NULL
              )\
              """,
              """
              CREATE TABLE boards (
                board_id INTEGER PRIMARY KEY,
                name     VARCHAR NOT NULL UNIQUE
              )\
              """,
              """
              CREATE TABLE runs (
                run_id                        BIGINT PRIMARY KEY,
                started_at                    TIMESTAMP NOT NULL,
                board_id                      INTEGER NOT NULL,
                simulated                     BOOLEAN NOT NULL,
                model                         VARCHAR NOT NULL,
                tool_version                  VARCHAR NOT NULL,
                inference_count               BIGINT NOT NULL,
                batch                         INTEGER NOT NULL,
                power_inference_count         BIGINT NOT NULL,
                latency_count                 BIGINT NOT NULL,
                latency_ms_mean               DOUBLE,
                latency_ms_p50                DOUBLE,
                latency_ms_p95                DOUBLE,
                latency_ms_p99                DOUBLE,
                latency_ms_min                DOUBLE,
                latency_ms_max                DOUBLE,
                sample_period_ms              DOUBLE,
                min_samples_per_layer         INTEGER NOT NULL,
                cycles_needed                 BIGINT,
                unattributed_samples          BIGINT NOT NULL,
                unattributed_duration_ms_mean DOUBLE,
                mapping_method                VARCHAR NOT NULL,
                mapping_window_ms             DOUBLE,
                mapping_offset_ms             DOUBLE,
                mapping_estimated_window_ms   DOUBLE,
                mapping_estimated_offset_ms   DOUBLE,
                mapping_condition_number      DOUBLE,
                mapping_resolvable            BOOLEAN NOT NULL,
                mapping_reason                VARCHAR NOT NULL,
                samples_stored                BIGINT NOT NULL
              )\
              """,
              """
              CREATE TABLE run_settings (
                run_id   BIGINT NOT NULL,
                position INTEGER NOT NULL,
                key      VARCHAR NOT NULL,
                value    VARCHAR NOT NULL,
                PRIMARY KEY (run_id, position)
              )\
              """,
              """
              CREATE TABLE run_environment (
                run_id   BIGINT NOT NULL,
                position INTEGER NOT NULL,
                key      VARCHAR NOT NULL,
                value    VARCHAR NOT NULL,
                PRIMARY KEY (run_id, position)
              )\
              """,
              """
              CREATE TABLE mapping_residuals (
                run_id            BIGINT NOT NULL,
                position          INTEGER NOT NULL,
                window_ms         DOUBLE,
                offset_ms         DOUBLE,
                relative_residual DOUBLE,
                PRIMARY KEY (run_id, position)
              )\
              """,
              """
              CREATE TABLE run_warnings (
                run_id   BIGINT NOT NULL,
                position INTEGER NOT NULL,
                message  VARCHAR NOT NULL,
                PRIMARY KEY (run_id, position)
              )\
              """,
              """
              CREATE TABLE inference_results (
                run_id                          BIGINT NOT NULL,
                rail_index                      INTEGER NOT NULL,
                rail                            VARCHAR NOT NULL,
                power_mw_mean                   DOUBLE,
                power_mw_ci95_low               DOUBLE,
                power_mw_ci95_high              DOUBLE,
                power_n                         BIGINT NOT NULL,
                energy_mj_trapezoid             DOUBLE,
                energy_mj_paper                 DOUBLE,
                idle_power_mw_mean              DOUBLE,
                idle_power_mw_ci95_low          DOUBLE,
                idle_power_mw_ci95_high         DOUBLE,
                idle_power_n                    BIGINT NOT NULL,
                unattributed_power_mw_mean      DOUBLE,
                unattributed_power_mw_ci95_low  DOUBLE,
                unattributed_power_mw_ci95_high DOUBLE,
                unattributed_power_n            BIGINT NOT NULL,
                PRIMARY KEY (run_id, rail_index)
              )\
              """,
              """
              CREATE TABLE layer_results (
                run_id           BIGINT NOT NULL,
                layer_index      INTEGER NOT NULL,
                name             VARCHAR NOT NULL,
                type             VARCHAR NOT NULL,
                samples          BIGINT NOT NULL,
                cycles           BIGINT NOT NULL,
                duration_ms_mean DOUBLE,
                cycles_needed    BIGINT,
                PRIMARY KEY (run_id, layer_index)
              )\
              """,
              """
              CREATE TABLE layer_rail_results (
                run_id             BIGINT NOT NULL,
                layer_index        INTEGER NOT NULL,
                rail_index         INTEGER NOT NULL,
                rail               VARCHAR NOT NULL,
                power_mw_mean      DOUBLE,
                power_mw_ci95_low  DOUBLE,
                power_mw_ci95_high DOUBLE,
                power_n            BIGINT NOT NULL,
                energy_mj          DOUBLE,
                PRIMARY KEY (run_id, layer_index, rail_index)
              )\
              """,
              """
              CREATE TABLE phase_results (
                run_id      BIGINT NOT NULL,
                phase_index INTEGER NOT NULL,
                name        VARCHAR NOT NULL,
                duration_ms DOUBLE,
                samples     BIGINT NOT NULL,
                inferences  BIGINT NOT NULL,
                PRIMARY KEY (run_id, phase_index)
              )\
              """,
              """
              CREATE TABLE phase_rail_results (
                run_id        BIGINT NOT NULL,
                phase_index   INTEGER NOT NULL,
                rail_index    INTEGER NOT NULL,
                rail          VARCHAR NOT NULL,
                energy_mj     DOUBLE,
                power_mw_mean DOUBLE,
                PRIMARY KEY (run_id, phase_index, rail_index)
              )\
              """,
              """
              CREATE TABLE sample_rails (
                run_id     BIGINT NOT NULL,
                rail_index INTEGER NOT NULL,
                rail       VARCHAR NOT NULL,
                PRIMARY KEY (run_id, rail_index)
              )\
              """,
              // No key on the raw samples: millions of rows per run, appended only.
              """
              CREATE TABLE power_samples (
                run_id        BIGINT NOT NULL,
                t_ns          BIGINT NOT NULL,
                rail          VARCHAR NOT NULL,
                power_mw      DOUBLE,
                read_start_ns BIGINT NOT NULL,
                read_end_ns   BIGINT NOT NULL
              )\
              """));

  static final Migration V2 =
      new Migration(
          2,
          "studies and their configurations",
          List.of(
              """
              CREATE TABLE studies (
                study_id               VARCHAR PRIMARY KEY,
                board                  VARCHAR NOT NULL,
                engine                 VARCHAR NOT NULL,
                simulated              BOOLEAN NOT NULL,
                created_at             TIMESTAMP NOT NULL,
                updated_at             TIMESTAMP NOT NULL,
                planned_configurations INTEGER NOT NULL,
                plan                   VARCHAR NOT NULL
              )\
              """,
              """
              CREATE TABLE study_slices (
                study_id    VARCHAR NOT NULL,
                slice_index INTEGER NOT NULL,
                member      INTEGER NOT NULL,
                label       VARCHAR NOT NULL,
                factors     VARCHAR NOT NULL,
                config_key  VARCHAR NOT NULL,
                PRIMARY KEY (study_id, slice_index, member)
              )\
              """,
              """
              CREATE TABLE study_configurations (
                study_id    VARCHAR NOT NULL,
                config_key  VARCHAR NOT NULL,
                position    INTEGER NOT NULL,
                sweep       VARCHAR NOT NULL,
                run_id      BIGINT NOT NULL,
                finished_at TIMESTAMP NOT NULL,
                PRIMARY KEY (study_id, config_key)
              )\
              """));

  static final Migration V3 =
      new Migration(
          3,
          "per-inference records, layer features, the logger's self-measurement",
          List.of(
              """
              CREATE TABLE inference_records (
                run_id     BIGINT NOT NULL,
                seq        BIGINT NOT NULL,
                phase      VARCHAR NOT NULL,
                start_ns   BIGINT NOT NULL,
                latency_ms DOUBLE NOT NULL,
                batch      INTEGER NOT NULL,
                samples    BIGINT NOT NULL,
                PRIMARY KEY (run_id, seq)
              )\
              """,
              """
              CREATE TABLE inference_rail_records (
                run_id        BIGINT NOT NULL,
                seq           BIGINT NOT NULL,
                rail_index    INTEGER NOT NULL,
                rail          VARCHAR NOT NULL,
                power_mw_mean DOUBLE,
                energy_mj     DOUBLE,
                PRIMARY KEY (run_id, seq, rail_index)
              )\
              """,
              """
              CREATE TABLE layer_features (
                run_id          BIGINT NOT NULL,
                layer_index     INTEGER NOT NULL,
                name            VARCHAR NOT NULL,
                type            VARCHAR NOT NULL,
                kernel          INTEGER,
                stride          INTEGER,
                groups          INTEGER,
                input_shape     VARCHAR NOT NULL,
                output_shape    VARCHAR NOT NULL,
                input_channels  INTEGER,
                input_height    INTEGER,
                input_width     INTEGER,
                output_channels INTEGER,
                output_height   INTEGER,
                output_width    INTEGER,
                input_elements  BIGINT NOT NULL,
                output_elements BIGINT NOT NULL,
                macs            BIGINT NOT NULL,
                params          BIGINT NOT NULL,
                PRIMARY KEY (run_id, layer_index)
              )\
              """,
              """
              CREATE TABLE logger_stats (
                run_id            BIGINT PRIMARY KEY,
                source            VARCHAR NOT NULL,
                samples           BIGINT NOT NULL,
                period_ms_median  DOUBLE,
                period_ms_p99     DOUBLE,
                period_ms_max     DOUBLE,
                read_ms_mean      DOUBLE,
                read_ms_p99       DOUBLE,
                read_ms_max       DOUBLE,
                dropped           BIGINT,
                cpu_percent       DOUBLE,
                overhead_power_mw DOUBLE
              )\
              """));

  /**
   * The board's total rail as a fact of the run: {@code inference_results.total} is true on the one
   * rail its power source marked as the board's total. Runs stored before have no such mark; they
   * get the rail earlier versions chose for them ({@code in}, else {@code total}, else the first).
   */
  static final Migration V4 =
      new Migration(
          4,
          "inference_results.total: the rail the power source marks as the board's total",
          List.of(
              "ALTER TABLE inference_results ADD COLUMN total BOOLEAN DEFAULT false",
              """
              UPDATE inference_results SET total = true
              FROM (
                SELECT run_id, rail_index,
                       row_number() OVER (
                         PARTITION BY run_id
                         ORDER BY CASE rail WHEN 'in' THEN 0 WHEN 'total' THEN 1 ELSE 2 END,
                                  rail_index) AS pick
                FROM inference_results) p
              WHERE p.run_id = inference_results.run_id
                AND p.rail_index = inference_results.rail_index
                AND p.pick = 1\
              """));

  /**
   * The raw recording of a run, so that the analysis can be re-run from the base ({@code inferwatt
   * reanalyze}): every inference, layer and phase event as recorded (the raw power samples were
   * already in {@code power_samples}), which raw data a run kept ({@code runs.raw_kept}: {@code
   * none}, {@code summary} or {@code all}; NULL for runs stored before) and the run a re-analysis
   * was derived from ({@code runs.derived_from}). No keys on the inference and layer events:
   * hundreds of thousands of rows per run, appended only; {@code position} keeps the recorder's
   * order.
   */
  static final Migration V5 =
      new Migration(
          5,
          "raw inference, layer and phase events; runs.raw_kept and runs.derived_from",
          List.of(
              """
              CREATE TABLE inference_events (
                run_id   BIGINT NOT NULL,
                position BIGINT NOT NULL,
                seq      BIGINT NOT NULL,
                start_ns BIGINT NOT NULL,
                end_ns   BIGINT NOT NULL,
                batch    INTEGER NOT NULL
              )\
              """,
              """
              CREATE TABLE layer_events (
                run_id      BIGINT NOT NULL,
                position    BIGINT NOT NULL,
                seq         BIGINT NOT NULL,
                layer_index INTEGER NOT NULL,
                name        VARCHAR NOT NULL,
                type        VARCHAR NOT NULL,
                duration_ns BIGINT NOT NULL,
                start_ns    BIGINT
              )\
              """,
              """
              CREATE TABLE phase_events (
                run_id   BIGINT NOT NULL,
                position INTEGER NOT NULL,
                name     VARCHAR NOT NULL,
                start_ns BIGINT NOT NULL,
                end_ns   BIGINT NOT NULL,
                PRIMARY KEY (run_id, position)
              )\
              """,
              "ALTER TABLE runs ADD COLUMN raw_kept VARCHAR",
              "ALTER TABLE runs ADD COLUMN derived_from BIGINT"));

  /**
   * Fitted prediction models: one row per fitted model set in {@code models} (its board, rails,
   * training set, features and the serialized models), every cross-validation fold's error per
   * layer type, target and learner in {@code model_folds}, and a sample of out-of-fold predictions
   * next to the measured values in {@code model_points}. Plain types only, so PostgreSQL takes it
   * too.
   */
  static final Migration V6 =
      new Migration(
          6,
          "models, model_folds, model_points: fitted latency and power models",
          List.of(
              """
              CREATE TABLE models (
                model_id      BIGINT PRIMARY KEY,
                created_at    TIMESTAMP NOT NULL,
                board         VARCHAR NOT NULL,
                study         VARCHAR,
                rails         VARCHAR NOT NULL,
                training_rows BIGINT NOT NULL,
                training_runs BIGINT NOT NULL,
                features      VARCHAR NOT NULL,
                learners      VARCHAR NOT NULL,
                format        INTEGER NOT NULL,
                body          VARCHAR NOT NULL
              )\
              """,
              """
              CREATE TABLE model_folds (
                model_id          BIGINT NOT NULL,
                layer_type        VARCHAR NOT NULL,
                target            VARCHAR NOT NULL,
                learner           VARCHAR NOT NULL,
                fold              INTEGER NOT NULL,
                rows_held_out     INTEGER NOT NULL,
                median_abs_error_pct DOUBLE PRECISION,
                chosen            BOOLEAN NOT NULL,
                hyper_parameters  VARCHAR NOT NULL,
                PRIMARY KEY (model_id, layer_type, target, learner, fold)
              )\
              """,
              """
              CREATE TABLE model_points (
                model_id   BIGINT NOT NULL,
                layer_type VARCHAR NOT NULL,
                target     VARCHAR NOT NULL,
                position   INTEGER NOT NULL,
                measured   DOUBLE PRECISION NOT NULL,
                predicted  DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (model_id, layer_type, target, position)
              )\
              """));

  /**
   * Calibrations of a board's sensor against an external meter ({@code inferwatt calibrate
   * --save}): one row per rail, the newest calibration of a board applies.
   */
  static final Migration V7 =
      new Migration(
          7,
          "calibrations: a board's sensor against an external meter, per rail",
          List.of(
              """
              CREATE TABLE calibrations (
                calibration_id    BIGINT NOT NULL,
                rail_index        INTEGER NOT NULL,
                board             VARCHAR NOT NULL,
                created_at        TIMESTAMP NOT NULL,
                meter_file        VARCHAR NOT NULL,
                rail              VARCHAR NOT NULL,
                meter_channel     VARCHAR NOT NULL,
                gain              DOUBLE PRECISION NOT NULL,
                offset_mw         DOUBLE PRECISION NOT NULL,
                lag_ms            DOUBLE PRECISION,
                correlation       DOUBLE PRECISION,
                residual_mw       DOUBLE PRECISION,
                residual_relative DOUBLE PRECISION,
                bins              INTEGER NOT NULL,
                meter_spread_mw   DOUBLE PRECISION,
                PRIMARY KEY (calibration_id, rail_index)
              )\
              """));

  /**
   * Version 8: a virtual run's truth check and the per-layer methods of a board with an energy
   * counter ({@code run_truth}, {@code run_layer_methods}), so that {@code show} gives a stored
   * virtual run's error against its truth.
   */
  static final Migration V8 =
      new Migration(
          8,
          "run_truth and run_layer_methods: a run's errors against a virtual board's truth and each"
              + " layer's method",
          List.of(
              """
              CREATE TABLE run_truth (
                run_id                        BIGINT NOT NULL,
                rail                          VARCHAR NOT NULL,
                truth_latency_ms              DOUBLE PRECISION,
                truth_energy_mj               DOUBLE PRECISION,
                energy_method                 VARCHAR NOT NULL,
                energy_mj                     DOUBLE PRECISION,
                energy_error_pct              DOUBLE PRECISION,
                layers_compared               INTEGER NOT NULL,
                layer_power_median_error_pct  DOUBLE PRECISION,
                layer_power_max_error_pct     DOUBLE PRECISION,
                layer_power_max_error_index   INTEGER,
                layer_energy_max_error_pct    DOUBLE PRECISION,
                paper_energy_max_error_pct    DOUBLE PRECISION,
                PRIMARY KEY (run_id, rail)
              )\
              """,
              """
              CREATE TABLE run_layer_methods (
                run_id              BIGINT NOT NULL,
                layer_index         INTEGER NOT NULL,
                rail                VARCHAR NOT NULL,
                method              VARCHAR NOT NULL,
                energy_mj           DOUBLE PRECISION,
                ci95_half_width_mj  DOUBLE PRECISION,
                paper_energy_mj     DOUBLE PRECISION,
                PRIMARY KEY (run_id, layer_index, rail)
              )\
              """));

  /** Rails one row of {@code power_reads} holds: a read of more rails takes more rows. */
  static final int RAILS_PER_READ_ROW = 4;

  /**
   * The raw samples one row per read instead of one row per read and rail: {@code power_reads}
   * holds the values of up to {@value #RAILS_PER_READ_ROW} rails per row ({@code power_mw_0} is the
   * rail {@code first_rail} of {@code sample_rails}, {@code power_mw_1} the next, ...; a read of
   * more rails takes one row per {@value #RAILS_PER_READ_ROW}). The rows of {@code power_samples}
   * move there, and {@code power_samples} becomes a view of the same name and columns over it, so
   * queries written for the long shape keep working. Writing a third of the rows without a rail
   * name each made keeping the raw samples about twice as cheap (CPU and bytes). Likewise the raw
   * layer events keep their layer's name and type once per run ({@code layer_event_names}) instead
   * of on every event ({@code layer_event_rows} refers to them by {@code name_id}); {@code
   * layer_events} becomes a view of its old columns.
   */
  static final Migration V9 =
      new Migration(
          9,
          "power_reads: raw samples one row per read; layer_event_rows and layer_event_names:"
              + " raw layer events with their names once per run; power_samples and layer_events"
              + " become views of the same columns",
          List.of(
              """
              CREATE TABLE power_reads (
                run_id        BIGINT NOT NULL,
                t_ns          BIGINT NOT NULL,
                read_start_ns BIGINT NOT NULL,
                read_end_ns   BIGINT NOT NULL,
                first_rail    INTEGER NOT NULL,
                power_mw_0    DOUBLE,
                power_mw_1    DOUBLE,
                power_mw_2    DOUBLE,
                power_mw_3    DOUBLE
              )\
              """,
              """
              INSERT INTO power_reads
              SELECT p.run_id, p.t_ns, p.read_start_ns, p.read_end_ns,
                     r.rail_index - r.rail_index % 4,
                     max(CASE WHEN r.rail_index % 4 = 0 THEN p.power_mw END),
                     max(CASE WHEN r.rail_index % 4 = 1 THEN p.power_mw END),
                     max(CASE WHEN r.rail_index % 4 = 2 THEN p.power_mw END),
                     max(CASE WHEN r.rail_index % 4 = 3 THEN p.power_mw END)
              FROM power_samples p
              JOIN sample_rails r ON r.run_id = p.run_id AND r.rail = p.rail
              GROUP BY p.run_id, p.t_ns, p.read_start_ns, p.read_end_ns,
                       r.rail_index - r.rail_index % 4\
              """,
              "DROP TABLE power_samples",
              """
              CREATE VIEW power_samples AS
              SELECT p.run_id, p.t_ns, r.rail,
                     CASE r.rail_index - p.first_rail
                       WHEN 0 THEN p.power_mw_0
                       WHEN 1 THEN p.power_mw_1
                       WHEN 2 THEN p.power_mw_2
                       ELSE p.power_mw_3
                     END AS power_mw,
                     p.read_start_ns, p.read_end_ns
              FROM power_reads p
              JOIN sample_rails r ON r.run_id = p.run_id
                AND r.rail_index >= p.first_rail AND r.rail_index < p.first_rail + 4\
              """,
              """
              CREATE TABLE layer_event_names (
                run_id  BIGINT NOT NULL,
                name_id INTEGER NOT NULL,
                name    VARCHAR NOT NULL,
                type    VARCHAR NOT NULL,
                PRIMARY KEY (run_id, name_id)
              )\
              """,
              """
              CREATE TABLE layer_event_rows (
                run_id      BIGINT NOT NULL,
                position    BIGINT NOT NULL,
                seq         BIGINT NOT NULL,
                layer_index INTEGER NOT NULL,
                name_id     INTEGER NOT NULL,
                duration_ns BIGINT NOT NULL,
                start_ns    BIGINT
              )\
              """,
              """
              INSERT INTO layer_event_names
              SELECT run_id,
                     CAST(row_number() OVER (PARTITION BY run_id ORDER BY name, type) - 1 AS INTEGER),
                     name, type
              FROM (SELECT DISTINCT run_id, name, type FROM layer_events) d\
              """,
              """
              INSERT INTO layer_event_rows
              SELECT e.run_id, e.position, e.seq, e.layer_index, n.name_id, e.duration_ns, e.start_ns
              FROM layer_events e
              JOIN layer_event_names n
                ON n.run_id = e.run_id AND n.name = e.name AND n.type = e.type\
              """,
              "DROP TABLE layer_events",
              """
              CREATE VIEW layer_events AS
              SELECT e.run_id, e.position, e.seq, e.layer_index, n.name, n.type, e.duration_ns,
                     e.start_ns
              FROM layer_event_rows e
              JOIN layer_event_names n ON n.run_id = e.run_id AND n.name_id = e.name_id\
              """));

  /**
   * Version 10: {@code layer_features.activation}, the activation a layer applies (fused into it,
   * or its own op for an activation layer; {@code ''} none; {@code NULL} in rows written before):
   * on a CPU, Swish or a hard swish costs a kernel of its own where a ReLU is free, which the
   * shapes alone do not say.
   */
  static final Migration V10 =
      new Migration(
          10,
          "layer_features.activation: the activation a layer applies",
          List.of("ALTER TABLE layer_features ADD COLUMN activation VARCHAR"));

  /**
   * Version 11: {@code layer_results.duration_ms_p50}, a layer's median profiled duration beside
   * its mean. On a machine shared with other work a cycle that waited for it is an outlier that
   * moves the mean, and the network's latency is compared by its median ({@code
   * runs.latency_ms_p50}); {@code fit} learns a host board's layers from their medians. Rows
   * written before get the median of their raw layer events where the base kept them, else NULL.
   */
  static final Migration V11 =
      new Migration(
          11,
          "layer_results.duration_ms_p50: a layer's median profiled duration",
          List.of(
              "ALTER TABLE layer_results ADD COLUMN duration_ms_p50 DOUBLE",
              """
              UPDATE layer_results SET duration_ms_p50 = m.p50 FROM (
                SELECT run_id, layer_index,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ns) / 1e6 AS p50
                FROM layer_event_rows GROUP BY run_id, layer_index) m
              WHERE layer_results.run_id = m.run_id AND layer_results.layer_index = m.layer_index
                AND layer_results.duration_ms_mean IS NOT NULL\
              """));

  /** Every migration, in version order, starting at 1 without gaps. */
  static final List<Migration> MIGRATIONS = List.of(V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V11);

  /** The newest version {@code migrations} produce. */
  static int latest(List<Migration> migrations) {
    for (int i = 0; i < migrations.size(); i++) {
      if (migrations.get(i).version() != i + 1) {
        throw new IllegalStateException(
            "migration at position "
                + i
                + " has version "
                + migrations.get(i).version()
                + ", expected "
                + (i + 1));
      }
    }
    return migrations.size();
  }
}
