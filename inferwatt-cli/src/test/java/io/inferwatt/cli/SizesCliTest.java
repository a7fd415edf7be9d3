package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps, models and protocols too large for this machine are refused in second 0 with one line and
 * exit 2, with and without {@code --dry-run}, and nothing is written (issue 10, item 9).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SizesCliTest {
  @TempDir Path dir;

  private String db() {
    return dir.resolve("t.duckdb").toString();
  }

  private Path plan(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void aConvolutionNoTensorCanHoldIsRefusedByTheDryRunAsByTheRun() throws Exception {
    Path p =
        plan(
            "k.yaml",
            """
            study: k
            board: sim:nano
            sweeps:
              - name: k
                vary: {model: [conv-k3-s1-c3x16-224x224, conv-k99999-s1-c3x16-224x224]}
            """);
    for (String[] args :
        new String[][] {
          {"study", "run", p.toString(), "--db", db(), "--dry-run"},
          {"study", "run", p.toString(), "--db", db()}
        }) {
      CliTest.Run r = CliTest.run(args);
      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(r.err())
          .contains(
              "sweep k: conv-k99999-s1-c3x16-224x224, layer conv: the weights would hold"
                  + " 16×3×99999×99999 = 4.80e+11 values")
          .doesNotContain("\tat ");
    }
    assertThat(Path.of(db())).doesNotExist();
  }

  @Test
  void aConfigurationTooLongIsRefusedByTheDryRunAsByTheRunBeforeTheBaseIsOpened() throws Exception {
    // a 999×999 kernel takes about 18 s per inference on the virtual Nano: 5000 cycles per phase
    // hold more samples than the heap and take days
    Path p =
        plan(
            "t.yaml",
            """
            study: t
            board: sim:nano
            protocol: {cycles: 5000, max_layer_cycles: 5}
            sweeps:
              - name: k
                vary: {model: [conv-k3-s1-c3x3-224x224, conv-k999-s1-c3x16-224x224]}
            """);
    for (String[] args :
        new String[][] {
          {"study", "run", p.toString(), "--db", db(), "--dry-run"},
          {"study", "run", p.toString(), "--db", db()}
        }) {
      CliTest.Run r = CliTest.run(args);
      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(r.err())
          .contains("study t: 1 of 2 configurations cannot be measured here, nothing was measured;")
          .contains("conv-k999-s1-c3x16-224x224 on sim:nano:")
          .contains("protocol.cycles");
      assertThat(r.err().strip().lines()).hasSize(1);
    }
    assertThat(Path.of(db())).doesNotExist();
  }

  @Test
  void aDryRunSaysWhatTheStudyNeeds() throws Exception {
    CliTest.Run r =
        CliTest.run("study", "run", "../plans/nano-hardware.yaml", "--db", db(), "--dry-run");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .containsPattern(
            "\\[simulated\\] it needs about [0-9.]+ min of simulated board time, at most [0-9.]+"
                + " MiB of memory per configuration");
  }

  @Test
  void profileRefusesAThousandHoursOfIdleAndTwentyMillionCyclesBeforeMeasuring() {
    CliTest.Run idle =
        CliTest.run("profile", "--board", "sim:nano", "--idle", "1000h", "--db", db());
    assertThat(idle.code()).as(idle.err()).isEqualTo(2);
    assertThat(idle.err())
        .contains(
            "mobilenetv2 on sim:nano: the recording would hold 2.25e+09 power samples, more than"
                + " one recording can hold (2147483639); shorten the idle phase (now 1000 h;"
                + " --idle or protocol.idle)")
        .doesNotContain("phase warmup");
    CliTest.Run cycles =
        CliTest.run("profile", "--board", "sim:nano", "--cycles", "20000000", "--no-store");
    assertThat(cycles.code()).as(cycles.err()).isEqualTo(2);
    assertThat(cycles.err())
        .contains("mobilenetv2 on sim:nano: the recording needs about ")
        .contains("lower the cycles (now 20000000 per phase")
        .doesNotContain("phase warmup");
  }

  @Test
  void modelsBuildSaysWhyAKernelIsTooLarge() {
    CliTest.Run r =
        CliTest.run(
            "models",
            "build",
            "conv",
            "--kernel",
            "99999",
            "--in",
            "3",
            "--out-channels",
            "16",
            "--size",
            "224",
            "--out",
            dir.resolve("k.onnx").toString());
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    // the command's own check or the model builder's: either names the 4.8·10¹¹ weights
    assertThat(r.err()).contains("4.80e+11").doesNotContain("integer overflow");
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(dir.resolve("k.onnx")).doesNotExist();
  }
}
