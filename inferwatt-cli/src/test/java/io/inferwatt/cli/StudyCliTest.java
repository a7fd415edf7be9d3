package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.inferwatt.store.MeasurementStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code study}, {@code optima} and {@code restore} end to end, on the virtual Nano and a fake
 * Jetson tree.
 */
class StudyCliTest {
  @TempDir Path dir;
  private String savedStateDir;

  private static final String PLAN =
      """
      study: cli
      board: sim:nano
      seed: 5
      protocol: {warmup: 1, cycles: 20, max_layer_cycles: 20, min_samples_per_layer: 5, idle: 10ms}
      baseline: {model: mobilenetv2, cpu.cores: 4}
      sweeps:
        - name: cores
          vary: {cpu.cores: [1, 4]}
        - name: clocks
          vary: {cpu.freq_khz: [102000, 307200, 1479000], gpu.freq_hz: [76800000, 921600000]}
        - name: mode-batch
          grid: {mode: [sync, async], batch: [1, 4]}
      """;

  @BeforeEach
  void isolateTheStateFolder() {
    savedStateDir = System.getProperty("inferwatt.state.dir");
    System.setProperty("inferwatt.state.dir", dir.resolve("state").toString());
  }

  @AfterEach
  void restoreProperty() {
    if (savedStateDir == null) {
      System.clearProperty("inferwatt.state.dir");
    } else {
      System.setProperty("inferwatt.state.dir", savedStateDir);
    }
  }

  private Path plan(String text) throws Exception {
    Path p = dir.resolve("plan.yaml");
    Files.writeString(p, text);
    return p;
  }

  private String db() {
    return dir.resolve("s.duckdb").toString();
  }

  @Test
  void aPlanWithTheOldKeyBaseRunsTheSameConfigurationsWithOneNoteOnStderr() throws Exception {
    Path p = plan(PLAN);
    CliTest.Run now = CliTest.run("study", "run", p.toString(), "--db", db(), "--dry-run");
    assertThat(now.code()).as(now.err()).isZero();
    assertThat(now.err()).doesNotContain("'base'");
    Path old = dir.resolve("old.yaml");
    Files.writeString(old, PLAN.replace("baseline:", "base:"));
    CliTest.Run was = CliTest.run("study", "run", old.toString(), "--db", db(), "--dry-run");
    assertThat(was.code()).as(was.err()).isZero();
    assertThat(was.err().lines().filter(l -> l.contains("'base'")))
        .containsExactly(
            old + ": the key 'base' is now called 'baseline'; 'base' still works, rename it");
    assertThat(was.out()).isEqualTo(now.out());
  }

  @Test
  void aStudyRunsStoresResumesAndGivesItsOptima() throws Exception {
    Path p = plan(PLAN);
    CliTest.Run r = CliTest.run("study", "run", p.toString(), "--db", db());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains(
            "[simulated] study cli on sim:nano: 8 configurations; 0 were already stored, 8 measured now");
    assertThat(r.err()).contains("configuration 8/8 done");
    CliTest.Run again = CliTest.run("study", "run", p.toString(), "--db", db());
    assertThat(again.out()).contains("8 were already stored, 0 measured now");

    CliTest.Run list = CliTest.run("study", "list", "--db", db());
    assertThat(list.out()).contains("cli").contains("8/8").contains("[simulated]");

    CliTest.Run o = CliTest.run("optima", "--db", db(), "--format", "json");
    assertThat(o.code()).as(o.err()).isZero();
    JsonNode j = o.json();
    // these optima are the ones the virtual Nano was calibrated to: a regression guard of the
    // whole path, not evidence (OptimaTest proves the optima's logic on hand-built outcomes)
    assertThat(j.at("/power/best/cpu_cores").asInt()).isEqualTo(1);
    assertThat(j.at("/power/best/cpu_freq_khz").asLong()).isEqualTo(102000);
    assertThat(j.at("/power/best/gpu_freq_hz").asLong()).isEqualTo(76800000);
    assertThat(j.at("/power/best/mode").asText()).isEqualTo("sync");
    assertThat(j.at("/power/best/batch").asInt()).isEqualTo(1);
    assertThat(j.at("/latency/best/gpu_freq_hz").asLong()).isEqualTo(921600000);
    assertThat(j.at("/latency/best/mode").asText()).isEqualTo("async");
    assertThat(j.at("/energy/best/cpu_freq_khz").asLong()).isEqualTo(307200);
    assertThat(j.at("/energy/best/cpu_cores").asInt()).isEqualTo(1);
    assertThat(j.get("slices").size()).isEqualTo(4);
    assertThat(j.get("pareto").size()).isPositive();
    assertThat(j.get("energy_ranking").get(0).get("slice").asText())
        .isEqualTo("clocks/gpu.freq_hz");

    CliTest.Run t = CliTest.run("optima", "--db", db(), "--study", "cli");
    assertThat(t.out()).contains("[simulated] power (mW)").contains("cpu.freq_khz   best 102000");
    assertThat(CliTest.run("optima", "--db", db(), "--study", "nope").err())
        .contains("study 'nope' is not in");
  }

  @Test
  void aBadPlanFailsAtOnceWithEveryProblem() throws Exception {
    Path p = plan(PLAN.replace("[1, 4]}", "[1, 9]}").replace("[76800000, 921600000]", "[1]"));
    CliTest.Run r = CliTest.run("study", "run", p.toString(), "--db", db());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("2 problems")
        .contains("cpu.cores 9 is not one of")
        .contains("gpu.freq_hz 1 is not one of");
    assertThat(Path.of(db())).doesNotExist();
  }

  @Test
  void aStudyKilledWithSignal9ResumesWithEveryConfigurationExactlyOnce() throws Exception {
    Path p =
        plan(
            PLAN.replace("cycles: 20, max_layer_cycles: 20", "cycles: 400, max_layer_cycles: 400"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "-Dinferwatt.state.dir=" + dir.resolve("state"),
                Main.class.getName(),
                "study",
                "run",
                p.toString(),
                "--db",
                db())
            .redirectOutput(dir.resolve("child.out").toFile())
            .start();
    try (BufferedReader err =
        new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = err.readLine()) != null && !line.contains("configuration 3/8 done")) {
        // wait for three finished configurations
      }
      assertThat(line).as("child ended early").isNotNull();
      child.destroyForcibly();
      assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    try (MeasurementStore s = MeasurementStore.open(Path.of(db()))) {
      int stored = s.studyConfigurations("cli").size();
      assertThat(stored).isBetween(3, 7);
      assertThat(s.runs()).hasSize(stored); // no half-stored configuration
    }
    CliTest.Run r = CliTest.run("study", "run", p.toString(), "--db", db());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .containsPattern("8 configurations; [3-7] were already stored, [1-5] measured now");
    try (MeasurementStore s = MeasurementStore.open(Path.of(db()))) {
      assertThat(s.studyConfigurations("cli")).hasSize(8);
      assertThat(s.runs()).hasSize(8);
    }
    try (io.inferwatt.store.SqlConsole s = io.inferwatt.store.SqlConsole.open(Path.of(db()))) {
      assertThat(s.query("SELECT count(DISTINCT config_key) FROM study_configurations", 0).rows())
          .containsExactly(List.of("8"));
    }
  }

  /** A minimal Jetson tree: four cores and the Nano's cpufreq table. */
  private Path jetsonTree() throws Exception {
    Path root = dir.resolve("board");
    for (int c = 0; c < 4; c++) {
      write(root, "sys/devices/system/cpu/cpu" + c + "/online", "1");
    }
    String f = "sys/devices/system/cpu/cpu0/cpufreq/";
    write(root, f + "scaling_available_frequencies", "102000 307200 1479000");
    write(root, f + "scaling_min_freq", "102000");
    write(root, f + "scaling_max_freq", "1479000");
    return root;
  }

  private static void write(Path root, String rel, String text) throws Exception {
    Files.createDirectories(root.resolve(rel).getParent());
    Files.writeString(root.resolve(rel), text);
  }

  @Test
  void aDryRunOnAJetsonPrintsEveryWriteAndChangesNothing() throws Exception {
    Path root = jetsonTree();
    Path p =
        plan(
            """
        study: j
        board: jetson
        engine: tensorrt
        sweeps:
          - name: cores
            vary: {cpu.cores: [1, 4]}
          - name: cpu
            vary: {cpu.freq_khz: all}
        """);
    CliTest.Run r =
        CliTest.run(
            "study",
            "run",
            p.toString(),
            "--db",
            db(),
            "--dry-run",
            "--sysfs-root",
            root.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("dry run of study j on jetson: 4 configurations")
        .contains("would write 0 to /sys/devices/system/cpu/cpu3/online")
        .contains("would write 307200 to /sys/devices/system/cpu/cpu0/cpufreq/scaling_min_freq")
        .contains("and at the end, the restore:")
        .contains("would write 1 to /sys/devices/system/cpu/cpu3/online");
    assertThat(Files.readString(root.resolve("sys/devices/system/cpu/cpu3/online"))).isEqualTo("1");
    assertThat(
            Files.readString(root.resolve("sys/devices/system/cpu/cpu0/cpufreq/scaling_min_freq")))
        .isEqualTo("102000");
    assertThat(Path.of(db())).doesNotExist();

    CliTest.Run real =
        CliTest.run("study", "run", p.toString(), "--db", db(), "--sysfs-root", root.toString());
    assertThat(real.code()).isEqualTo(2);
    assertThat(real.err()).contains("trtexec is neither at");
  }

  @Test
  void settingsLeftByADeadProcessAreRestoredByTheNextCommandAndByRestore() throws Exception {
    Path root = jetsonTree();
    Files.writeString(root.resolve("sys/devices/system/cpu/cpu3/online"), "0");
    write(
        dir,
        "state/jetson.pending",
        "inferwatt-state\t1\nboard\tjetson\nroot\t"
            + root
            + "\npid\t999\n"
            + "step\twrite\t/sys/devices/system/cpu/cpu3/online\t1\n");
    CliTest.Run r = CliTest.run("runs", "--db", dir.resolve("none.duckdb").toString());
    assertThat(r.err())
        .contains("inferwatt: restored 1 saved setting(s) of board jetson left by process 999");
    assertThat(Files.readString(root.resolve("sys/devices/system/cpu/cpu3/online"))).isEqualTo("1");
    assertThat(dir.resolve("state/jetson.pending")).doesNotExist();

    Files.writeString(root.resolve("sys/devices/system/cpu/cpu3/online"), "0");
    write(
        dir,
        "state/jetson.pending",
        "inferwatt-state\t1\nboard\tjetson\nroot\t"
            + root
            + "\npid\t998\n"
            + "step\twrite\t/sys/devices/system/cpu/cpu3/online\t1\n");
    CliTest.Run restore = CliTest.run("restore");
    assertThat(restore.code()).as(restore.err()).isZero();
    assertThat(restore.out())
        .contains("restored 1 saved setting(s) of board jetson left by process 998");
    assertThat(Files.readString(root.resolve("sys/devices/system/cpu/cpu3/online"))).isEqualTo("1");
    assertThat(CliTest.run("restore").out()).contains("nothing to restore");
  }
}
