package io.inferwatt.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tables {@link MeasurementStore#export} writes, as SQL over the measurement base, and the
 * writing of them. Every table has the partition columns {@code board} (the board's name) and
 * {@code study} (the study a run belongs to, {@value #NO_STUDY} for runs outside every study);
 * DuckDB writes them into the folder names ({@code board=sim%3Anano/study=paper-nano/}, Hive style,
 * values URL-encoded) and leaves them out of the files, as Spark, pyarrow, Polars and DuckDB
 * expect.
 */
final class Export {

  /** The {@code study} partition of runs that belong to no study (not a valid study name). */
  static final String NO_STUDY = "_none";

  private Export() {}

  /** Run tables that are exported as they are, with the run's board and study added. */
  private static final List<String> RUN_TABLES =
      List.of(
          "run_settings",
          "run_environment",
          "run_warnings",
          "mapping_residuals",
          "inference_results",
          "layer_results",
          "layer_rail_results",
          "phase_results",
          "phase_rail_results",
          "inference_records",
          "inference_rail_records",
          "layer_features",
          "logger_stats",
          "sample_rails",
          "power_reads",
          "inference_events",
          "layer_events",
          "phase_events",
          "run_truth",
          "run_layer_methods");

  /**
   * The scope of an export: every run with its board and study; with a study, only that study's
   * runs.
   */
  static String scope(String study) {
    String where =
        study == null ? "" : " WHERE coalesce(c.study_id, '" + NO_STUDY + "') = " + literal(study);
    return """
        WITH scope AS (
          SELECT r.run_id, b.name AS board, coalesce(c.study_id, '%s') AS study
          FROM runs r
          JOIN boards b ON b.board_id = r.board_id
          LEFT JOIN (SELECT run_id, min(study_id) AS study_id FROM study_configurations GROUP BY run_id) c
            ON c.run_id = r.run_id%s)
        """
        .formatted(NO_STUDY, where);
  }

  /** Table name → the query that produces its rows (after {@link #scope}). */
  static Map<String, String> tables(String study) {
    Map<String, String> out = new LinkedHashMap<>();
    String studyWhere = study == null ? "" : " WHERE t.study_id = " + literal(study);
    out.put("studies", "SELECT t.*, t.study_id AS study FROM studies t" + studyWhere);
    out.put(
        "study_slices",
        "SELECT t.*, s.board, t.study_id AS study FROM study_slices t"
            + " JOIN studies s ON s.study_id = t.study_id"
            + studyWhere);
    out.put(
        "study_configurations",
        "SELECT t.*, s.board, t.study_id AS study FROM study_configurations t"
            + " JOIN studies s ON s.study_id = t.study_id"
            + studyWhere);
    out.put(
        "runs",
        "SELECT t.* EXCLUDE (board_id), s.board, s.study FROM runs t"
            + " JOIN scope s ON s.run_id = t.run_id");
    for (String table : RUN_TABLES) {
      out.put(
          table,
          "SELECT t.*, s.board, s.study FROM " + table + " t JOIN scope s ON s.run_id = t.run_id");
    }
    out.put("layer_training", LAYER_TRAINING);
    return out;
  }

  /**
   * One row per measured layer with its features and its measured latency, power and energy: the
   * training set for power and latency models (NeuralPower-style). Features and results are joined
   * on the layer's index and name, so a layer whose engine name differs from the network's is left
   * out rather than joined wrongly.
   */
  private static final String LAYER_TRAINING =
      """
      SELECT f.run_id, r.model, r.simulated,
             try_cast(st.cpu_cores AS INTEGER) AS cpu_cores,
             try_cast(st.cpu_freq_khz AS BIGINT) AS cpu_freq_khz,
             try_cast(st.gpu_freq_hz AS BIGINT) AS gpu_freq_hz,
             r.batch, st.mode, st.input,
             try_cast(st.threads AS INTEGER) AS threads,
             f.layer_index, f.name, f.type, f.kernel, f.stride, f.groups,
             f.input_shape, f.output_shape,
             f.input_channels, f.input_height, f.input_width,
             f.output_channels, f.output_height, f.output_width,
             f.input_elements, f.output_elements, f.macs, f.params,
             l.samples, l.cycles, l.duration_ms_mean AS latency_ms,
             l.duration_ms_p50 AS latency_ms_p50,
             tot.rail AS total_rail,
             tot.power_mw_mean AS power_mw_total, tot.power_n AS power_n_total,
             tot.energy_mj AS energy_mj_total,
             cpu.power_mw_mean AS power_mw_cpu, cpu.energy_mj AS energy_mj_cpu,
             gpu.power_mw_mean AS power_mw_gpu, gpu.energy_mj AS energy_mj_gpu,
             s.board, s.study
      FROM layer_features f
      JOIN scope s ON s.run_id = f.run_id
      JOIN runs r ON r.run_id = f.run_id
      JOIN layer_results l ON l.run_id = f.run_id AND l.layer_index = f.layer_index AND l.name = f.name
      LEFT JOIN (
        SELECT run_id,
               max(CASE WHEN key = 'cpu.cores' THEN value END) AS cpu_cores,
               max(CASE WHEN key = 'cpu.freq_khz' THEN value END) AS cpu_freq_khz,
               max(CASE WHEN key = 'gpu.freq_hz' THEN value END) AS gpu_freq_hz,
               max(CASE WHEN key = 'mode' THEN value END) AS mode,
               max(CASE WHEN key = 'input' THEN value END) AS input,
               max(CASE WHEN key = 'threads' THEN value END) AS threads
        FROM run_settings GROUP BY run_id) st ON st.run_id = f.run_id
      LEFT JOIN (
        SELECT l.* FROM layer_rail_results l
        JOIN inference_results i
          ON i.run_id = l.run_id AND i.rail_index = l.rail_index AND i.total) tot
        ON tot.run_id = f.run_id AND tot.layer_index = f.layer_index
      LEFT JOIN layer_rail_results cpu
        ON cpu.run_id = f.run_id AND cpu.layer_index = f.layer_index AND cpu.rail = 'cpu'
      LEFT JOIN layer_rail_results gpu
        ON gpu.run_id = f.run_id AND gpu.layer_index = f.layer_index AND gpu.rail = 'gpu'
      """;

  private static boolean exists(Connection conn, String table) throws SQLException {
    try (var st =
        conn.prepareStatement(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?")) {
      st.setString(1, table);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() && rs.getLong(1) > 0;
      }
    }
  }

  private static String literal(String s) {
    return Sql.literal(s);
  }

  /** Writes the export (see {@link MeasurementStore#export}) of the base in {@code file}. */
  static List<ExportedTable> write(
      Object file,
      Connection conn,
      StudyTables studies,
      Path dir,
      ExportFormat format,
      String study) {
    Path out = dir.toAbsolutePath().normalize();
    try {
      if (Files.exists(out)) {
        if (!Files.isDirectory(out)) {
          throw new IllegalArgumentException("export folder " + out + " is a file");
        }
        try (var entries = Files.list(out)) {
          if (entries.findAny().isPresent()) {
            throw new IllegalArgumentException(
                "export folder " + out + " is not empty; name a new or empty folder");
          }
        }
      }
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new StoreException("cannot create export folder " + out + ": " + e.getMessage(), e);
    }
    try {
      if (study != null && studies.readStudy(study).isEmpty()) {
        List<String> known = new ArrayList<>();
        studies.studies().forEach(s -> known.add(s.studyId()));
        throw new IllegalArgumentException(
            "study '"
                + study
                + "' is not in measurement base "
                + file
                + (known.isEmpty()
                    ? "; it holds no study"
                    : "; it has " + String.join(", ", known)));
      }
      String scope = scope(study);
      List<ExportedTable> written = new ArrayList<>();
      for (Map.Entry<String, String> t : tables(study).entrySet()) {
        if (RUN_TABLES.contains(t.getKey()) && !exists(conn, t.getKey())) {
          continue; // a table of a later schema version than the base's (a copy of an older one)
        }
        String query = scope + t.getValue();
        long rows;
        try (Statement st = conn.createStatement();
            ResultSet rs = st.executeQuery(scope + "SELECT count(*) FROM (" + t.getValue() + ")")) {
          rs.next();
          rows = rs.getLong(1);
        }
        Path folder = out.resolve(t.getKey());
        if (rows > 0) {
          String options =
              format == ExportFormat.PARQUET ? "FORMAT PARQUET" : "FORMAT CSV, HEADER true";
          try (Statement st = conn.createStatement()) {
            st.execute(
                "COPY ("
                    + query
                    + ") TO "
                    + literal(folder.toString())
                    + " ("
                    + options
                    + ", PARTITION_BY (board, study))");
          }
        }
        written.add(new ExportedTable(t.getKey(), rows, folder));
      }
      return Collections.unmodifiableList(written);
    } catch (SQLException e) {
      throw new StoreException(
          "cannot export measurement base " + file + " to " + out + ": " + e.getMessage(), e);
    }
  }
}
