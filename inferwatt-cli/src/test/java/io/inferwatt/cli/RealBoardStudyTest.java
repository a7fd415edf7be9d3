package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A study on a real board (linux-cpu) with ONNX Runtime and a power sensor, both read from a fake
 * /sys tree: every configuration measured, stored, and the board's settings put back.
 */
class RealBoardStudyTest {
  @TempDir Path dir;

  private void write(Path root, String rel, String text) throws Exception {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text + "\n");
  }

  @Test
  void aLinuxCpuStudyWithOnnxRuntimeMeasuresEveryConfigurationAndRestoresTheBoard()
      throws Exception {
    Path root = dir.resolve("root");
    for (int c = 0; c < 2; c++) {
      write(root, "sys/devices/system/cpu/cpu" + c + "/online", "1");
    }
    write(root, "sys/devices/system/cpu/online", "0-1");
    String f = "sys/devices/system/cpu/cpu0/cpufreq/";
    write(root, f + "scaling_available_frequencies", "1000000 2000000 ");
    write(root, f + "scaling_min_freq", "1000000");
    write(root, f + "scaling_max_freq", "2000000");
    write(root, f + "scaling_cur_freq", "2000000");
    write(root, f + "scaling_governor", "schedutil");
    // a JetPack 4 INA3221 so that the power logger has something to read
    String iio = "sys/bus/i2c/drivers/ina3221x/6-0040/iio:device0/";
    String[] rails = {"POM_5V_IN", "POM_5V_GPU", "POM_5V_CPU"};
    for (int n = 0; n < 3; n++) {
      write(root, iio + "rail_name_" + n, rails[n]);
      write(root, iio + "in_power" + n + "_input", Integer.toString(3000 - 1000 * n));
      write(root, iio + "in_voltage" + n + "_input", "5000");
      write(root, iio + "in_current" + n + "_input", "400");
    }
    Path plan = dir.resolve("plan.yaml");
    Files.writeString(
        plan,
        """
        study: cpu-cores
        board: linux-cpu
        engine: onnxruntime
        seed: 3
        protocol:
          warmup: 2
          cycles: 5
          layer_cycles: 3
          max_layer_cycles: 3
          min_samples_per_layer: 1
          idle: 50ms
        baseline:
          model: conv-k3-s1-c3x64-224x224
          batch: 1
          mode: sync
          input: fixed-random
          cpu.cores: 2
          cpu.freq_khz: 2000000
        sweeps:
          - name: cores
            vary: {cpu.cores: [1, 2]}
        """);
    String db = dir.resolve("s.duckdb").toString();
    System.setProperty("inferwatt.state.dir", dir.resolve("state").toString());
    try {
      CliTest.Run r =
          CliTest.run("study", "run", plan.toString(), "--db", db, "--sysfs-root", root.toString());
      assertThat(r.code()).as(r.out() + r.err()).isZero();
      assertThat(r.out()).contains("2 configurations").doesNotContain("[simulated]");
    } finally {
      System.clearProperty("inferwatt.state.dir");
    }
    // the core taken offline for the 1-core configuration is back online
    assertThat(Files.readString(root.resolve("sys/devices/system/cpu/cpu1/online")).trim())
        .isEqualTo("1");
    try (io.inferwatt.store.MeasurementStore store =
        io.inferwatt.store.MeasurementStore.open(Path.of(db))) {
      assertThat(store.studyConfigurations("cpu-cores")).hasSize(2);
      var run = store.run(store.runs().get(0).id()).orElseThrow();
      assertThat(run.simulated()).isFalse();
      assertThat(run.result().rails()).contains("in");
      assertThat(run.result().inferences().powerMw().get("in").mean()).isEqualTo(3000.0);
    }
  }
}
