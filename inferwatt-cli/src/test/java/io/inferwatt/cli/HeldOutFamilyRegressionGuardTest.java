package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A regression guard, not evidence of accuracy: the bounds are what the models reached when this
 * test was written (simulated numbers; the accuracy itself is measured by
 * scripts/bench-predict-families.sh). Fitted on single-layer samples and two families of the
 * virtual Nano, a family never in the training set (SqueezeNet, with its Concat layers) is
 * predicted and profiled at a setting the training never measured; a change that loses the additive
 * gap, the network context or the work model moves these errors well past the bounds.
 */
class HeldOutFamilyRegressionGuardTest {

  private static final String PLAN =
      """
      study: guard
      board: sim:nano
      seed: 7
      protocol: {warmup: 1, cycles: 10, layer_cycles: 0, max_layer_cycles: 20, min_samples_per_layer: 10, idle: 10ms}
      base: {model: mobilenetv1, cpu.cores: 4}
      sweeps:
        - name: layers
          grid: {model: ["sample:single:60:1"], gpu.freq_hz: [153600000, 921600000]}
        - name: families
          grid: {model: [mobilenetv1-w0.5-r96, resnet18-w0.5-r96, shufflenetv2-r96], gpu.freq_hz: [153600000, 537600000, 921600000]}
      """;

  @Test
  void aHeldOutFamilyStaysWithinTheGuardedErrors(@TempDir Path dir) throws Exception {
    Path plan = dir.resolve("plan.yaml");
    Files.writeString(plan, PLAN);
    String db = dir.resolve("t.duckdb").toString();
    CliTest.Run r = CliTest.runStudy(plan, db, dir.resolve("state"));
    assertThat(r.code()).as(r.err()).isZero();
    CliTest.Run f =
        CliTest.run("fit", "--db", db, "--learners", "lasso-poly2,work-lasso", "--skip-short");
    assertThat(f.code()).as(f.err()).isZero();
    String net = "squeezenet-r96";
    CliTest.Run m =
        CliTest.run(
            "profile",
            "--model",
            net,
            "--board",
            "sim:nano",
            "--no-store",
            "--cycles",
            "20",
            "--set",
            "gpu.freq_hz=384000000",
            "--format",
            "json");
    assertThat(m.code()).as(m.err()).isZero();
    CliTest.Run p =
        CliTest.run(
            "predict", net, "--db", db, "--set", "gpu.freq_hz=384000000", "--format", "json");
    assertThat(p.code()).as(p.err()).isZero();
    JsonNode measured = m.json();
    JsonNode predicted = p.json();
    double latencyErr =
        Math.abs(
            predicted.at("/network/latency_ms/value").asDouble()
                    / measured.at("/inferences/latency_ms/mean").asDouble()
                - 1);
    double energyErr =
        Math.abs(
            predicted.at("/network/energy_mj/in/value").asDouble()
                    / measured.at("/inferences/energy_mj/in/mean").asDouble()
                - 1);
    assertThat(latencyErr).as("network latency error").isLessThan(GUARD_LATENCY);
    assertThat(energyErr).as("network energy error").isLessThan(GUARD_ENERGY);
  }

  private static final double GUARD_LATENCY = 0.10;
  private static final double GUARD_ENERGY = 0.15;
}
