package io.inferwatt.store;

import io.inferwatt.core.model.LayerSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The training set for prediction models (read from the run tables) and the fitted models ({@code
 * models}, {@code model_folds}, {@code model_points}, schema version 6).
 */
final class ModelTables {

  private final Object file;
  private final Connection conn;

  ModelTables(Object file, Connection conn) {
    this.file = file;
    this.conn = conn;
  }

  /** Every measured layer and network of {@code study} (null: all) on {@code board} (null: all). */
  TrainingData trainingData(String study, String board) {
    return Sql.reading(
        file,
        "read the training set",
        () -> {
          String scope =
              Export.scope(study)
                  + (board == null
                      ? ", sc AS (SELECT * FROM scope)"
                      : ", sc AS (SELECT * FROM scope WHERE board = " + Sql.literal(board) + ")");
          Map<Long, Map<String, String>> settings = new HashMap<>();
          query(
              scope
                  + "SELECT t.run_id, t.key, t.value FROM run_settings t"
                  + " JOIN sc ON sc.run_id = t.run_id ORDER BY t.run_id, t.position",
              rs ->
                  settings
                      .computeIfAbsent(rs.getLong(1), k -> new LinkedHashMap<>())
                      .put(rs.getString(2), rs.getString(3)));
          Map<Long, Map<Integer, Map<String, Double>>> layerPower = new HashMap<>();
          query(
              scope
                  + "SELECT t.run_id, t.layer_index, t.rail, t.power_mw_mean"
                  + " FROM layer_rail_results t JOIN sc ON sc.run_id = t.run_id"
                  + " WHERE t.power_mw_mean IS NOT NULL ORDER BY t.run_id, t.layer_index, t.rail_index",
              rs ->
                  layerPower
                      .computeIfAbsent(rs.getLong(1), k -> new HashMap<>())
                      .computeIfAbsent(rs.getInt(2), k -> new LinkedHashMap<>())
                      .put(rs.getString(3), rs.getDouble(4)));
          List<TrainingData.Layer> layers = new ArrayList<>();
          query(
              scope
                  + """
                  SELECT f.run_id, sc.board, sc.study, r.model, f.layer_index, f.name, f.type,
                         f.input_shape, f.output_shape, f.kernel, f.stride, f.groups, f.macs,
                         f.params, l.duration_ms_mean, f.activation, l.duration_ms_p50
                  FROM layer_features f
                  JOIN sc ON sc.run_id = f.run_id
                  JOIN runs r ON r.run_id = f.run_id
                  JOIN layer_results l
                    ON l.run_id = f.run_id AND l.layer_index = f.layer_index AND l.name = f.name
                  WHERE l.duration_ms_mean IS NOT NULL AND l.duration_ms_mean > 0
                  ORDER BY f.run_id, f.layer_index
                  """,
              rs -> {
                long run = rs.getLong(1);
                int index = rs.getInt(5);
                LayerSpec spec =
                    new LayerSpec(
                        rs.getString(6),
                        rs.getString(7),
                        RunRecordsWriter.dims(rs.getString(8)),
                        RunRecordsWriter.dims(rs.getString(9)),
                        rs.getInt(10),
                        rs.getInt(11),
                        rs.getInt(12),
                        rs.getLong(13),
                        rs.getLong(14),
                        rs.getString(16),
                        "");
                layers.add(
                    new TrainingData.Layer(
                        run,
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        settings.getOrDefault(run, Map.of()),
                        index,
                        spec,
                        rs.getDouble(15),
                        layerPower.getOrDefault(run, Map.of()).getOrDefault(index, Map.of()),
                        Sql.real(rs, 17)));
              });
          Map<Long, Map<String, Double>> power = new HashMap<>();
          Map<Long, Map<String, Double>> energy = new HashMap<>();
          Map<Long, String> total = new HashMap<>();
          query(
              scope
                  + "SELECT t.run_id, t.rail, t.total, t.power_mw_mean, t.energy_mj_trapezoid"
                  + " FROM inference_results t JOIN sc ON sc.run_id = t.run_id"
                  + " WHERE t.power_mw_mean IS NOT NULL ORDER BY t.run_id, t.rail_index",
              rs -> {
                long run = rs.getLong(1);
                power
                    .computeIfAbsent(run, k -> new LinkedHashMap<>())
                    .put(rs.getString(2), rs.getDouble(4));
                double e = rs.getDouble(5);
                if (!rs.wasNull()) {
                  energy.computeIfAbsent(run, k -> new LinkedHashMap<>()).put(rs.getString(2), e);
                }
                if (rs.getBoolean(3)) {
                  total.put(run, rs.getString(2));
                }
              });
          List<TrainingData.Network> networks = new ArrayList<>();
          query(
              scope
                  + "SELECT r.run_id, sc.board, sc.study, r.model, r.latency_ms_mean,"
                  + " r.latency_ms_p50 FROM runs r"
                  + " JOIN sc ON sc.run_id = r.run_id WHERE r.latency_ms_mean IS NOT NULL"
                  + " ORDER BY r.run_id",
              rs -> {
                long run = rs.getLong(1);
                networks.add(
                    new TrainingData.Network(
                        run,
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        settings.getOrDefault(run, Map.of()),
                        rs.getDouble(5),
                        total.get(run),
                        power.getOrDefault(run, Map.of()),
                        energy.getOrDefault(run, Map.of()),
                        Sql.real(rs, 6)));
              });
          return new TrainingData(layers, networks);
        });
  }

  /** Saves {@code m} (its id is ignored) with its folds and points in one transaction. */
  long save(StoredModel m) {
    try {
      return Transactions.inTransaction(
          conn,
          () -> {
            long id;
            try (Statement st = conn.createStatement();
                ResultSet rs =
                    st.executeQuery("SELECT coalesce(max(model_id), 0) + 1 FROM models")) {
              rs.next();
              id = rs.getLong(1);
            }
            try (PreparedStatement ps =
                conn.prepareStatement(
                    "INSERT INTO models VALUES (?, make_timestamp(?), ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
              ps.setLong(1, id);
              ps.setLong(2, Sql.epochMicros(m.createdAt()));
              ps.setString(3, m.board());
              ps.setString(4, m.study());
              ps.setString(5, String.join(",", m.rails()));
              ps.setLong(6, m.trainingRows());
              ps.setLong(7, m.trainingRuns());
              ps.setString(8, m.features());
              ps.setString(9, m.learners());
              ps.setInt(10, m.format());
              ps.setString(11, m.body());
              ps.executeUpdate();
            }
            try (PreparedStatement ps =
                conn.prepareStatement(
                    "INSERT INTO model_folds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
              for (StoredModel.Fold f : m.folds()) {
                ps.setLong(1, id);
                ps.setString(2, f.layerType());
                ps.setString(3, f.target());
                ps.setString(4, f.learner());
                ps.setInt(5, f.fold());
                ps.setInt(6, f.rowsHeldOut());
                if (Double.isFinite(f.medianAbsErrorPct())) {
                  ps.setDouble(7, f.medianAbsErrorPct());
                } else {
                  ps.setNull(7, java.sql.Types.DOUBLE);
                }
                ps.setBoolean(8, f.chosen());
                ps.setString(9, f.hyperParameters());
                ps.addBatch();
              }
              ps.executeBatch();
            }
            try (PreparedStatement ps =
                conn.prepareStatement("INSERT INTO model_points VALUES (?, ?, ?, ?, ?, ?)")) {
              int position = 0;
              for (StoredModel.Point p : m.points()) {
                ps.setLong(1, id);
                ps.setString(2, p.layerType());
                ps.setString(3, p.target());
                ps.setInt(4, position++);
                ps.setDouble(5, p.measured());
                ps.setDouble(6, p.predicted());
                ps.addBatch();
              }
              ps.executeBatch();
            }
            return id;
          });
    } catch (SQLException e) {
      throw new StoreException(
          "cannot save the model in measurement base " + file + ": " + e.getMessage(), e);
    }
  }

  /** Every stored model, oldest first, without folds, points or body. */
  List<StoredModel> list() {
    return Sql.reading(
        file,
        "list the models",
        () -> {
          List<StoredModel> out = new ArrayList<>();
          query(
              "SELECT model_id, epoch_us(created_at), board, study, rails, training_rows,"
                  + " training_runs, features, learners, format FROM models ORDER BY model_id",
              rs -> out.add(row(rs, "", List.of(), List.of())));
          return out;
        });
  }

  /** Model {@code id} with its folds, points and body, or the newest when {@code id} is 0. */
  Optional<StoredModel> read(long id) {
    return Sql.reading(
        file,
        "read model " + id,
        () -> {
          long wanted = id;
          if (wanted == 0) {
            List<Long> ids = new ArrayList<>();
            query("SELECT max(model_id) FROM models", rs -> ids.add(rs.getLong(1)));
            wanted = ids.isEmpty() ? 0 : ids.get(0);
          }
          List<StoredModel.Fold> folds = new ArrayList<>();
          Sql.each(
              conn,
              "SELECT layer_type, target, learner, fold, rows_held_out, median_abs_error_pct, chosen,"
                  + " hyper_parameters FROM model_folds WHERE model_id = ?"
                  + " ORDER BY layer_type, target, learner, fold",
              wanted,
              rs ->
                  folds.add(
                      new StoredModel.Fold(
                          rs.getString(1),
                          rs.getString(2),
                          rs.getString(3),
                          rs.getInt(4),
                          rs.getInt(5),
                          Sql.real(rs, 6),
                          rs.getBoolean(7),
                          rs.getString(8))));
          List<StoredModel.Point> points = new ArrayList<>();
          Sql.each(
              conn,
              "SELECT layer_type, target, measured, predicted FROM model_points WHERE model_id = ?"
                  + " ORDER BY position",
              wanted,
              rs ->
                  points.add(
                      new StoredModel.Point(
                          rs.getString(1), rs.getString(2), rs.getDouble(3), rs.getDouble(4))));
          List<StoredModel> out = new ArrayList<>();
          Sql.each(
              conn,
              "SELECT model_id, epoch_us(created_at), board, study, rails, training_rows,"
                  + " training_runs, features, learners, format, body FROM models WHERE model_id = ?",
              wanted,
              rs -> out.add(row(rs, rs.getString(11), folds, points)));
          return out.stream().findFirst();
        });
  }

  private static StoredModel row(
      ResultSet rs, String body, List<StoredModel.Fold> folds, List<StoredModel.Point> points)
      throws SQLException {
    String rails = rs.getString(5);
    return new StoredModel(
        rs.getLong(1),
        Sql.instant(rs.getLong(2)),
        rs.getString(3),
        rs.getString(4),
        rails.isEmpty() ? List.of() : Arrays.asList(rails.split(",")),
        rs.getLong(6),
        rs.getLong(7),
        rs.getString(8),
        rs.getString(9),
        rs.getInt(10),
        body,
        folds,
        points);
  }

  private void query(String sql, Sql.RowReader reader) throws SQLException {
    try (Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        reader.read(rs);
      }
    }
  }
}
