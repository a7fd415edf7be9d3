package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferwatt.core.Durations;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end tests of the command line on the virtual Jetson Nano and on recorded files. */
class CliTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {
    JsonNode json() throws Exception {
      return JsonReport.MAPPER.readTree(out);
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  /** {@code query --db DB --format json SQL}'s rows, after checking that it exited 0. */
  static JsonNode queryJson(String db, String sql) throws Exception {
    Run q = run("query", "--db", db, "--format", "json", sql);
    assertThat(q.code()).as(q.err()).isZero();
    return q.json();
  }

  /**
   * {@code analyze --samples S --events E --mapping M --format json}'s report, after checking that
   * it exited 0 (its error otherwise).
   */
  static JsonNode analyzeJson(Path samples, Path events, String mapping) throws Exception {
    Run r =
        run(
            "analyze",
            "--samples",
            samples.toString(),
            "--events",
            events.toString(),
            "--mapping",
            mapping,
            "--format",
            "json");
    assertThat(r.code()).as(r.err()).isZero();
    return r.json();
  }

  /**
   * Builds a one-convolution model file (3×3, stride 1, 3 → {@code outChannels} channels, {@code
   * size}² pixels) at {@code file} with {@code models build}, after checking that it exited 0.
   */
  static Path buildConv(Path file, int outChannels, int size) {
    Run b =
        run(
            "models",
            "build",
            "conv",
            "--kernel",
            "3",
            "--stride",
            "1",
            "--in",
            "3",
            "--out-channels",
            Integer.toString(outChannels),
            "--size",
            Integer.toString(size),
            "--out",
            file.toString());
    assertThat(b.code()).as(b.err()).isZero();
    return file;
  }

  /**
   * Runs {@code study run PLAN --db DB [MORE...]} with the study runner's state in {@code stateDir}
   * (the property restored after), so that a test's study does not meet another's.
   */
  static Run runStudy(
      java.nio.file.Path plan, String db, java.nio.file.Path stateDir, String... more) {
    String saved = System.getProperty("inferwatt.state.dir");
    System.setProperty("inferwatt.state.dir", stateDir.toString());
    try {
      List<String> args = new java.util.ArrayList<>(List.of("study", "run", plan.toString()));
      args.addAll(List.of("--db", db));
      args.addAll(List.of(more));
      return run(args.toArray(String[]::new));
    } finally {
      if (saved == null) {
        System.clearProperty("inferwatt.state.dir");
      } else {
        System.setProperty("inferwatt.state.dir", saved);
      }
    }
  }

  private String db() {
    return dir.resolve("t.duckdb").toString();
  }

  @Test
  void profileOnTheVirtualNanoPrintsEverythingLabelledSimulatedAndStoresTheRun() {
    Run r =
        run(
            "profile",
            "--board",
            "sim:nano",
            "--model",
            "mobilenetv2",
            "--db",
            db(),
            "--cycles",
            "100",
            "--warmup",
            "5",
            "--max-layer-cycles",
            "1500",
            "--idle",
            "200ms");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().lines()).allMatch(l -> l.startsWith("[simulated] "));
    assertThat(r.out())
        .contains("latency ms: mean")
        .contains("p50")
        .contains("p95")
        .contains("p99");
    assertThat(r.out()).containsPattern("\\[simulated\\] in +\\d+\\.\\d +\\[\\d+");
    assertThat(r.out())
        .containsPattern("\\[simulated\\] cpu ")
        .containsPattern("\\[simulated\\] gpu ");
    assertThat(r.out()).contains("stored as run 1");
    assertThat(r.out()).contains("layers: ").contains("layer cycles would cover them");

    Run runs = run("runs", "--db", db());
    assertThat(runs.code()).as(runs.err()).isZero();
    assertThat(runs.out()).contains("sim:nano").contains("mobilenetv2").contains("[simulated]");
  }

  @Test
  void profileJsonCarriesTheAnalysisAndTheSettings() throws Exception {
    Run r =
        run(
            "profile",
            "--no-store",
            "--format",
            "json",
            "--cycles",
            "50",
            "--warmup",
            "2",
            "--max-layer-cycles",
            "300",
            "--idle",
            "100ms",
            "--cores",
            "1",
            "--gpu-freq-hz",
            "614400000");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = r.json();
    assertThat(j.get("simulated").asBoolean()).isTrue();
    assertThat(j.get("settings").get("cpu.cores").asText()).isEqualTo("1");
    assertThat(j.get("settings").get("gpu.freq_hz").asText()).isEqualTo("614400000");
    assertThat(j.at("/inferences/latency_ms/p99").asDouble()).isPositive();
    for (String rail : new String[] {"in", "cpu", "gpu"}) {
      assertThat(j.at("/inferences/power_mw/" + rail + "/mean").asDouble()).isPositive();
      assertThat(j.at("/inferences/energy_mj/" + rail + "/mean").asDouble()).isPositive();
      assertThat(j.at("/idle/power_mw/" + rail + "/mean").asDouble()).isPositive();
    }
    assertThat(j.get("layers").size()).isGreaterThan(50);
    // the simulated sensor averages over 1.1 ms: the window-aware mapping resolves the long layers
    // and reports the ones it cannot resolve as not measured (null), never as a made-up number
    assertThat(j.at("/mapping/method").asText()).isEqualTo("window");
    assertThat(j.at("/mapping/estimated_window_ms").asDouble()).isBetween(0.9, 1.3);
    List<JsonNode> layers = new ArrayList<>();
    j.get("layers").forEach(layers::add);
    assertThat(layers).anyMatch(l -> l.at("/power_mw/gpu/ci95_low").isNumber());
    assertThat(layers)
        .allMatch(
            l -> l.at("/power_mw/gpu/mean").isNull() || l.at("/power_mw/gpu/mean").asDouble() > 0);
    assertThat(j.get("cycles_needed").asLong()).isPositive();
    assertThat(j.get("run_id").isNull()).isTrue();
  }

  @Test
  void savedFilesReplayThroughAnalyzeWithTheSameResult() throws Exception {
    Path s = dir.resolve("s.csv");
    Path e = dir.resolve("e.jsonl");
    Run p =
        run(
            "profile",
            "--no-store",
            "--format",
            "json",
            "--cycles",
            "40",
            "--warmup",
            "2",
            "--max-layer-cycles",
            "200",
            "--idle",
            "100ms",
            "--save-samples",
            s.toString(),
            "--save-events",
            e.toString());
    assertThat(p.code()).as(p.err()).isZero();
    Run a = run("analyze", "--samples", s.toString(), "--events", e.toString(), "--format", "json");
    assertThat(a.code()).as(a.err()).isZero();
    JsonNode pj = p.json();
    JsonNode aj = a.json();
    assertThat(aj.get("simulated").asBoolean()).isTrue();
    assertThat(aj.get("inferences")).isEqualTo(pj.get("inferences"));
    assertThat(aj.get("layers")).isEqualTo(pj.get("layers"));

    Run text =
        run("analyze", "--samples", s.toString(), "--events", e.toString(), "--rails", "gpu");
    assertThat(text.code()).isZero();
    assertThat(text.out().lines()).allMatch(l -> l.startsWith("[simulated] "));
  }

  @Test
  void badInputGivesOneLineAndExitCodeTwo() throws Exception {
    Path s = dir.resolve("bad.csv");
    Files.writeString(s, "t_ns,in_mw\n10,5\n5,6\n");
    Path e = dir.resolve("e.jsonl");
    Files.writeString(e, "{\"event\":\"inference\",\"seq\":1,\"start_ns\":0,\"end_ns\":20}\n");
    Run r = run("analyze", "--samples", s.toString(), "--events", e.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip())
        .isEqualTo(
            "inferwatt: error: "
                + s
                + ":3: unsorted timestamp t_ns 5 after 10 (samples must be strictly increasing in time)");
    assertThat(r.err()).doesNotContain("at io.inferwatt");

    Run v = run("analyze", "--samples", s.toString(), "--events", e.toString(), "--verbose");
    assertThat(v.err()).contains("at io.inferwatt");

    Run missing =
        run("analyze", "--samples", dir.resolve("nope.csv").toString(), "--events", e.toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("nope.csv: no such file");

    Run knob = run("profile", "--no-store", "--gpu-freq-hz", "900000000", "--cores", "7");
    assertThat(knob.code()).isEqualTo(2);
    assertThat(knob.err())
        .contains("gpu.freq_hz 900000000 is not one of 76800000")
        .contains("cpu.cores 7 is not one of");

    Run board = run("profile", "--board", "jetson:xavier", "--no-store");
    assertThat(board.code()).isEqualTo(2);
    assertThat(board.err()).contains("board 'jetson:xavier' is not supported");
  }

  @Test
  void benchRunsASmallMappingBenchmark() {
    Run r = run("bench", "--cycles", "200", "--layers", "10", "--rounds", "1");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("200 cycles x 10 layers")
        .contains("median of rounds")
        .contains("estimated window");
  }

  @Test
  void aBuiltModelFileIsProfiledWithOnnxRuntimeOnThisMachine() throws Exception {
    Path model = buildConv(dir.resolve("conv.onnx"), 8, 32);
    Run r =
        run(
            "profile",
            model.toString(),
            "--root",
            dir.toString(),
            "--db",
            db(),
            "--format",
            "json",
            "--cycles",
            "20",
            "--warmup",
            "2",
            "--max-layer-cycles",
            "10",
            "--idle",
            "0s");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("no power sensor found");
    JsonNode j = r.json();
    assertThat(j.get("simulated").asBoolean()).isFalse();
    assertThat(j.get("board").asText()).isNotEqualTo("sim:nano");
    assertThat(j.at("/inferences/latency_ms/count").asInt()).isEqualTo(20);
    assertThat(j.get("layers").size()).isPositive();
    assertThat(j.get("run_id").asLong()).isEqualTo(1);
    Run text = run("runs", "--db", db());
    assertThat(text.out()).contains("conv.onnx").doesNotContain("[simulated]");
    try (io.inferwatt.store.MeasurementStore store =
        io.inferwatt.store.MeasurementStore.open(Path.of(db()))) {
      // how ONNX Runtime's profiler clock was placed on the monotonic base is kept with the run
      assertThat(store.run(1).orElseThrow().environment())
          .containsEntry("engine", "onnxruntime")
          .containsKey("clock_alignment_error_ns");
    }
  }

  @Test
  void aProfileWithAPowerSensorStoresPowerAndTheLoggersOwnCost() throws Exception {
    Path root = dir.resolve("root");
    String iio = "sys/bus/i2c/drivers/ina3221x/6-0040/iio:device0/";
    String[] rails = {"POM_5V_IN", "POM_5V_GPU", "POM_5V_CPU"};
    for (int n = 0; n < 3; n++) {
      for (String[] f :
          new String[][] {
            {"rail_name_", rails[n]},
            {"in_power", (4000 - 1000 * n) + ""},
            {"in_voltage", "5000"},
            {"in_current", "400"}
          }) {
        String name = f[0].startsWith("rail") ? f[0] + n : f[0] + n + "_input";
        Path p = root.resolve(iio + name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, f[1] + "\n");
      }
    }
    Path model = buildConv(dir.resolve("conv.onnx"), 64, 224);
    Run r =
        run(
            "profile",
            model.toString(),
            "--root",
            root.toString(),
            "--db",
            db(),
            "--format",
            "json",
            "--cycles",
            "15",
            "--warmup",
            "2",
            "--max-layer-cycles",
            "5",
            "--idle",
            "100ms");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("leaving a core to the power logger");
    JsonNode j = r.json();
    assertThat(j.at("/inferences/power_mw/in/mean").asDouble()).isEqualTo(4000.0);
    assertThat(j.at("/idle/power_mw/gpu/mean").asDouble()).isEqualTo(3000.0);
    try (io.inferwatt.store.SqlConsole store = io.inferwatt.store.SqlConsole.open(Path.of(db()))) {
      var q = store.query("SELECT dropped, cpu_percent, period_ms_median FROM logger_stats", 0);
      assertThat(q.rows()).hasSize(1);
      assertThat(q.rows().get(0).get(0)).isEqualTo("0");
      assertThat(Double.parseDouble(q.rows().get(0).get(1))).isBetween(0.0, 100.0);
      assertThat(Double.parseDouble(q.rows().get(0).get(2))).isPositive();
    }
  }

  @Test
  void aSlowConfigurationsLongPowerPhaseDoesNotStartTheWindowSearch() {
    // at 102 MHz the power phase alone holds more samples than the search's stretch: the search
    // started on them, before any layer, and fell back to the paper's mapping with "too few
    // samples (0)" (before that, a NullPointerException); it now waits for the layers' samples
    Run r =
        run(
            "profile",
            "--board",
            "sim:nano",
            "--cycles",
            "3000",
            "--cpu-freq-khz",
            "102000",
            "--no-store");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).doesNotContain("too few samples").contains("response search");
  }

  @Test
  void theVirtualBoardsNeedAnExistingModelFileAndRefuseARunner() {
    // they run any ONNX file's layers (SampleCliTest); a file that is not there is bad input
    for (String board : new String[] {"sim:nano", "sim:gpu"}) {
      Run r = run("profile", "--board", board, "model.onnx", "--no-store");
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("model.onnx: no such file");
    }
    Run c =
        run("profile", "--board", "sim:nano", "--engine", "command", "--no-store", "--", "true");
    assertThat(c.code()).isEqualTo(2);
    assertThat(c.err()).contains("--board local");
  }

  @Test
  void durationsParse() {
    assertThat(Durations.parseNs("60s")).isEqualTo(60_000_000_000L);
    assertThat(Durations.parseNs("500ms")).isEqualTo(500_000_000L);
    assertThat(Durations.parseNs("2m")).isEqualTo(120_000_000_000L);
    assertThat(Durations.parseNs("1.5s")).isEqualTo(1_500_000_000L);
  }
}
