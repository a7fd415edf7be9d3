package io.inferwatt.store;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.LayerEvent;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.Phases;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.AnalysisResult.InferenceSummary;
import io.inferwatt.core.analysis.AnalysisResult.LatencyMs;
import io.inferwatt.core.analysis.AnalysisResult.MappingInfo;
import io.inferwatt.core.analysis.AnalysisResult.Unattributed;
import io.inferwatt.core.analysis.Analyzer;
import io.inferwatt.core.analysis.Estimate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** Recordings and results for the store's tests, built by hand in virtual time. */
final class Fixtures {

  static final long MS = 1_000_000L;
  static final List<String> RAILS = List.of("in", "gpu", "cpu");

  private Fixtures() {}

  /**
   * A small recording of the whole protocol on three rails: warm-up, latency, power, layers and
   * idle phases; inferences of 4.5 ms (three layers of 1, 2 and 1 ms and a 0.5 ms tail) every 6 ms;
   * a sample every 0.1 ms whose power depends on what runs.
   */
  static Timeline timeline() {
    return timeline(0);
  }

  /**
   * {@link #timeline()} with the layer phase's last {@code conv2} longer by {@code slowCycleNs}: a
   * cycle that waited for something else, which moves the layer's mean and not its median.
   */
  static Timeline timeline(long slowCycleNs) {
    EventLog.Builder events = EventLog.builder();
    String[] phases = {Phases.WARMUP, Phases.LATENCY, Phases.POWER, Phases.LAYERS};
    long seq = 0;
    long t = 0;
    for (String phase : phases) {
      long start = t;
      for (int i = 0; i < 8; i++) {
        long s = t + MS / 2;
        events.inference(new InferenceEvent(seq, s, s + 9 * MS / 2, 1));
        if (phase.equals(Phases.LAYERS)) {
          events.layer(new LayerEvent(seq, 0, "conv1", "Conv", MS, OptionalLong.empty()));
          long conv2 = 2 * MS + (i == 7 ? slowCycleNs : 0);
          events.layer(new LayerEvent(seq, 1, "conv2", "Conv", conv2, OptionalLong.empty()));
          events.layer(new LayerEvent(seq, 2, "fc", "", MS, OptionalLong.empty()));
        }
        seq++;
        t += 6 * MS;
      }
      events.phase(new PhaseEvent(phase, start, t));
    }
    events.phase(new PhaseEvent(Phases.IDLE, t, t + 20 * MS));
    long end = t + 20 * MS;
    EventLog log = events.build();

    List<PowerSample> samples = new ArrayList<>();
    for (long ts = 0; ts <= end; ts += MS / 10) {
      long inCycle = ts % (6 * MS);
      boolean busy = ts < t && inCycle >= MS / 2 && inCycle < 5 * MS;
      double wiggle = (ts / (MS / 10)) % 7;
      double gpu = busy ? 2000 + 50 * wiggle + inCycle / 10_000.0 : 300 + wiggle;
      double cpu = busy ? 800 + 10 * wiggle : 400 + wiggle;
      long readEnd = ts + 20_000;
      samples.add(
          new PowerSample(ts, ts + 5_000, readEnd, new double[] {gpu + cpu + 900, gpu, cpu}));
    }
    return new Timeline(RAILS, samples, log);
  }

  /**
   * Runs {@code sql} on the open store's file through a connection of its own (same process, same
   * configuration: DuckDB shares the database), to look at the tables the store wrote.
   */
  /**
   * {@code r} as the base keeps it: the mapping's boxcar search points without the estimated
   * response's shape (its columns wait for schema v7).
   */
  static AnalysisResult kept(AnalysisResult r) {
    AnalysisResult.MappingInfo m = r.mapping();
    AnalysisResult.MappingInfo k =
        new AnalysisResult.MappingInfo(
            m.method(),
            m.windowMs(),
            m.offsetMs(),
            m.estimatedWindowMs(),
            m.estimatedOffsetMs(),
            m.conditionNumber(),
            m.resolvable(),
            m.reason(),
            m.residualCurve().stream().filter(p -> p.response().equals("boxcar")).toList(),
            "",
            Double.NaN);
    return new AnalysisResult(
        r.rails(),
        r.simulated(),
        r.inferences(),
        r.layers(),
        r.unattributed(),
        r.idlePowerMw(),
        r.phases(),
        r.samplePeriodMs(),
        r.minSamplesPerLayer(),
        r.cyclesNeeded(),
        k,
        r.warnings());
  }

  static QueryResult query(MeasurementStore store, String sql) {
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection("jdbc:duckdb:" + ((DuckDbStore) store).file());
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery(sql)) {
      java.sql.ResultSetMetaData md = rs.getMetaData();
      List<String> cols = new ArrayList<>();
      List<String> types = new ArrayList<>();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        cols.add(md.getColumnLabel(i));
        types.add(md.getColumnTypeName(i));
      }
      List<List<String>> rows = new ArrayList<>();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= cols.size(); i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
      return new QueryResult(cols, types, rows);
    } catch (java.sql.SQLException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  static AnalysisResult analyzed(Timeline timeline, boolean simulated) {
    return Analyzer.analyze(timeline, simulated, AnalysisOptions.defaults());
  }

  /** A hand-built result on {@code rails}: each rail's power is {@code powerMw}, plus its index. */
  static AnalysisResult result(List<String> rails, double latencyMs, double powerMw) {
    Map<String, Estimate> power = new LinkedHashMap<>();
    Map<String, Double> energy = new LinkedHashMap<>();
    Map<String, Estimate> none = new LinkedHashMap<>();
    for (int i = 0; i < rails.size(); i++) {
      double p = powerMw + i;
      power.put(rails.get(i), new Estimate(p, p - 1, p + 1, 10));
      energy.put(rails.get(i), p * latencyMs / 1000);
      none.put(rails.get(i), Estimate.NONE);
    }
    return new AnalysisResult(
        rails,
        false,
        new InferenceSummary(
            10,
            1,
            new LatencyMs(10, latencyMs, latencyMs, latencyMs, latencyMs, latencyMs, latencyMs),
            power,
            energy,
            energy,
            10),
        List.of(),
        new Unattributed(0, Double.NaN, none),
        none,
        List.of(),
        Double.NaN,
        AnalysisOptions.PAPER_MIN_SAMPLES,
        -1,
        MappingInfo.PAPER,
        List.of());
  }

  /** A run whose total rail is {@code in} when it has one (as a Jetson's INA3221 marks it). */
  static RunInput run(String board, String model, Instant startedAt, AnalysisResult result) {
    return run(board, model, startedAt, result, result.rails().contains("in") ? "in" : "");
  }

  static RunInput run(
      String board, String model, Instant startedAt, AnalysisResult result, String totalRail) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("cpu_cores", "4");
    settings.put("gpu_freq_hz", "921600000");
    settings.put("batch", "1");
    settings.put("execution", "sync");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("os", "Linux");
    env.put("kernel", "4.9.253-tegra");
    env.put("java", "17.0.15");
    return new RunInput(
        board,
        result.simulated(),
        model,
        settings,
        startedAt,
        "0.1.0-SNAPSHOT",
        env,
        result,
        totalRail,
        java.util.Optional.empty());
  }
}
