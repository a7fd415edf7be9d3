package io.inferwatt.store;

import static io.inferwatt.store.Fixtures.RAILS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.Estimate;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeasurementStoreTest {

  private static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456789Z");

  /** Tables that hold rows of a run. */
  private static final List<String> RUN_TABLES =
      List.of(
          "runs",
          "run_settings",
          "run_environment",
          "run_warnings",
          "mapping_residuals",
          "inference_results",
          "layer_results",
          "layer_rail_results",
          "phase_results",
          "phase_rail_results",
          "sample_rails",
          "power_reads",
          "power_samples");

  @TempDir Path dir;

  private Path base() {
    return dir.resolve("runs.duckdb");
  }

  @Test
  void analysedRunComesBackWhole() {
    Timeline timeline = Fixtures.timeline();
    AnalysisResult result = Fixtures.analyzed(timeline, true);
    assertThat(result.layers()).hasSize(3);
    assertThat(result.phases()).hasSize(5);
    assertThat(result.warnings()).isNotEmpty();
    assertThat(result.layers().get(1).samples()).isPositive();
    assertThat(result.layers().get(1).powerMw().get("gpu").ci95Low()).isGreaterThan(2000);
    assertThat(result.inferences().energyMj().get("in")).isPositive();
    assertThat(result.phases().get(4).energyMj().get("cpu")).isPositive();
    assertThat(result.idlePowerMw().get("gpu").n()).isPositive();
    RunInput run = Fixtures.run("jetson-nano", "resnet18", T0, result);

    try (MeasurementStore store = MeasurementStore.open(base())) {
      long id = store.saveRun(run);
      StoredRun back = store.run(id).orElseThrow();

      assertThat(back.result()).isEqualTo(Fixtures.kept(result));
      assertThat(back.id()).isEqualTo(id);
      assertThat(back.board()).isEqualTo("jetson-nano");
      assertThat(back.simulated()).isTrue();
      assertThat(back.model()).isEqualTo("resnet18");
      assertThat(back.toolVersion()).isEqualTo("0.1.0-SNAPSHOT");
      assertThat(back.startedAt()).isEqualTo(T0.truncatedTo(ChronoUnit.MICROS));
      assertThat(back.settings())
          .containsExactly(
              entry("cpu_cores", "4"),
              entry("gpu_freq_hz", "921600000"),
              entry("batch", "1"),
              entry("execution", "sync"));
      assertThat(back.environment())
          .containsExactly(
              entry("os", "Linux"), entry("kernel", "4.9.253-tegra"), entry("java", "17.0.15"));
      assertThat(back.result().rails()).containsExactly("in", "gpu", "cpu");
      assertThat(back.result().layers().get(1).powerMw().keySet())
          .containsExactly("in", "gpu", "cpu");
      assertThat(back.samplesStored()).isZero();
      assertThat(store.run(id + 1)).isEmpty();
    }
  }

  @Test
  void notMeasuredIsNullInTheBaseAndNanInJava() {
    // no samples at all: latency only, every power and energy not measured
    Timeline noPower = new Timeline(RAILS, List.of(), Fixtures.timeline().events());
    AnalysisResult result = Fixtures.analyzed(noPower, false);
    assertThat(result.inferences().powerMw().get("gpu")).isEqualTo(Estimate.NONE);
    assertThat(result.inferences().latencyMs().mean()).isPositive();

    try (MeasurementStore store = MeasurementStore.open(base())) {
      long id = store.saveRun(Fixtures.run("jetson-nano", "resnet18", T0, result));

      QueryResult q =
          Fixtures.query(
              store,
              "SELECT rail, power_mw_mean, power_mw_ci95_low, energy_mj_trapezoid, energy_mj_paper,"
                  + " power_n FROM inference_results ORDER BY rail_index");
      assertThat(q.rows())
          .containsExactly(
              java.util.Arrays.asList("in", null, null, null, null, "0"),
              java.util.Arrays.asList("gpu", null, null, null, null, "0"),
              java.util.Arrays.asList("cpu", null, null, null, null, "0"));
      assertThat(
              Fixtures.query(
                      store,
                      "SELECT count(*) FROM layer_rail_results WHERE power_mw_mean IS NULL"
                          + " AND energy_mj IS NULL")
                  .rows())
          .containsExactly(List.of("9"));
      assertThat(Fixtures.query(store, "SELECT sample_period_ms, cycles_needed FROM runs").rows())
          .containsExactly(java.util.Arrays.asList(null, null));
      assertThat(
              Fixtures.query(
                      store, "SELECT count(*) FROM inference_results WHERE isnan(power_mw_mean)")
                  .rows())
          .containsExactly(List.of("0"));

      StoredRun back = store.run(id).orElseThrow();
      assertThat(back.result()).isEqualTo(Fixtures.kept(result));
      assertThat(back.result().inferences().powerMw().get("in").mean()).isNaN();
      assertThat(back.result().samplePeriodMs()).isNaN();
      assertThat(back.result().cyclesNeeded()).isEqualTo(-1);
      assertThat(back.result().layers().get(0).powerMw().get("gpu")).isEqualTo(Estimate.NONE);
    }
  }

  @Test
  void runsAreListedOldestFirstWithTheirTotalRail() {
    try (MeasurementStore store = MeasurementStore.open(base())) {
      long late =
          store.saveRun(
              Fixtures.run(
                  "jetson-nano", "vgg16", T0.plusSeconds(60), Fixtures.result(RAILS, 40, 5000)));
      long early =
          store.saveRun(
              Fixtures.run(
                  "rtx-4090",
                  "resnet18",
                  T0,
                  Fixtures.result(List.of("gpu", "mem"), 2, 300_000),
                  "gpu"));
      long tie =
          store.saveRun(
              Fixtures.run(
                  "linux-cpu", "mobilenet", T0.plusSeconds(60), Fixtures.result(List.of(), 9, 0)));

      List<RunRow> rows = store.runs();

      assertThat(rows).extracting(RunRow::id).containsExactly(early, late, tie);
      RunRow nano = rows.get(1);
      assertThat(nano.board()).isEqualTo("jetson-nano");
      assertThat(nano.model()).isEqualTo("vgg16");
      assertThat(nano.simulated()).isFalse();
      assertThat(nano.startedAt()).isEqualTo(T0.plusSeconds(60).truncatedTo(ChronoUnit.MICROS));
      assertThat(nano.settingsSummary())
          .isEqualTo("cpu_cores=4, gpu_freq_hz=921600000, batch=1, execution=sync");
      assertThat(nano.inferenceCount()).isEqualTo(10);
      assertThat(nano.latencyMsMean()).isEqualTo(40.0);
      assertThat(nano.totalRail()).isEqualTo("in");
      assertThat(nano.powerMwMean()).isEqualTo(5000.0);
      assertThat(nano.energyMjPerInference()).isEqualTo(200.0);
      // the rail its source marked as the total, not a rule on names
      assertThat(rows.get(0).totalRail()).isEqualTo("gpu");
      assertThat(rows.get(0).powerMwMean()).isEqualTo(300_000.0);
      // no rails at all: nothing measured
      assertThat(rows.get(2).totalRail()).isEmpty();
      assertThat(rows.get(2).powerMwMean()).isNaN();
      assertThat(rows.get(2).energyMjPerInference()).isNaN();
      assertThat(Fixtures.query(store, "SELECT count(*) FROM boards").rows())
          .containsExactly(List.of("3"));
    }
  }

  @Test
  void reopeningKeepsRunsAndContinuesTheIds() {
    long first;
    try (MeasurementStore store = MeasurementStore.open(base())) {
      assertThat(store.runs()).isEmpty();
      first =
          store.saveRun(
              Fixtures.run("jetson-nano", "resnet18", T0, Fixtures.result(RAILS, 5, 4000)));
    }
    try (MeasurementStore store = MeasurementStore.open(base())) {
      assertThat(store.schemaVersion()).isEqualTo(Schema.latest(Schema.MIGRATIONS));
      assertThat(store.runs()).extracting(RunRow::id).containsExactly(first);
      long second =
          store.saveRun(
              Fixtures.run("jetson-nano", "resnet18", T0, Fixtures.result(RAILS, 6, 4100)));
      assertThat(second).isGreaterThan(first);
      assertThat(
              Fixtures.query(store, "SELECT version FROM schema_version ORDER BY version").rows())
          .containsExactlyElementsOf(
              Schema.MIGRATIONS.stream().map(m -> List.of(Integer.toString(m.version()))).toList());
      assertThat(Fixtures.query(store, "SELECT board_id, name FROM boards").rows())
          .containsExactly(List.of("1", "jetson-nano"));
    }
  }

  @Test
  void aSaveThatFailsAfterTheLayerRowsLeavesNothingOfTheRun() {
    AnalysisResult result = Fixtures.analyzed(Fixtures.timeline(), true);
    AtomicReference<String> failAfter = new AtomicReference<>("none");
    try (MeasurementStore store =
        DuckDbStore.open(
            base(),
            Schema.MIGRATIONS,
            table -> {
              if (table.equals(failAfter.get())) {
                throw new SQLException("disk full (test) after " + table);
              }
            })) {
      long kept =
          store.saveRun(Fixtures.run("jetson-nano", "kept", T0, Fixtures.result(RAILS, 5, 1)));
      RunInput doomed =
          new RunInput(
              "jetson-orin",
              true,
              "doomed",
              java.util.Map.of("a", "1"),
              T0,
              "0.1.0-SNAPSHOT",
              java.util.Map.of("os", "Linux"),
              result,
              "in",
              Optional.of(RawSamples.of(Fixtures.timeline())));
      failAfter.set("layer_rail_results");

      assertThatThrownBy(() -> store.saveRun(doomed))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("doomed")
          .hasMessageContaining("jetson-orin")
          .hasMessageContaining("nothing of it was saved")
          .hasMessageContaining("disk full (test) after layer_rail_results");
      assertOnlyRun(store, kept);
      assertThat(Fixtures.query(store, "SELECT name FROM boards").rows())
          .containsExactly(List.of("jetson-nano"));

      // the last table too: the samples
      failAfter.set("power_reads");
      assertThatThrownBy(() -> store.saveRun(doomed)).isInstanceOf(StoreException.class);
      assertOnlyRun(store, kept);

      // and the store still works
      failAfter.set("none");
      long saved = store.saveRun(doomed);
      assertThat(store.run(saved).orElseThrow().result()).isEqualTo(Fixtures.kept(result));
      assertThat(store.runs()).extracting(RunRow::id).containsExactly(kept, saved);
    }
  }

  private static void assertOnlyRun(MeasurementStore store, long kept) {
    for (String table : RUN_TABLES) {
      assertThat(
              Fixtures.query(store, "SELECT count(*) FROM " + table + " WHERE run_id <> " + kept)
                  .rows())
          .as("rows of other runs in %s", table)
          .containsExactly(List.of("0"));
    }
    assertThat(store.runs()).extracting(RunRow::id).containsExactly(kept);
  }

  @Test
  void aNewerSchemaIsRefused() throws SQLException {
    MeasurementStore.open(base()).close();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + base());
        Statement st = c.createStatement()) {
      st.execute(
          "INSERT INTO schema_version VALUES (99, 'from the future', TIMESTAMP '2030-01-01')");
    }

    assertThatThrownBy(() -> MeasurementStore.open(base()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining(base().toString())
        .hasMessageContaining("schema version 99")
        .hasMessageContaining("newer than version " + Schema.latest(Schema.MIGRATIONS))
        .hasMessageContaining("newer inferwatt");
  }

  @Test
  void anOlderSchemaIsMigratedAndItsRunsKept() {
    long id;
    try (MeasurementStore store =
        DuckDbStore.open(base(), List.of(Schema.V1), DuckDbStore.NO_HOOK)) {
      id =
          store.saveRun(
              Fixtures.run("jetson-nano", "resnet18", T0, Fixtures.result(RAILS, 5, 4000)));
    }
    Migration next =
        new Migration(
            12, "fits (test)", List.of("CREATE TABLE fits (run_id BIGINT NOT NULL, r2 DOUBLE)"));

    try (MeasurementStore store =
        DuckDbStore.open(
            base(),
            List.of(
                Schema.V1,
                Schema.V2,
                Schema.V3,
                Schema.V4,
                Schema.V5,
                Schema.V6,
                Schema.V7,
                Schema.V8,
                Schema.V9,
                Schema.V10,
                Schema.V11,
                next),
            DuckDbStore.NO_HOOK)) {
      assertThat(store.schemaVersion()).isEqualTo(12);
      assertThat(
              Fixtures.query(
                      store, "SELECT version, description FROM schema_version ORDER BY version")
                  .rows())
          .containsExactly(
              List.of("1", Schema.V1.description()),
              List.of("2", Schema.V2.description()),
              List.of("3", Schema.V3.description()),
              List.of("4", Schema.V4.description()),
              List.of("5", Schema.V5.description()),
              List.of("6", Schema.V6.description()),
              List.of("7", Schema.V7.description()),
              List.of("8", Schema.V8.description()),
              List.of("9", Schema.V9.description()),
              List.of("10", Schema.V10.description()),
              List.of("11", Schema.V11.description()),
              List.of("12", "fits (test)"));
      assertThat(Fixtures.query(store, "SELECT count(*) FROM fits").rows())
          .containsExactly(List.of("0"));
      assertThat(Fixtures.query(store, "SELECT count(*) FROM studies").rows())
          .containsExactly(List.of("0"));
      assertThat(store.run(id)).isPresent();
    }
    // and the old program now refuses it
    assertThatThrownBy(() -> MeasurementStore.open(base()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("schema version 12");
  }

  @Test
  void aDuckDbFileOfSomethingElseIsRefused() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + base());
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE sales (id INTEGER)");
    }

    assertThatThrownBy(() -> MeasurementStore.open(base()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("not an inferwatt measurement base")
        .hasMessageContaining("[sales]");
  }

  @Test
  void openCreatesTheFolders() {
    Path nested = dir.resolve("a/b/runs.duckdb");
    try (MeasurementStore store = MeasurementStore.open(nested)) {
      assertThat(store.schemaVersion()).isEqualTo(Schema.latest(Schema.MIGRATIONS));
    }
    assertThat(nested).isRegularFile();
  }

  @Test
  void samplesAreStoredCountedAndReadBack() {
    Timeline timeline = Fixtures.timeline();
    List<PowerSample> samples = new java.util.ArrayList<>(timeline.samples());
    // a rail not read in one sample
    PowerSample s = samples.get(3);
    samples.set(
        3,
        new PowerSample(s.tNs(), s.readStartNs(), s.readEndNs(), new double[] {1, Double.NaN, 2}));
    RawSamples raw = new RawSamples(RAILS, samples);
    AnalysisResult result = Fixtures.analyzed(timeline, true);
    RunInput run =
        new RunInput(
            "jetson-nano",
            true,
            "resnet18",
            java.util.Map.of(),
            T0,
            "0.1.0-SNAPSHOT",
            java.util.Map.of(),
            result,
            "in",
            Optional.of(raw));

    try (MeasurementStore store = MeasurementStore.open(base())) {
      long with = store.saveRun(run);
      long without = store.saveRun(run.withoutSamples());

      assertThat(store.run(with).orElseThrow().samplesStored()).isEqualTo(samples.size());
      assertThat(store.run(without).orElseThrow().samplesStored()).isZero();
      assertThat(
              Fixtures.query(store, "SELECT count(*) FROM power_samples WHERE run_id = " + with)
                  .rows())
          .containsExactly(List.of(Long.toString(3L * samples.size())));
      assertThat(
              Fixtures.query(
                      store,
                      "SELECT count(*) FROM power_samples WHERE power_mw IS NULL AND rail = 'gpu'")
                  .rows())
          .containsExactly(List.of("1"));
      RawSamples back = store.samples(with).orElseThrow();
      assertThat(back.rails()).containsExactly("in", "gpu", "cpu");
      assertThat(back.samples()).isEqualTo(samples);
      assertThat(back.samples().get(3).readStartNs()).isEqualTo(s.readStartNs());
      assertThat(back.samples().get(3).readEndNs()).isEqualTo(s.readEndNs());
      assertThat(store.samples(without)).isEmpty();
      assertThat(store.samples(12345)).isEmpty();
    }
  }

  /** Five rails: two rows of {@code power_reads} per read, the second half empty. */
  private static RawSamples fiveRails() {
    List<PowerSample> samples = new java.util.ArrayList<>();
    for (int i = 0; i < 7; i++) {
      long t = 1_000_000L * (i + 1);
      samples.add(
          new PowerSample(
              t,
              t - 400,
              t - 10,
              new double[] {100 + i, i == 2 ? Double.NaN : 200 + i, 300 + i, 400.5 + i, 500 + i}));
    }
    return new RawSamples(List.of("in", "gpu", "cpu", "soc", "ddr"), samples);
  }

  private static RunInput withSamples(RunInput run, RawSamples raw) {
    return new RunInput(
        run.board(),
        run.simulated(),
        run.model(),
        run.settings(),
        run.startedAt(),
        run.toolVersion(),
        run.environment(),
        run.result(),
        run.totalRail(),
        Optional.of(raw));
  }

  @Test
  void aReadOfMoreRailsThanARowHoldsTakesMoreRowsAndReadsBack() {
    RawSamples raw = fiveRails();
    RunInput run =
        withSamples(Fixtures.run("jetson-orin", "resnet18", T0, Fixtures.result(RAILS, 5, 1)), raw);
    try (MeasurementStore store = MeasurementStore.open(base())) {
      long id = store.saveRun(run);
      assertThat(store.samples(id).orElseThrow()).isEqualTo(raw);
      assertThat(Fixtures.query(store, "SELECT count(*) FROM power_reads").rows())
          .containsExactly(List.of("14"));
      // the long shape, as a view
      assertThat(
              Fixtures.query(
                      store,
                      "SELECT rail, coalesce(CAST(power_mw AS VARCHAR), 'NULL')"
                          + " FROM power_samples WHERE t_ns = 3000000 ORDER BY rail")
                  .rows())
          .containsExactly(
              List.of("cpu", "302.0"),
              List.of("ddr", "502.0"),
              List.of("gpu", "NULL"),
              List.of("in", "102.0"),
              List.of("soc", "402.5"));
    }
  }

  @Test
  void aVersion8BaseHasItsSamplesMovedIntoOneRowPerRead() {
    RawSamples five = fiveRails();
    Timeline timeline = Fixtures.timeline();
    RunInput three =
        withSamples(
            Fixtures.run("jetson-nano", "resnet18", T0, Fixtures.result(RAILS, 5, 1)),
            RawSamples.of(timeline));
    long a;
    long b;
    try (MeasurementStore store =
        DuckDbStore.open(
            base(), Schema.MIGRATIONS.subList(0, Schema.V8.version()), DuckDbStore.NO_HOOK)) {
      a = store.saveRun(three);
      b = store.saveRun(withSamples(three, five));
      assertThat(Fixtures.query(store, "SELECT count(*) FROM power_samples").rows())
          .containsExactly(List.of(Long.toString(3L * timeline.samples().size() + 5 * 7)));
      assertThat(store.samples(b).orElseThrow()).isEqualTo(five);
    }
    try (MeasurementStore store = MeasurementStore.open(base())) {
      assertThat(store.schemaVersion()).isEqualTo(Schema.latest(Schema.MIGRATIONS));
      assertThat(store.samples(a).orElseThrow()).isEqualTo(RawSamples.of(timeline));
      assertThat(store.samples(b).orElseThrow()).isEqualTo(five);
      assertThat(Fixtures.query(store, "SELECT count(*) FROM power_reads").rows())
          .containsExactly(List.of(Long.toString(timeline.samples().size() + 2 * 7)));
      assertThat(Fixtures.query(store, "SELECT count(*) FROM power_samples").rows())
          .containsExactly(List.of(Long.toString(3L * timeline.samples().size() + 5 * 7)));
    }
  }

  @Test
  void theQueryConsoleReturnsTextAndCannotChangeTheBase() {
    long id;
    try (MeasurementStore store = MeasurementStore.open(base())) {
      id =
          store.saveRun(
              Fixtures.run("jetson-nano", "resnet18", T0, Fixtures.result(RAILS, 5, 4000)));
    }
    try (SqlConsole console = SqlConsole.open(base())) {
      QueryResult q =
          console.query(
              "SELECT run_id, model, latency_ms_mean, sample_period_ms AS period FROM runs", 0);
      assertThat(q.columns()).containsExactly("run_id", "model", "latency_ms_mean", "period");
      assertThat(q.types()).containsExactly("BIGINT", "VARCHAR", "DOUBLE", "DOUBLE");
      assertThat(q.rows())
          .containsExactly(java.util.Arrays.asList(Long.toString(id), "resnet18", "5.0", null));
      assertThatThrownBy(() -> console.query("DELETE FROM runs", 0))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("read-only");
      assertThatThrownBy(() -> console.query("SELECT nope FROM runs", 0))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("nope")
          .hasMessageContaining(base().toString());
      // the connection is still usable after a failed query
      assertThat(console.query("SELECT count(*) FROM runs", 0).rows())
          .containsExactly(List.of("1"));
    }
  }

  @Test
  void aRunThatContradictsItselfIsRefusedBeforeWriting() {
    AnalysisResult result = Fixtures.result(RAILS, 5, 4000);
    assertThatThrownBy(
            () ->
                new RunInput(
                    "jetson-nano",
                    true,
                    "m",
                    java.util.Map.of(),
                    T0,
                    "v",
                    java.util.Map.of(),
                    result,
                    "in",
                    Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("simulated=true")
        .hasMessageContaining("simulated=false");

    java.util.Map<String, Estimate> power =
        new java.util.LinkedHashMap<>(result.inferences().powerMw());
    power.put("soc", Estimate.NONE);
    AnalysisResult bad =
        new AnalysisResult(
            result.rails(),
            false,
            new AnalysisResult.InferenceSummary(
                10,
                1,
                result.inferences().latencyMs(),
                power,
                java.util.Map.of(),
                java.util.Map.of(),
                10),
            result.layers(),
            result.unattributed(),
            result.idlePowerMw(),
            result.phases(),
            result.samplePeriodMs(),
            result.minSamplesPerLayer(),
            result.cyclesNeeded(),
            result.mapping(),
            result.warnings());
    try (MeasurementStore store = MeasurementStore.open(base())) {
      assertThatThrownBy(() -> store.saveRun(Fixtures.run("jetson-nano", "m", T0, bad)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'soc'")
          .hasMessageContaining("[in, gpu, cpu]");
      assertThat(store.runs()).isEmpty();
    }
  }

  @Test
  void aClosedStoreSaysSo() {
    MeasurementStore store = MeasurementStore.open(base());
    store.close();
    store.close();
    assertThatThrownBy(store::runs)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed")
        .hasMessageContaining("runs.duckdb");
  }
}
