package io.inferwatt.hardware.knobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.hardware.Knob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Jetson, Linux CPU and NVML knobs against fake sysfs trees, a fake nvpmodel and a fake NVML.
 */
class KnobsTest {
  @TempDir Path root;

  private Host nano() {
    FakeJetson.nano(root);
    return Host.of(root, FakeJetson.nvpmodel(root, false), SysfsWriter.direct());
  }

  private static Knob knob(List<Knob> knobs, String name) {
    return knobs.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void nanoKnobsAreFoundWithTheirAllowedValuesAndCurrentState() {
    List<Knob> knobs = Knobs.jetson(nano());
    assertThat(knobs)
        .extracting(Knob::name)
        .containsExactly("power.mode", "cpu.cores", "cpu.freq_khz", "gpu.freq_hz", "emc.freq_hz");
    assertThat(knob(knobs, "cpu.cores").allowed()).containsExactly("1", "2", "3", "4");
    assertThat(knob(knobs, "cpu.freq_khz").allowed())
        .hasSize(15)
        .startsWith("102000")
        .endsWith("1479000");
    assertThat(knob(knobs, "gpu.freq_hz").allowed())
        .hasSize(12)
        .startsWith("76800000")
        .endsWith("921600000");
    assertThat(knob(knobs, "power.mode").allowed()).containsExactly("0", "1");
    assertThat(knob(knobs, "emc.freq_hz").allowed()).hasSize(7).endsWith("1600000000");
    assertThat(knobs)
        .extracting(Knob::read)
        .containsExactly("0", "4", "1479000", "921600000", "1600000000");
  }

  @Test
  void applyPinsEachKnobAndReadsItBack() {
    Host host = nano();
    List<Knob> knobs = Knobs.jetson(host);
    knob(knobs, "cpu.freq_khz").apply("307200");
    knob(knobs, "gpu.freq_hz").apply("537600000");
    knob(knobs, "cpu.cores").apply("2");
    knob(knobs, "power.mode").apply("1");
    knob(knobs, "emc.freq_hz").apply("800000000");
    String f = "sys/devices/system/cpu/cpu0/cpufreq/";
    assertThat(FakeJetson.read(root, f + "scaling_min_freq")).isEqualTo("307200");
    assertThat(FakeJetson.read(root, f + "scaling_max_freq")).isEqualTo("307200");
    String g = "sys/devices/57000000.gpu/devfreq/57000000.gpu/";
    assertThat(FakeJetson.read(root, g + "min_freq")).isEqualTo("537600000");
    assertThat(FakeJetson.read(root, g + "max_freq")).isEqualTo("537600000");
    assertThat(FakeJetson.read(root, "sys/devices/system/cpu/cpu1/online")).isEqualTo("1");
    assertThat(FakeJetson.read(root, "sys/devices/system/cpu/cpu2/online")).isEqualTo("0");
    assertThat(FakeJetson.read(root, "sys/devices/system/cpu/cpu3/online")).isEqualTo("0");
    assertThat(FakeJetson.read(root, "sys/devices/system/cpu/cpu0/online")).isEqualTo("1");
    assertThat(FakeJetson.read(root, "var/lib/nvpmodel/status")).isEqualTo("pmode:0001");
    assertThat(FakeJetson.read(root, "sys/kernel/debug/clk/override.emc/clk_state")).isEqualTo("1");
    assertThat(knobs)
        .extracting(Knob::read)
        .containsExactly("1", "2", "307200", "537600000", "800000000");
    // back up: the maximum must go first when the new minimum lies above the old maximum
    knob(knobs, "cpu.freq_khz").apply("1479000");
    assertThat(knob(knobs, "cpu.freq_khz").read()).isEqualTo("1479000");
  }

  @Test
  void aValueNotAllowedIsRefusedWithTheListAndNothingIsWritten() {
    Host host = nano();
    Map<String, String> before = FakeJetson.snapshot(root);
    List<Knob> knobs = Knobs.jetson(host);
    assertThatThrownBy(() -> knob(knobs, "cpu.freq_khz").apply("300000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cpu.freq_khz 300000 kHz is not one of 102000, 204000, 307200");
    assertThatThrownBy(() -> knob(knobs, "gpu.freq_hz").apply("900000000"))
        .hasMessageContaining("921600000");
    assertThatThrownBy(() -> knob(knobs, "cpu.cores").apply("5"))
        .hasMessageContaining("cpu.cores 5 cores is not one of 1, 2, 3, 4");
    assertThatThrownBy(() -> knob(knobs, "power.mode").apply("7"))
        .hasMessageContaining("is not one of 0 (MAXN), 1 (5W)");
    assertThat(FakeJetson.snapshot(root)).isEqualTo(before);
  }

  @Test
  void aWriteTheKernelRefusesFailsWithItsReason() {
    FakeJetson.nano(root);
    SysfsWriter einval =
        (file, value) -> {
          if (file.toString().endsWith("min_freq")) {
            throw new IOException("Invalid argument");
          }
          SysfsWriter.direct().write(file, value);
        };
    List<Knob> knobs = Knobs.jetson(Host.of(root, FakeJetson.nvpmodel(root, false), einval));
    assertThatThrownBy(() -> knob(knobs, "gpu.freq_hz").apply("537600000"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "refused writing 537600000 to /sys/class/devfreq/57000000.gpu/min_freq")
        .hasMessageContaining("Invalid argument");
    SysfsWriter eperm =
        (file, value) -> {
          throw new java.nio.file.AccessDeniedException(
              file.toString(), null, "Operation not permitted");
        };
    List<Knob> noRoot = Knobs.jetson(Host.of(root, FakeJetson.nvpmodel(root, false), eperm));
    assertThatThrownBy(() -> knob(noRoot, "cpu.cores").apply("1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/sys/devices/system/cpu/cpu3/online")
        .hasMessageContaining("Operation not permitted");
  }

  @Test
  void aValueThatDoesNotStickIsRefused() {
    FakeJetson.nano(root);
    // like a cap from nvpmodel: the kernel clamps scaling_max_freq to 1428000
    SysfsWriter clamp =
        (file, value) ->
            SysfsWriter.direct()
                .write(
                    file,
                    file.toString().endsWith("scaling_max_freq") && Long.parseLong(value) > 1428000
                        ? "1428000"
                        : value);
    List<Knob> knobs = Knobs.jetson(Host.of(root, FakeJetson.nvpmodel(root, false), clamp));
    Knob cpu = knob(knobs, "cpu.freq_khz");
    cpu.apply("921600");
    assertThatThrownBy(() -> cpu.apply("1479000"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "set to 1479000 kHz but /sys/devices/system/cpu/cpu0/cpufreq reads back");
    // a core that stays online
    SysfsWriter stuck =
        (file, value) -> {
          if (!file.toString().endsWith("cpu3/online")) {
            SysfsWriter.direct().write(file, value);
          }
        };
    Knob cores =
        knob(Knobs.jetson(Host.of(root, FakeJetson.nvpmodel(root, false), stuck)), "cpu.cores");
    assertThatThrownBy(() -> cores.apply("3"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("reads back 4 cores");
  }

  @Test
  void orinWithJetPack6HasTwoPoliciesAndItsGpuUnderBus() {
    FakeJetson.orin(root);
    Host host = Host.of(root, FakeJetson.nvpmodel(root, true), SysfsWriter.direct());
    List<Knob> knobs = Knobs.jetson(host);
    assertThat(knobs)
        .extracting(Knob::name)
        .containsExactly("power.mode", "cpu.cores", "cpu.freq_khz", "gpu.freq_hz");
    assertThat(knob(knobs, "power.mode").read()).isEqualTo("2");
    assertThat(knob(knobs, "cpu.cores").allowed()).hasSize(6);
    assertThat(knob(knobs, "gpu.freq_hz").allowed())
        .containsExactly("306000000", "420000000", "522000000", "625000000");
    knob(knobs, "cpu.freq_khz").apply("1036800");
    knob(knobs, "gpu.freq_hz").apply("420000000");
    knob(knobs, "power.mode").apply("1");
    for (String p : List.of("policy0", "policy4")) {
      String f = "sys/devices/system/cpu/cpufreq/" + p + "/";
      assertThat(FakeJetson.read(root, f + "scaling_min_freq")).isEqualTo("1036800");
      assertThat(FakeJetson.read(root, f + "scaling_max_freq")).isEqualTo("1036800");
    }
    String g = "sys/devices/platform/bus@0/17000000.gpu/devfreq/17000000.gpu/";
    assertThat(FakeJetson.read(root, g + "min_freq")).isEqualTo("420000000");
    assertThat(knob(knobs, "power.mode").read()).isEqualTo("1");
  }

  @Test
  void nvpmodelQueryOutputOfEachJetPackParses() {
    assertThat(NvpmodelKnob.parseQuery("NV Power Mode: MAXN\n0\n")).isEqualTo("0");
    assertThat(
            NvpmodelKnob.parseQuery(
                "NVPM WARN: Golden image context is already created\nNV Power Mode: MAXN_SUPER\n2\n"))
        .isEqualTo("2");
    assertThatThrownBy(() -> NvpmodelKnob.parseQuery("NVPM ERROR: failed to read config"))
        .hasMessageContaining("NVPM ERROR");
  }

  @Test
  void linuxCpuWithTheUserspaceGovernor() {
    FakeJetson.nano(root);
    List<Knob> knobs =
        Knobs.linuxCpu(
            Host.of(root, FakeJetson.nvpmodel(root, false), SysfsWriter.direct()),
            CpuFreqMethod.USERSPACE);
    assertThat(knobs).extracting(Knob::name).containsExactly("cpu.cores", "cpu.freq_khz");
    knob(knobs, "cpu.freq_khz").apply("614400");
    String f = "sys/devices/system/cpu/cpu0/cpufreq/";
    assertThat(FakeJetson.read(root, f + "scaling_governor")).isEqualTo("userspace");
    assertThat(FakeJetson.read(root, f + "scaling_setspeed")).isEqualTo("614400");
  }

  @Test
  void aDryRunReportsEveryWriteAndChangesNothing() {
    Host host = nano();
    Map<String, String> before = FakeJetson.snapshot(root);
    List<String> log = new ArrayList<>();
    List<Knob> knobs = Knobs.jetson(host.dryRun(log::add));
    knob(knobs, "cpu.freq_khz").apply("307200");
    knob(knobs, "cpu.cores").apply("1");
    knob(knobs, "power.mode").apply("1");
    assertThat(log)
        .containsExactly(
            "would write 307200 to /sys/devices/system/cpu/cpu0/cpufreq/scaling_min_freq",
            "would write 307200 to /sys/devices/system/cpu/cpu0/cpufreq/scaling_max_freq",
            "would write 0 to /sys/devices/system/cpu/cpu3/online",
            "would write 0 to /sys/devices/system/cpu/cpu2/online",
            "would write 0 to /sys/devices/system/cpu/cpu1/online",
            "would run nvpmodel -m 1");
    assertThat(knob(knobs, "cpu.freq_khz").read()).isEqualTo("307200");
    assertThat(FakeJetson.snapshot(root)).isEqualTo(before);
  }

  @Test
  void nvidiaGpuKnobsGoThroughTheBinding() {
    FakeNvml nvml = new FakeNvml();
    Host host = Host.of(root, (c, t) -> new ProcessRunner.Result(1, "", ""), SysfsWriter.direct());
    List<Knob> knobs = Knobs.nvidiaGpu(host, nvml, 0);
    Knob clock = knob(knobs, "gpu.clock_mhz");
    Knob limit = knob(knobs, "gpu.power_limit_mw");
    assertThat(clock.allowed()).containsExactly("210", "1005", "1410", "1755");
    assertThat(clock.read()).isEqualTo("unlocked");
    clock.apply("1410");
    assertThat(nvml.locked).isEqualTo(1410);
    assertThat(clock.read()).isEqualTo("1410");
    assertThatThrownBy(() -> clock.apply("1400"))
        .hasMessageContaining("1400 MHz is not one of 210, 1005, 1410, 1755");
    assertThat(limit.allowed()).startsWith("100000", "101000").endsWith("449000", "450000");
    limit.apply("250000");
    assertThat(nvml.limitMw).isEqualTo(250000);
    assertThatThrownBy(() -> limit.apply("99000")).hasMessageContaining("from 100000 to 450000 mW");
    assertThat(((Restorable) clock).restoreSteps())
        .extracting(RestoreStep::toString)
        .containsExactly("nvml-lock-clocks 0 1410");
    nvml.refuse = "NO_PERMISSION";
    assertThatThrownBy(() -> clock.apply("210")).hasMessageContaining("NO_PERMISSION");
    assertThatThrownBy(() -> Knobs.nvidiaGpu(host, nvml, 3))
        .hasMessageContaining("GPU 3 does not exist");
  }

  @Test
  void noKnobsWhereTheFilesAreAbsent() throws IOException {
    Files.createDirectories(root.resolve("sys"));
    assertThat(
            Knobs.jetson(
                Host.of(root, (c, t) -> new ProcessRunner.Result(1, "", ""), SysfsWriter.direct())))
        .isEmpty();
  }
}
