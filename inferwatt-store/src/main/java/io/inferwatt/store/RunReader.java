package io.inferwatt.store;

import static io.inferwatt.store.Sql.count;
import static io.inferwatt.store.Sql.estimate;
import static io.inferwatt.store.Sql.frozen;
import static io.inferwatt.store.Sql.instant;
import static io.inferwatt.store.Sql.real;

import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.AnalysisResult.InferenceSummary;
import io.inferwatt.core.analysis.AnalysisResult.LatencyMs;
import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import io.inferwatt.core.analysis.AnalysisResult.MappingInfo;
import io.inferwatt.core.analysis.AnalysisResult.PhaseSummary;
import io.inferwatt.core.analysis.AnalysisResult.Unattributed;
import io.inferwatt.core.analysis.Estimate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads runs back: the run listing, one whole run with its results, its per-inference records,
 * layer features and study. The raw samples and events are {@link RawReader}'s.
 */
final class RunReader {

  private final Object file;
  private final Connection conn;

  /** Below {@link Schema#V4} (a test may open a base that old) no rail is marked total. */
  private final int schemaVersion;

  RunReader(Object file, Connection conn, int schemaVersion) {
    this.file = file;
    this.conn = conn;
    this.schemaVersion = schemaVersion;
  }

  private void each(String sql, long id, Sql.RowReader reader) throws SQLException {
    Sql.each(conn, sql, id, reader);
  }

  private static final String RUNS_SQL =
      """
      WITH summary AS (
        SELECT run_id, string_agg(key || '=' || value, ', ' ORDER BY position) AS settings
        FROM run_settings GROUP BY run_id)
      SELECT r.run_id, epoch_us(r.started_at), b.name, r.simulated, r.model,
             coalesce(s.settings, ''), r.inference_count, r.latency_ms_mean,
             coalesce(t.rail, ''), t.power_mw_mean, t.energy_mj_trapezoid, r.samples_stored
      FROM runs r
      JOIN boards b ON b.board_id = r.board_id
      LEFT JOIN summary s ON s.run_id = r.run_id
      LEFT JOIN inference_results t ON t.run_id = r.run_id AND t.total
      ORDER BY r.started_at, r.run_id\
      """;

  List<RunRow> runs() {
    return Sql.reading(
        file,
        "list the runs",
        () -> {
          List<RunRow> out = new ArrayList<>();
          try (Statement st = conn.createStatement();
              ResultSet rs = st.executeQuery(RUNS_SQL)) {
            while (rs.next()) {
              out.add(
                  new RunRow(
                      rs.getLong(1),
                      instant(rs.getLong(2)),
                      rs.getString(3),
                      rs.getBoolean(4),
                      rs.getString(5),
                      rs.getString(6),
                      rs.getLong(7),
                      real(rs, 8),
                      rs.getString(9),
                      real(rs, 10),
                      real(rs, 11),
                      rs.getLong(12)));
            }
          }
          return Collections.unmodifiableList(out);
        });
  }

  Optional<StoredRun> run(long id) {
    return Sql.reading(file, "read run " + id, () -> read(id));
  }

  private Optional<StoredRun> read(long id) throws SQLException {
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT r.*, epoch_us(r.started_at) AS started_at_us, b.name AS board"
                + " FROM runs r JOIN boards b ON b.board_id = r.board_id WHERE r.run_id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(readRun(id, rs)) : Optional.empty();
      }
    }
  }

  private StoredRun readRun(long id, ResultSet run) throws SQLException {
    Map<String, String> settings = pairs("run_settings", id);
    Map<String, String> environment = pairs("run_environment", id);
    List<AnalysisResult.ResidualPoint> residuals = new ArrayList<>();
    each(
        "SELECT window_ms, offset_ms, relative_residual FROM mapping_residuals"
            + " WHERE run_id = ? ORDER BY position",
        id,
        rs -> {
          residuals.add(
              new AnalysisResult.ResidualPoint(
                  real(rs, "window_ms"), real(rs, "offset_ms"), real(rs, "relative_residual")));
        });
    List<String> warnings = new ArrayList<>();
    each(
        "SELECT message FROM run_warnings WHERE run_id = ? ORDER BY position",
        id,
        rs -> {
          warnings.add(rs.getString(1));
        });

    List<String> rails = new ArrayList<>();
    Map<String, Estimate> power = new LinkedHashMap<>();
    Map<String, Double> energy = new LinkedHashMap<>();
    Map<String, Double> energyPaper = new LinkedHashMap<>();
    Map<String, Estimate> idle = new LinkedHashMap<>();
    Map<String, Estimate> tail = new LinkedHashMap<>();
    String[] total = {""};
    each(
        "SELECT * FROM inference_results WHERE run_id = ? ORDER BY rail_index",
        id,
        rs -> {
          String rail = rs.getString("rail");
          rails.add(rail);
          if (schemaVersion >= Schema.V4.version() && rs.getBoolean("total")) {
            total[0] = rail;
          }
          power.put(rail, estimate(rs, "power_mw", "power_n"));
          energy.put(rail, real(rs, "energy_mj_trapezoid"));
          energyPaper.put(rail, real(rs, "energy_mj_paper"));
          idle.put(rail, estimate(rs, "idle_power_mw", "idle_power_n"));
          tail.put(rail, estimate(rs, "unattributed_power_mw", "unattributed_power_n"));
        });

    Map<Integer, Map<String, Estimate>> layerPower = new HashMap<>();
    Map<Integer, Map<String, Double>> layerEnergy = new HashMap<>();
    each(
        "SELECT * FROM layer_rail_results WHERE run_id = ? ORDER BY layer_index, rail_index",
        id,
        rs -> {
          int layer = rs.getInt("layer_index");
          String rail = rs.getString("rail");
          layerPower
              .computeIfAbsent(layer, k -> new LinkedHashMap<>())
              .put(rail, estimate(rs, "power_mw", "power_n"));
          layerEnergy
              .computeIfAbsent(layer, k -> new LinkedHashMap<>())
              .put(rail, real(rs, "energy_mj"));
        });
    List<LayerSummary> layers = new ArrayList<>();
    each(
        "SELECT * FROM layer_results WHERE run_id = ? ORDER BY layer_index",
        id,
        rs -> {
          int index = rs.getInt("layer_index");
          layers.add(
              new LayerSummary(
                  index,
                  rs.getString("name"),
                  rs.getString("type"),
                  rs.getLong("samples"),
                  rs.getLong("cycles"),
                  real(rs, "duration_ms_mean"),
                  schemaVersion >= Schema.V11.version() ? real(rs, "duration_ms_p50") : Double.NaN,
                  frozen(layerPower.getOrDefault(index, Map.of())),
                  frozen(layerEnergy.getOrDefault(index, Map.of())),
                  count(rs, "cycles_needed")));
        });

    Map<Integer, Map<String, Double>> phaseEnergy = new HashMap<>();
    Map<Integer, Map<String, Double>> phasePower = new HashMap<>();
    each(
        "SELECT * FROM phase_rail_results WHERE run_id = ? ORDER BY phase_index, rail_index",
        id,
        rs -> {
          int phase = rs.getInt("phase_index");
          String rail = rs.getString("rail");
          phaseEnergy
              .computeIfAbsent(phase, k -> new LinkedHashMap<>())
              .put(rail, real(rs, "energy_mj"));
          phasePower
              .computeIfAbsent(phase, k -> new LinkedHashMap<>())
              .put(rail, real(rs, "power_mw_mean"));
        });
    List<PhaseSummary> phases = new ArrayList<>();
    each(
        "SELECT * FROM phase_results WHERE run_id = ? ORDER BY phase_index",
        id,
        rs -> {
          int index = rs.getInt("phase_index");
          phases.add(
              new PhaseSummary(
                  rs.getString("name"),
                  real(rs, "duration_ms"),
                  rs.getLong("samples"),
                  rs.getLong("inferences"),
                  frozen(phaseEnergy.getOrDefault(index, Map.of())),
                  frozen(phasePower.getOrDefault(index, Map.of()))));
        });

    boolean simulated = run.getBoolean("simulated");
    LatencyMs latency =
        new LatencyMs(
            run.getLong("latency_count"),
            real(run, "latency_ms_mean"),
            real(run, "latency_ms_p50"),
            real(run, "latency_ms_p95"),
            real(run, "latency_ms_p99"),
            real(run, "latency_ms_min"),
            real(run, "latency_ms_max"));
    InferenceSummary inferences =
        new InferenceSummary(
            run.getLong("inference_count"),
            run.getInt("batch"),
            latency,
            frozen(power),
            frozen(energy),
            frozen(energyPaper),
            run.getLong("power_inference_count"));
    AnalysisResult result =
        new AnalysisResult(
            rails,
            simulated,
            inferences,
            layers,
            new Unattributed(
                run.getLong("unattributed_samples"),
                real(run, "unattributed_duration_ms_mean"),
                frozen(tail)),
            frozen(idle),
            phases,
            real(run, "sample_period_ms"),
            run.getInt("min_samples_per_layer"),
            count(run, "cycles_needed"),
            new MappingInfo(
                run.getString("mapping_method"),
                real(run, "mapping_window_ms"),
                real(run, "mapping_offset_ms"),
                real(run, "mapping_estimated_window_ms"),
                real(run, "mapping_estimated_offset_ms"),
                real(run, "mapping_condition_number"),
                run.getBoolean("mapping_resolvable"),
                run.getString("mapping_reason"),
                residuals,
                "", // the base keeps the boxcar window only, not the estimated response's shape
                Double.NaN),
            warnings);
    return new StoredRun(
        id,
        run.getString("board"),
        simulated,
        run.getString("model"),
        settings,
        instant(run.getLong("started_at_us")),
        run.getString("tool_version"),
        environment,
        result,
        total[0],
        run.getLong("samples_stored"));
  }

  Map<String, String> pairs(String table, long id) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    each(
        "SELECT key, value FROM " + table + " WHERE run_id = ? ORDER BY position",
        id,
        rs -> {
          out.put(rs.getString(1), rs.getString(2));
        });
    return out;
  }

  /** The run's per-inference records, power and energy in the order of its rails. */
  List<RunDetails.InferenceRecord> inferenceRecords(long id) {
    return Sql.reading(
        file,
        "read the inference records of run " + id,
        () -> {
          List<String> rails = new ArrayList<>();
          each(
              "SELECT rail FROM inference_results WHERE run_id = ? ORDER BY rail_index",
              id,
              rs -> {
                rails.add(rs.getString(1));
              });
          Map<Long, double[][]> perRail = new HashMap<>();
          // by the rail's name: the records are written in the recording's rail order, which
          // need not be the results' order
          each(
              "SELECT seq, rail, power_mw_mean, energy_mj FROM inference_rail_records"
                  + " WHERE run_id = ?",
              id,
              rs -> {
                double[][] v =
                    perRail.computeIfAbsent(
                        rs.getLong(1),
                        k -> {
                          double[][] a = new double[2][rails.size()];
                          Arrays.fill(a[0], Double.NaN);
                          Arrays.fill(a[1], Double.NaN);
                          return a;
                        });
                int at = rails.indexOf(rs.getString(2));
                if (at >= 0) {
                  v[0][at] = real(rs, 3);
                  v[1][at] = real(rs, 4);
                }
              });
          List<RunDetails.InferenceRecord> out = new ArrayList<>();
          each(
              "SELECT seq, phase, start_ns, latency_ms, batch, samples FROM inference_records"
                  + " WHERE run_id = ? ORDER BY seq",
              id,
              rs -> {
                long seq = rs.getLong(1);
                double[][] v = perRail.get(seq);
                double[] none = new double[rails.size()];
                Arrays.fill(none, Double.NaN);
                out.add(
                    new RunDetails.InferenceRecord(
                        seq,
                        rs.getString(2),
                        rs.getLong(3),
                        real(rs, 4),
                        rs.getInt(5),
                        rs.getLong(6),
                        v == null ? none : v[0],
                        v == null ? none.clone() : v[1]));
              });
          return Collections.unmodifiableList(out);
        });
  }

  /** The network's layers stored with the run, by layer index. */
  List<io.inferwatt.core.model.LayerSpec> layerFeatures(long id) {
    return Sql.reading(
        file,
        "read the layer features of run " + id,
        () -> {
          List<io.inferwatt.core.model.LayerSpec> out = new ArrayList<>();
          each(
              "SELECT name, type, input_shape, output_shape, kernel, stride, groups, macs, params"
                  + " FROM layer_features WHERE run_id = ? ORDER BY layer_index",
              id,
              rs -> {
                out.add(
                    new io.inferwatt.core.model.LayerSpec(
                        rs.getString(1),
                        rs.getString(2),
                        RunRecordsWriter.dims(rs.getString(3)),
                        RunRecordsWriter.dims(rs.getString(4)),
                        rs.getInt(5),
                        rs.getInt(6),
                        rs.getInt(7),
                        rs.getLong(8),
                        rs.getLong(9)));
              });
          return Collections.unmodifiableList(out);
        });
  }

  /** The study configuration that holds the run. */
  Optional<MeasurementStore.StudyRun> studyRun(long id) {
    return Sql.reading(
        file,
        "find the study of run " + id,
        () -> {
          List<MeasurementStore.StudyRun> out = new ArrayList<>();
          each(
              "SELECT study_id, config_key FROM study_configurations WHERE run_id = ?"
                  + " ORDER BY study_id",
              id,
              rs -> {
                out.add(new MeasurementStore.StudyRun(rs.getString(1), rs.getString(2)));
              });
          return out.stream().findFirst();
        });
  }
}
