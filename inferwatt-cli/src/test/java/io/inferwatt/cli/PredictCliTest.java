package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fit} and {@code predict} end to end on a small study of the virtual Nano. */
class PredictCliTest {
  @TempDir static Path dir;

  /** A small training study (also fitted on PostgreSQL in FleetCliTest). */
  static final String PLAN =
      """
      study: train
      board: sim:nano
      seed: 5
      protocol: {warmup: 1, cycles: 10, max_layer_cycles: 10, min_samples_per_layer: 5, idle: 10ms}
      base: {model: mobilenetv1, cpu.cores: 4}
      sweeps:
        - name: g
          grid: {model: [mobilenetv1, resnet18], gpu.freq_hz: [76800000, 537600000, 921600000], batch: [1, 2]}
      """;

  private static String db;

  @BeforeAll
  static void measureAndFit() throws Exception {
    Path plan = dir.resolve("plan.yaml");
    Files.writeString(plan, PLAN);
    db = dir.resolve("t.duckdb").toString();
    CliTest.Run r = CliTest.runStudy(plan, db, dir.resolve("state"));
    assertThat(r.code()).as(r.err()).isZero();
    CliTest.Run f =
        CliTest.run(
            "fit",
            "--db",
            db,
            "--learners",
            "lasso-poly2",
            "--skip-short",
            "--export",
            dir.resolve("m.json").toString(),
            "--errors-out",
            dir.resolve("e.csv").toString());
    assertThat(f.code()).as(f.err()).isZero();
    assertThat(f.out())
        .contains("[simulated] fitted model 1 on board sim:nano")
        .contains("Conv")
        .contains("latency");
  }

  @Test
  void predictGivesEveryLayerAndTheNetworkWithIntervalsInTheDocumentedShape() throws Exception {
    CliTest.Run p =
        CliTest.run(
            "predict",
            "mobilenetv2",
            "--db",
            db,
            "--board",
            "sim:nano",
            "--set",
            "gpu.freq_hz=537600000",
            "--batch",
            "2",
            "--format",
            "json");
    assertThat(p.code()).as(p.err()).isZero();
    JsonNode j = p.json();
    List<String> top = new ArrayList<>();
    j.fieldNames().forEachRemaining(top::add);
    assertThat(top)
        .containsExactly("board", "simulated", "settings", "partial", "network", "layers");
    assertThat(j.get("board").asText()).isEqualTo("sim:nano");
    assertThat(j.get("simulated").asBoolean()).isTrue();
    assertThat(j.at("/settings/gpu.freq_hz").asText()).isEqualTo("537600000");
    assertThat(j.at("/settings/batch").asText()).isEqualTo("2");
    for (String f :
        List.of(
            "/network/latency_ms",
            "/network/power_mw/in",
            "/network/energy_mj/in",
            "/network/energy_mj/gpu")) {
      JsonNode v = j.at(f);
      assertThat(v.get("low").asDouble()).as(f).isLessThanOrEqualTo(v.get("value").asDouble());
      assertThat(v.get("high").asDouble()).as(f).isGreaterThanOrEqualTo(v.get("value").asDouble());
      assertThat(v.get("value").asDouble()).as(f).isPositive();
    }
    boolean anyMissing = false;
    int i = 0;
    for (JsonNode l : j.get("layers")) {
      List<String> keys = new ArrayList<>();
      l.fieldNames().forEachRemaining(keys::add);
      assertThat(keys)
          .containsExactly(
              "index", "name", "type", "latency_ms", "power_mw", "energy_mj", "predicted", "why");
      assertThat(l.get("index").asInt()).isEqualTo(i++);
      if (l.get("predicted").asBoolean()) {
        assertThat(l.at("/latency_ms/value").asDouble()).isPositive();
        // a type too short for any power sample has latency only
        if (l.at("/energy_mj").has("in")) {
          assertThat(l.at("/energy_mj/in/value").asDouble()).isPositive();
        }
        assertThat(l.get("why").isNull()).isTrue();
      } else {
        anyMissing = true;
        assertThat(l.get("latency_ms").isNull()).isTrue();
        assertThat(l.get("why").asText()).isNotBlank();
      }
    }
    assertThat(j.get("partial").asBoolean()).isEqualTo(anyMissing);
  }

  @Test
  void theExportedFileAndTheErrorsCsvAreUsable() throws Exception {
    assertThat(Files.readAllLines(dir.resolve("e.csv")).get(0))
        .isEqualTo("layer_type,median_abs_error_pct");
    assertThat(Files.readAllLines(dir.resolve("e.csv"))).anyMatch(l -> l.startsWith("Conv,"));
    CliTest.Run p =
        CliTest.run(
            "predict", "resnet18", "--model", dir.resolve("m.json").toString(), "--format", "json");
    assertThat(p.code()).as(p.err()).isZero();
    assertThat(p.json().get("partial").asBoolean()).isFalse();
  }

  @Test
  void anOnnxFileIsPredictedLayerByLayerAsItsNetwork() throws Exception {
    Path file = dir.resolve("r18.onnx");
    CliTest.Run b = CliTest.run("models", "build", "resnet18", "--out", file.toString());
    assertThat(b.code()).as(b.err()).isZero();
    JsonNode fromFile =
        CliTest.run("predict", file.toString(), "--db", db, "--format", "json").json();
    JsonNode byName = CliTest.run("predict", "resnet18", "--db", db, "--format", "json").json();
    assertThat(fromFile.get("layers").size()).isEqualTo(byName.get("layers").size());
    assertThat(fromFile.at("/network/latency_ms/value").asDouble())
        .isEqualTo(byName.at("/network/latency_ms/value").asDouble());
  }

  @Test
  void aSweepGivesThePredictedOptima() throws Exception {
    CliTest.Run p = CliTest.run("predict", "resnet18", "--db", db, "--sweep", "--format", "json");
    assertThat(p.code()).as(p.err()).isZero();
    JsonNode j = p.json();
    assertThat(j.get("predicted").asBoolean()).isTrue();
    assertThat(j.get("settings_predicted").asInt()).isGreaterThan(10);
    // the study measured sync only: the async settings are left out, and said so; so are the
    // other core counts, as every training run had 4 cores (a value the models cannot vary)
    assertThat(j.get("settings_skipped").asText())
        .contains("mode=async")
        .contains("cpu.cores=1")
        .doesNotContain("cpu.cores=4")
        .doesNotContain("gpu.freq_hz=537600000");
    assertThat(j.at("/energy/best").has("gpu_freq_hz")).isTrue();
    assertThat(j.get("pareto").size()).isPositive();
  }

  @Test
  void optimaShowsThePredictedNextToTheMeasured() throws Exception {
    CliTest.Run o = CliTest.run("optima", "--db", db, "--predicted", "--format", "json");
    assertThat(o.code()).as(o.err()).isZero();
    JsonNode j = o.json();
    assertThat(j.at("/energy/best").has("gpu_freq_hz")).isTrue();
    assertThat(j.at("/predicted/energy/best").has("gpu_freq_hz")).isTrue();
    assertThat(j.at("/predicted/slices").size()).isEqualTo(j.get("slices").size());
    CliTest.Run t = CliTest.run("optima", "--db", db, "--predicted");
    assertThat(t.out())
        .contains("PREDICTED by the newest fitted model")
        .contains("[simulated] predicted energy");
  }

  @Test
  void badInputsAreOneLineAndExit2() throws Exception {
    CliTest.Run other =
        CliTest.run(
            "predict", "resnet18", "--model", dir.resolve("m.json").toString(), "--board", "local");
    assertThat(other.code()).isEqualTo(2);
    assertThat(other.err().strip())
        .contains("fitted on board sim:nano")
        .contains("not on local")
        .doesNotContain("\n");

    CliTest.Run setting = CliTest.run("predict", "resnet18", "--db", db, "--set", "mode=async");
    assertThat(setting.code()).isEqualTo(2);
    assertThat(setting.err()).contains("mode=async was never measured");

    Path empty = dir.resolve("empty.duckdb");
    io.inferwatt.store.MeasurementStore.open(empty).close();
    CliTest.Run none = CliTest.run("predict", "resnet18", "--db", empty.toString());
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("no fitted models").contains("inferwatt fit");

    Path junk = dir.resolve("junk.json");
    Files.writeString(junk, "{\"x\": 1}");
    CliTest.Run bad = CliTest.run("predict", "resnet18", "--model", junk.toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("is not an inferwatt model file");

    CliTest.Run learner = CliTest.run("fit", "--db", db, "--learners", "forest");
    assertThat(learner.code()).isEqualTo(2);
    assertThat(learner.err())
        .contains("learner 'forest' is not one of lasso-poly2, work-lasso, xgboost");
  }
}
