package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the numbers a report's SVG figures carry in their tooltips against values read from the
 * base with SQL written here, not through the store's readers or the report's model: per-rail
 * means, per-inference distributions (box plots: quartiles by DuckDB's {@code quantile_cont}), the
 * raw samples of Fig. 2 and the Pareto chart's points. Tooltips print 3 decimals, so a number
 * agrees when it is within half of the last digit.
 */
final class FigureNumbers implements AutoCloseable {
  private static final double HALF_DIGIT = 0.0005 + 1e-9;
  private static final Pattern TITLE = Pattern.compile("<title>([^<]*)</title>");
  private static final Pattern NUMBER = Pattern.compile("-?\\d+\\.\\d+");

  private final Connection db;
  private final String html;
  private final String study;
  private final String total;
  private int checked;

  FigureNumbers(String dbFile, String html, String study) throws SQLException {
    Properties p = new Properties();
    p.setProperty("duckdb.read_only", "true");
    this.db = DriverManager.getConnection("jdbc:duckdb:" + dbFile, p);
    this.html = html;
    this.study = study;
    this.total =
        rows("SELECT DISTINCT rail FROM inference_results WHERE total")
            .get(0)
            .get("rail")
            .toString();
  }

  /** How many numbers of the figures were compared. */
  int checked() {
    return checked;
  }

  // ------------------------------------------------------------------ the page

  /** The SVGs of section {@code id}, in order. */
  List<String> svgs(String id) {
    String s = html.substring(html.indexOf("id=\"" + id + "\""));
    s = s.substring(0, s.indexOf("</section>"));
    List<String> out = new ArrayList<>();
    for (String part : s.split("<svg")) {
      if (part.contains("</svg>")) {
        out.add(part.substring(0, part.indexOf("</svg>")));
      }
    }
    return out;
  }

  /** The tooltips of {@code svg} that start with {@code series + ", "} or {@code series + " "}. */
  static List<String> titles(String svg, String prefix) {
    List<String> out = new ArrayList<>();
    Matcher m = TITLE.matcher(svg);
    while (m.find()) {
      String t = m.group(1).replace("&amp;", "&");
      if (t.startsWith(prefix)) {
        out.add(t.substring(prefix.length()));
      }
    }
    return out;
  }

  static List<Double> numbers(String text) {
    List<Double> out = new ArrayList<>();
    Matcher m = NUMBER.matcher(text);
    while (m.find()) {
      out.add(Double.parseDouble(m.group()));
    }
    return out;
  }

  private void same(double shown, double stored, String what) {
    assertThat(shown).as(what).isCloseTo(stored, within(HALF_DIGIT));
    checked++;
  }

  // ------------------------------------------------------------------ SQL

  private List<Map<String, Object>> rows(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<Map<String, Object>> out = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= n; i++) {
            row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
          }
          out.add(row);
        }
        return out;
      }
    }
  }

  private static double d(Object o) {
    return ((Number) o).doubleValue();
  }

  /**
   * The members of a slice, in order: run, setting {@code key}, latency, batch, total power,
   * energy.
   */
  private List<Map<String, Object>> slice(String label, String key) throws SQLException {
    return rows(
        "SELECT m.member, c.run_id, r.model, s.value AS setting, r.latency_ms_mean,"
            + " CAST(b.value AS INTEGER) AS batch, i.power_mw_mean, i.energy_mj_paper"
            + " FROM study_slices m"
            + " JOIN study_configurations c ON c.study_id = m.study_id AND c.config_key = m.config_key"
            + " JOIN runs r ON r.run_id = c.run_id"
            + " LEFT JOIN run_settings s ON s.run_id = r.run_id AND s.key = ?"
            + " JOIN run_settings b ON b.run_id = r.run_id AND b.key = 'batch'"
            + " JOIN inference_results i ON i.run_id = r.run_id AND i.total"
            + " WHERE m.study_id = ? AND m.label = ? ORDER BY m.member",
        key,
        study,
        label);
  }

  // ------------------------------------------------------------------ figures

  /** Fig. 4: the total rail's power, energy and latency per input of each core count. */
  void coresSweep() throws SQLException {
    List<String> svgs = svgs("fig4");
    List<Map<String, Object>> members = slice("cores", "cpu.cores");
    assertThat(members).isNotEmpty();
    List<String> power = titles(svgs.get(0), total + " rail, ");
    List<String> energy = titles(svgs.get(1), total + " rail, ");
    List<String> latency = titles(svgs.get(2), "mean latency, ");
    assertThat(power).hasSameSizeAs(members);
    for (int i = 0; i < members.size(); i++) {
      Map<String, Object> m = members.get(i);
      int batch = (Integer) m.get("batch");
      assertThat(power.get(i)).startsWith(m.get("setting") + ": ");
      same(numbers(power.get(i)).get(0), d(m.get("power_mw_mean")), "fig4 power " + m);
      same(numbers(energy.get(i)).get(0), d(m.get("energy_mj_paper")) / batch, "fig4 energy " + m);
      same(
          numbers(latency.get(i)).get(0), d(m.get("latency_ms_mean")) / batch, "fig4 latency " + m);
    }
  }

  /**
   * A figure of box plots ({@code svgs}: power, latency, energy): each box's median, quartiles,
   * extremes, mean and n against the inference records of the run whose settings the category
   * names.
   */
  void boxes(String figure, String slice, Map<String, Map<String, String>> categories)
      throws SQLException {
    List<String> svgs = svgs(figure);
    String[] series = {"power, ", "latency, ", "energy, "};
    for (Map.Entry<String, Map<String, String>> cat : categories.entrySet()) {
      long run = run(slice, cat.getValue());
      int batch =
          Integer.parseInt(
              rows("SELECT value FROM run_settings WHERE run_id = ? AND key = 'batch'", run)
                  .get(0)
                  .get("value")
                  .toString());
      String[] values = {
        "SELECT rr.power_mw_mean AS v FROM inference_records ir JOIN inference_rail_records rr"
            + " ON rr.run_id = ir.run_id AND rr.seq = ir.seq AND rr.rail = '"
            + total
            + "' WHERE ir.run_id = ? AND ir.phase = 'power'",
        "SELECT latency_ms / "
            + batch
            + " AS v FROM inference_records WHERE run_id = ? AND phase = 'latency'",
        "SELECT rr.energy_mj / "
            + batch
            + " AS v FROM inference_records ir JOIN inference_rail_records rr"
            + " ON rr.run_id = ir.run_id AND rr.seq = ir.seq AND rr.rail = '"
            + total
            + "' WHERE ir.run_id = ? AND ir.phase = 'power'"
      };
      for (int k = 0; k < 3; k++) {
        List<String> t = titles(svgs.get(k), series[k] + cat.getKey() + ": ");
        assertThat(t).as(figure + " " + series[k] + cat.getKey()).hasSize(1);
        Map<String, Object> q =
            rows(
                    "SELECT quantile_cont(v, 0.5) AS med, quantile_cont(v, 0.25) AS q1,"
                        + " quantile_cont(v, 0.75) AS q3, min(v) AS lo, max(v) AS hi,"
                        + " avg(v) AS mean, count(v) AS n FROM ("
                        + values[k]
                        + ")",
                    run)
                .get(0);
        List<Double> shown = numbers(t.get(0));
        String what = figure + " " + series[k] + cat.getKey();
        same(shown.get(0), d(q.get("med")), what + " median");
        same(shown.get(1), d(q.get("q1")), what + " q1");
        same(shown.get(2), d(q.get("q3")), what + " q3");
        same(shown.get(3), d(q.get("lo")), what + " min");
        same(shown.get(4), d(q.get("hi")), what + " max");
        same(shown.get(5), d(q.get("mean")), what + " mean");
        assertThat(t.get(0)).endsWith("(n = " + q.get("n") + ")");
      }
    }
  }

  /** The run of slice {@code slice} whose settings include {@code settings}. */
  private long run(String slice, Map<String, String> settings) throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            "SELECT c.run_id FROM study_slices m JOIN study_configurations c"
                + " ON c.study_id = m.study_id AND c.config_key = m.config_key"
                + " WHERE m.study_id = ? AND m.label = ?");
    List<Object> args = new ArrayList<>(List.of(study, slice));
    settings.forEach(
        (k, v) -> {
          sql.append(
              " AND EXISTS (SELECT 1 FROM run_settings s WHERE s.run_id = c.run_id"
                  + " AND s.key = ? AND s.value = ?)");
          args.add(k);
          args.add(v);
        });
    List<Map<String, Object>> r = rows(sql.toString(), args.toArray());
    assertThat(r).as(slice + " " + settings).hasSize(1);
    return ((Number) r.get(0).get("run_id")).longValue();
  }

  /** Fig. 8: each network's point (latency, power) and its energy bar. */
  void networks() throws SQLException {
    List<String> svgs = svgs("fig8");
    List<Map<String, Object>> members = slice("networks", "batch");
    assertThat(members).isNotEmpty();
    for (Map<String, Object> m : members) {
      String model = m.get("model").toString();
      List<String> point = titles(svgs.get(0), model + " " + model + ": ");
      assertThat(point).as(model).hasSize(1);
      List<Double> xy = numbers(point.get(0));
      same(xy.get(0), d(m.get("latency_ms_mean")), "fig8 latency " + model);
      same(xy.get(1), d(m.get("power_mw_mean")), "fig8 power " + model);
      List<String> bar = titles(svgs.get(1), total + " rail, " + model + ": ");
      same(
          numbers(bar.get(0)).get(0),
          d(m.get("energy_mj_paper")) / (Integer) m.get("batch"),
          "fig8 energy " + model);
    }
  }

  /**
   * Fig. 2: every raw sample drawn is a stored sample of the run named in the chart's title, in
   * order and without a gap, at its time relative to the first one drawn; and each layer's mapped
   * mean in the second chart is the stored layer result.
   */
  void powerTrace() throws SQLException {
    List<String> svgs = svgs("fig2");
    Matcher m = Pattern.compile("aria-label=\"Power of run (\\d+)").matcher(svgs.get(0));
    assertThat(m.find()).isTrue();
    long run = Long.parseLong(m.group(1));
    List<String> drawn = titles(svgs.get(0), total + " rail: ");
    assertThat(drawn).hasSizeGreaterThan(10);
    List<Map<String, Object>> stored =
        rows(
            "SELECT t_ns, power_mw FROM power_samples WHERE run_id = ? AND rail = ?"
                + " AND power_mw IS NOT NULL ORDER BY t_ns",
            run,
            total);
    double[] x = new double[drawn.size()];
    double[] y = new double[drawn.size()];
    for (int i = 0; i < drawn.size(); i++) {
      List<Double> xy = numbers(drawn.get(i));
      x[i] = xy.get(0);
      y[i] = xy.get(1);
    }
    int at = -1;
    for (int k = 0; k + drawn.size() <= stored.size() && at < 0; k++) {
      boolean all = true;
      long t0 = ((Number) stored.get(k).get("t_ns")).longValue();
      for (int i = 0; i < drawn.size() && all; i++) {
        Map<String, Object> s = stored.get(k + i);
        double dt = (((Number) s.get("t_ns")).longValue() - t0) / 1e6;
        all =
            Math.abs(y[i] - d(s.get("power_mw"))) <= HALF_DIGIT
                && Math.abs((x[i] - x[0]) - dt) <= 2 * HALF_DIGIT;
      }
      if (all) {
        at = k;
      }
    }
    assertThat(at)
        .as("the drawn samples are a run of stored samples of run " + run)
        .isNotNegative();
    checked += 2 * drawn.size();
    List<String> mapped = titles(svgs.get(1), "mapped power, ");
    assertThat(mapped).isNotEmpty();
    for (String t : mapped) {
      int layer = Integer.parseInt(t.substring(0, t.indexOf(':')));
      double shown = numbers(t.substring(t.indexOf(':'))).get(0);
      List<Map<String, Object>> r =
          rows(
              "SELECT power_mw_mean FROM layer_rail_results WHERE run_id = ? AND layer_index = ?"
                  + " AND rail = ?",
              run,
              layer,
              total);
      same(shown, d(r.get(0).get("power_mw_mean")), "fig2 layer " + layer);
    }
  }

  /** The Pareto chart: one grey point per configuration with the base's network and input. */
  void pareto(String model, String input) throws SQLException {
    List<String> drawn = titles(svgs("pareto").get(0), "configuration: ");
    List<Map<String, Object>> configs =
        rows(
            "SELECT r.latency_ms_mean / CAST(b.value AS INTEGER) AS lat,"
                + " i.energy_mj_paper / CAST(b.value AS INTEGER) AS e"
                + " FROM study_configurations c JOIN runs r ON r.run_id = c.run_id"
                + " JOIN run_settings b ON b.run_id = r.run_id AND b.key = 'batch'"
                + " JOIN run_settings n ON n.run_id = r.run_id AND n.key = 'input' AND n.value = ?"
                + " JOIN inference_results i ON i.run_id = r.run_id AND i.total"
                + " WHERE c.study_id = ? AND r.model = ? ORDER BY c.position",
            input,
            study,
            model);
    assertThat(drawn).hasSameSizeAs(configs);
    for (int i = 0; i < drawn.size(); i++) {
      List<Double> xy = numbers(drawn.get(i));
      same(xy.get(0), d(configs.get(i).get("lat")), "pareto latency " + i);
      same(xy.get(1), d(configs.get(i).get("e")), "pareto energy " + i);
    }
  }

  @Override
  public void close() throws SQLException {
    db.close();
  }
}
