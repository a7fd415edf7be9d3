package io.inferwatt.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code profile} found beyond the analysis on a virtual board or a board with an energy
 * counter, as stored (schema v8): the errors against the board's truth, and each layer's energy
 * with the method that produced it.
 *
 * @param truth the errors against a virtual board's truth; empty on a real board
 * @param layers per-layer energy by method; empty when no slow-sensor method ran
 */
public record MethodChecks(Optional<TruthErrors> truth, List<LayerMethod> layers) {

  public MethodChecks {
    layers = List.copyOf(layers);
  }

  /**
   * The errors of a run against its virtual board's truth on one rail.
   *
   * @param rail the rail compared
   * @param truthLatencyMs the board's true latency per inference, ms
   * @param truthEnergyMj the board's true energy per inference, mJ
   * @param energyMethod what gave the per-inference energy ({@code counter}, {@code trapezoid})
   * @param energyMj that energy, mJ
   * @param energyErrorPct its error against the truth, %
   * @param layersCompared layers above 1 % of the energy that were compared
   * @param layerPowerMedianErrorPct median per-layer power error, %
   * @param layerPowerMaxErrorPct largest per-layer power error, %
   * @param layerPowerMaxErrorIndex the layer with it (-1 when none)
   * @param layerEnergyMaxErrorPct largest per-layer energy error, %
   * @param paperEnergyMaxErrorPct the paper's mapping's largest per-layer energy error, %
   */
  public record TruthErrors(
      String rail,
      double truthLatencyMs,
      double truthEnergyMj,
      String energyMethod,
      double energyMj,
      double energyErrorPct,
      int layersCompared,
      double layerPowerMedianErrorPct,
      double layerPowerMaxErrorPct,
      int layerPowerMaxErrorIndex,
      double layerEnergyMaxErrorPct,
      double paperEnergyMaxErrorPct) {}

  /**
   * One layer's energy per inference on one rail with its method.
   *
   * @param index the layer's position in the network
   * @param rail the rail
   * @param method {@code prefix}, {@code window}, {@code buffer-window} or {@code paper}
   * @param energyMj energy per inference, mJ
   * @param halfWidthMj half the 95 % confidence interval, mJ (NaN when unknown)
   * @param paperMj the paper's mapping on the same recording, mJ (NaN when unknown)
   */
  public record LayerMethod(
      int index, String rail, String method, double energyMj, double halfWidthMj, double paperMj) {}

  static void save(Connection conn, long runId, MethodChecks c) throws SQLException {
    if (c.truth().isPresent()) {
      TruthErrors t = c.truth().get();
      try (PreparedStatement ps =
          conn.prepareStatement(
              "INSERT INTO run_truth (run_id, rail, truth_latency_ms, truth_energy_mj,"
                  + " energy_method, energy_mj, energy_error_pct, layers_compared,"
                  + " layer_power_median_error_pct, layer_power_max_error_pct,"
                  + " layer_power_max_error_index, layer_energy_max_error_pct,"
                  + " paper_energy_max_error_pct) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setLong(1, runId);
        ps.setString(2, t.rail());
        Sql.real(ps, 3, t.truthLatencyMs());
        Sql.real(ps, 4, t.truthEnergyMj());
        ps.setString(5, t.energyMethod());
        Sql.real(ps, 6, t.energyMj());
        Sql.real(ps, 7, t.energyErrorPct());
        ps.setInt(8, t.layersCompared());
        Sql.real(ps, 9, t.layerPowerMedianErrorPct());
        Sql.real(ps, 10, t.layerPowerMaxErrorPct());
        ps.setInt(11, t.layerPowerMaxErrorIndex());
        Sql.real(ps, 12, t.layerEnergyMaxErrorPct());
        Sql.real(ps, 13, t.paperEnergyMaxErrorPct());
        ps.executeUpdate();
      }
    }
    try (PreparedStatement ps =
        conn.prepareStatement(
            "INSERT INTO run_layer_methods (run_id, layer_index, rail, method, energy_mj,"
                + " ci95_half_width_mj, paper_energy_mj) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      for (LayerMethod l : c.layers()) {
        ps.setLong(1, runId);
        ps.setInt(2, l.index());
        ps.setString(3, l.rail());
        ps.setString(4, l.method());
        Sql.real(ps, 5, l.energyMj());
        Sql.real(ps, 6, l.halfWidthMj());
        Sql.real(ps, 7, l.paperMj());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  static Optional<MethodChecks> load(Connection conn, long runId) throws SQLException {
    Optional<TruthErrors> truth = Optional.empty();
    try (PreparedStatement ps =
        conn.prepareStatement("SELECT * FROM run_truth WHERE run_id = ? ORDER BY rail")) {
      ps.setLong(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          truth =
              Optional.of(
                  new TruthErrors(
                      rs.getString("rail"),
                      Sql.real(rs, "truth_latency_ms"),
                      Sql.real(rs, "truth_energy_mj"),
                      rs.getString("energy_method"),
                      Sql.real(rs, "energy_mj"),
                      Sql.real(rs, "energy_error_pct"),
                      rs.getInt("layers_compared"),
                      Sql.real(rs, "layer_power_median_error_pct"),
                      Sql.real(rs, "layer_power_max_error_pct"),
                      rs.getInt("layer_power_max_error_index"),
                      Sql.real(rs, "layer_energy_max_error_pct"),
                      Sql.real(rs, "paper_energy_max_error_pct")));
        }
      }
    }
    List<LayerMethod> layers = new ArrayList<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT * FROM run_layer_methods WHERE run_id = ? ORDER BY layer_index, rail")) {
      ps.setLong(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          layers.add(
              new LayerMethod(
                  rs.getInt("layer_index"),
                  rs.getString("rail"),
                  rs.getString("method"),
                  Sql.real(rs, "energy_mj"),
                  Sql.real(rs, "ci95_half_width_mj"),
                  Sql.real(rs, "paper_energy_mj")));
        }
      }
    }
    if (truth.isEmpty() && layers.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new MethodChecks(truth, layers));
  }
}
