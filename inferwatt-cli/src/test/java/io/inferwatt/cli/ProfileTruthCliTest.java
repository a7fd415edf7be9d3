package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** {@code profile} on the virtual boards: their truth, the errors against it, the counter. */
class ProfileTruthCliTest {

  private static final String[] SHORT = {
    "--no-store", "--warmup", "2", "--layer-cycles", "200", "--idle", "200ms"
  };

  private static String[] args(String... more) {
    String[] a = new String[more.length + SHORT.length + 1];
    a[0] = "profile";
    System.arraycopy(more, 0, a, 1, more.length);
    System.arraycopy(SHORT, 0, a, 1 + more.length, SHORT.length);
    return a;
  }

  @Test
  void nanoJsonCarriesItsTruthLabelledSimulated() throws Exception {
    CliTest.Run r = CliTest.run(args("--board", "sim:nano", "--cycles", "50", "--format", "json"));
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode t = r.json().get("truth");
    assertThat(t.get("simulated").asBoolean()).isTrue();
    assertThat(t.at("/inference/latency_ms").asDouble()).isPositive();
    assertThat(t.at("/inference/energy_mj/in").asDouble()).isPositive();
    JsonNode l0 = t.get("layers").get(0);
    assertThat(l0.get("index").asInt()).isZero();
    assertThat(l0.get("duration_ms").asDouble()).isPositive();
    assertThat(l0.at("/power_mw/gpu").asDouble()).isPositive();
    assertThat(l0.at("/energy_mj/cpu").asDouble()).isPositive();
    assertThat(r.json().at("/truth_error/simulated").asBoolean()).isTrue();
    assertThat(r.json().at("/truth_error/inference_energy/method").asText()).isEqualTo("trapezoid");
    // a board without an energy counter has no counter section
    assertThat(r.json().has("energy_counter")).isFalse();
  }

  @Test
  void aStoredVirtualRunShowsItsTruthError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    String db = dir.resolve("t.duckdb").toString();
    CliTest.Run r =
        CliTest.run(
            "profile",
            "--board",
            "sim:nano",
            "--cycles",
            "50",
            "--warmup",
            "2",
            "--layer-cycles",
            "200",
            "--idle",
            "200ms",
            "--db",
            db,
            "--format",
            "json");
    assertThat(r.code()).as(r.err()).isZero();
    long id = r.json().get("run_id").asLong();
    double err = r.json().at("/truth_error/inference_energy/error_pct").asDouble();
    CliTest.Run shown = CliTest.run("show", Long.toString(id), "--db", db);
    assertThat(shown.code()).as(shown.err()).isZero();
    assertThat(
            shown.out().lines().filter(l -> l.contains("truth (in): energy per inference error")))
        .hasSize(1)
        .allMatch(l -> l.startsWith("[simulated] "));
    CliTest.Run json = CliTest.run("show", Long.toString(id), "--db", db, "--format", "json");
    assertThat(json.json().at("/truth_error/simulated").asBoolean()).isTrue();
    assertThat(json.json().at("/truth_error/energy_error_pct").asDouble())
        .isCloseTo(err, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void nanoTextHasOneSimulatedTruthLine() throws Exception {
    CliTest.Run r = CliTest.run(args("--board", "sim:nano", "--cycles", "50"));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().lines().filter(l -> l.contains("truth (in): energy per inference error")))
        .hasSize(1)
        .allMatch(l -> l.startsWith("[simulated] "));
  }

  @Test
  void gpuRefusesCounterEnergyOverAShortPowerPhaseAndGivesItOverALongOne() throws Exception {
    CliTest.Run shortRun =
        CliTest.run(
            args(
                "--board",
                "sim:gpu",
                "--model",
                "resnet18",
                "--cycles",
                "300",
                "--mapping",
                "paper",
                "--format",
                "json"));
    assertThat(shortRun.code()).as(shortRun.err()).isZero();
    JsonNode c = shortRun.json().get("energy_counter");
    assertThat(c.get("energy_mj").isNull()).isTrue();
    assertThat(c.get("refused").asText()).contains("energy-counter update").contains("at least 10");
    assertThat(shortRun.json().at("/truth/board").asText()).isEqualTo("sim:gpu");
    // the window fit over the driver's sample buffer says what it found
    JsonNode b = shortRun.json().at("/layer_energy/buffer_window");
    assertThat(b.get("method").asText()).isIn("window", "paper");
    assertThat(b.has("resolvable")).isTrue();

    CliTest.Run longRun =
        CliTest.run(
            args(
                "--board",
                "sim:gpu",
                "--model",
                "resnet18",
                "--cycles",
                "6000",
                "--mapping",
                "paper"));
    assertThat(longRun.code()).as(longRun.err()).isZero();
    assertThat(longRun.out())
        .contains("[simulated] energy counter (gpu0): ")
        .contains("[simulated] truth (gpu0): energy per inference error ")
        .contains("(counter)");
  }

  @Test
  void prefixNeedsABoardWithAnEnergyCounterAndAWindowOfTenUpdates() throws Exception {
    CliTest.Run nano =
        CliTest.run(args("--board", "sim:nano", "--cycles", "20", "--mapping", "prefix"));
    assertThat(nano.code()).isEqualTo(2);
    assertThat(nano.err()).contains("--mapping prefix needs a board with an energy counter");
    CliTest.Run gpu =
        CliTest.run(
            args(
                "--board",
                "sim:gpu",
                "--cycles",
                "20",
                "--mapping",
                "prefix",
                "--prefix-window",
                "500ms"));
    assertThat(gpu.code()).isEqualTo(2);
    assertThat(gpu.err()).contains("too short for the energy counter");
  }
}
