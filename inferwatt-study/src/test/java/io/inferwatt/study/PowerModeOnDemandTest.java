package io.inferwatt.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.core.Timeline;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.sim.VirtualNano;
import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.Rail;
import io.inferwatt.hardware.Recorder;
import io.inferwatt.hardware.knobs.Host;
import io.inferwatt.hardware.knobs.ProcessRunner;
import io.inferwatt.hardware.knobs.SysfsWriter;
import io.inferwatt.study.boards.Boards;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Jetson without {@code nvpmodel} (a fake tree whose tool runner cannot start it): a study that
 * never names the power mode never runs the tool; one that names it says what is missing.
 */
class PowerModeOnDemandTest {
  @TempDir Path root;
  private final List<List<String>> ran = new ArrayList<>();

  private static final String PROTOCOL =
      "protocol: {warmup: 1, cycles: 5, max_layer_cycles: 5, min_samples_per_layer: 1,"
          + " idle: 5ms}\n";

  private Host jetsonWithoutNvpmodel() throws IOException {
    for (int c = 0; c < 4; c++) {
      write("sys/devices/system/cpu/cpu" + c + "/online", "1");
    }
    String f = "sys/devices/system/cpu/cpu0/cpufreq/";
    write(f + "scaling_available_frequencies", "102000 307200 1479000");
    write(f + "scaling_min_freq", "102000");
    write(f + "scaling_max_freq", "1479000");
    write("etc/nvpmodel.conf", "< POWER_MODEL ID=0 NAME=MAXN >\n< POWER_MODEL ID=1 NAME=5W >\n");
    ProcessRunner none =
        (command, timeout) -> {
          ran.add(command);
          throw new IllegalStateException(
              "cannot start " + String.join(" ", command) + ": error=2, No such file or directory");
        };
    return Host.of(root, none, SysfsWriter.direct());
  }

  private void write(String rel, String text) throws IOException {
    Files.createDirectories(root.resolve(rel).getParent());
    Files.writeString(root.resolve(rel), text);
  }

  /** The fake Jetson's knobs, with the virtual Nano's engine measuring. */
  private static Recorder measuring(List<Knob> knobs) {
    VirtualNano nano = VirtualNano.create(1);
    return new Recorder() {
      @Override
      public String board() {
        return "jetson";
      }

      @Override
      public boolean simulated() {
        return true;
      }

      @Override
      public List<Rail> rails() {
        return nano.rails();
      }

      @Override
      public List<Knob> knobs() {
        return knobs;
      }

      @Override
      public Timeline record(Workload w, Protocol p, ProgressListener l) {
        return nano.record(w, p, l);
      }
    };
  }

  @Test
  void aStudyThatNeverNamesThePowerModeNeverRunsNvpmodel() throws IOException {
    List<Knob> knobs = Boards.get("jetson").knobs(jetsonWithoutNvpmodel());
    assertThat(knobs).extracting(Knob::name).contains("power.mode", "cpu.cores");
    Plan plan =
        Plans.parse(
            "study: j\nboard: jetson\nengine: onnxruntime\n"
                + PROTOCOL
                + "sweeps:\n  - name: cores\n    vary: {cpu.cores: [1, 4]}\n",
            "j.yaml");
    Expansion e = Plans.expand(plan, "jetson", Boards.get("jetson").engines(), knobs);
    assertThat(e.configurations())
        .hasSize(2)
        .allSatisfy(c -> assertThat(c.settings()).doesNotContainKey("power.mode"));
    StudyRunnerTest.MemorySink sink = new StudyRunnerTest.MemorySink();
    StudyRunner.run(measuring(knobs), e, sink, new StudyRunner.Listener() {});
    assertThat(sink.stored).hasSize(2);
    assertThat(sink.stored.values())
        .allSatisfy(
            r -> assertThat(r.settings()).containsKey("cpu.cores").doesNotContainKey("power.mode"));
    assertThat(ran).isEmpty();
    assertThat(Files.readString(root.resolve("sys/devices/system/cpu/cpu3/online"))).isEqualTo("1");
  }

  @Test
  void aStudyThatNamesThePowerModeSaysThatNvpmodelIsMissing() throws IOException {
    List<Knob> knobs = Boards.get("jetson").knobs(jetsonWithoutNvpmodel());
    Plan plan =
        Plans.parse(
            "study: j\nboard: jetson\nengine: onnxruntime\n"
                + PROTOCOL
                + "sweeps:\n  - name: modes\n    vary: {power.mode: [0, 1]}\n",
            "j.yaml");
    assertThatThrownBy(() -> Plans.expand(plan, "jetson", List.of("onnxruntime"), knobs))
        .hasMessageContaining("power.mode needs nvpmodel: cannot start nvpmodel -q")
        .hasMessageContaining("leave power.mode out");
    assertThat(ran).containsExactly(List.of("nvpmodel", "-q"));
  }
}
