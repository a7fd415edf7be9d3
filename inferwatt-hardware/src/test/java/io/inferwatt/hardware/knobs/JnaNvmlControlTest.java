package io.inferwatt.hardware.knobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The GPU knobs' JNA binding: through a fake {@code libnvidia-ml} (the binding's {@code Lib}
 * interface implemented in Java: an H100-like GPU that refuses changes without root), and through
 * the real library where this machine has one.
 */
class JnaNvmlControlTest {

  /** One GPU; {@code root} decides whether the setters succeed or return NO_PERMISSION. */
  static final class FakeLib implements JnaNvmlControl.Lib {
    boolean root;
    int limitMw = 700_000;
    int lockedMin = -1;
    int lockedMax = -1;
    int calls;

    @Override
    public int nvmlInit_v2() {
      return 0;
    }

    @Override
    public String nvmlErrorString(int result) {
      return result == 4 ? "Insufficient Permissions" : "Not Supported";
    }

    @Override
    public int nvmlDeviceGetCount_v2(IntByReference count) {
      count.setValue(1);
      return 0;
    }

    @Override
    public int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device) {
      device.setValue(new Pointer(0x1000 + index));
      return 0;
    }

    @Override
    public int nvmlDeviceGetSupportedMemoryClocks(
        Pointer device, IntByReference count, int[] clocks) {
      count.setValue(1);
      clocks[0] = 2619;
      return 0;
    }

    @Override
    public int nvmlDeviceGetSupportedGraphicsClocks(
        Pointer device, int mem, IntByReference count, int[] clocks) {
      // more clocks than the first buffer holds: the binding must ask again with a larger one
      int n = 200;
      if (count.getValue() < n) {
        count.setValue(n);
        return JnaNvmlControl.INSUFFICIENT_SIZE;
      }
      for (int i = 0; i < n; i++) {
        clocks[i] = 1980 - 5 * i;
      }
      count.setValue(n);
      return 0;
    }

    @Override
    public int nvmlDeviceSetGpuLockedClocks(Pointer device, int min, int max) {
      calls++;
      if (!root) {
        return 4;
      }
      lockedMin = min;
      lockedMax = max;
      return 0;
    }

    @Override
    public int nvmlDeviceResetGpuLockedClocks(Pointer device) {
      calls++;
      lockedMin = -1;
      lockedMax = -1;
      return root ? 0 : 4;
    }

    int lockedMem = -1;

    @Override
    public int nvmlDeviceSetMemoryLockedClocks(Pointer device, int min, int max) {
      calls++;
      if (!root) {
        return 4;
      }
      lockedMem = min;
      return 0;
    }

    @Override
    public int nvmlDeviceResetMemoryLockedClocks(Pointer device) {
      calls++;
      lockedMem = -1;
      return root ? 0 : 4;
    }

    @Override
    public int nvmlDeviceGetPowerManagementLimit(Pointer device, IntByReference mw) {
      mw.setValue(limitMw);
      return 0;
    }

    @Override
    public int nvmlDeviceGetPowerManagementLimitConstraints(
        Pointer device, IntByReference lo, IntByReference hi) {
      lo.setValue(200_000);
      hi.setValue(700_000);
      return 0;
    }

    @Override
    public int nvmlDeviceSetPowerManagementLimit(Pointer device, int mw) {
      calls++;
      if (!root) {
        return 4;
      }
      if (mw < 200_000 || mw > 700_000) {
        return 2;
      }
      limitMw = mw;
      return 0;
    }
  }

  @Test
  void setsReadsAndRestoresAsRoot() {
    FakeLib lib = new FakeLib();
    lib.root = true;
    JnaNvmlControl nvml = new JnaNvmlControl(lib);
    assertThat(nvml.deviceCount()).isEqualTo(1);
    assertThat(nvml.supportedMemoryClocksMhz(0)).containsExactly(2619);
    assertThat(nvml.supportedGraphicsClocksMhz(0, 2619)).hasSize(200).startsWith(1980, 1975);
    assertThat(nvml.powerLimitConstraintsMw(0)).containsExactly(200_000, 700_000);
    nvml.setPowerLimitMw(0, 350_000);
    assertThat(nvml.powerLimitMw(0)).isEqualTo(350_000);
    assertThat(nvml.lockedGraphicsClockMhz(0)).isEqualTo(OptionalInt.empty());
    nvml.setGpuLockedClocksMhz(0, 1410, 1410);
    assertThat(lib.lockedMin).isEqualTo(1410);
    assertThat(nvml.lockedGraphicsClockMhz(0)).hasValue(1410);
    nvml.resetGpuLockedClocks(0);
    assertThat(nvml.lockedGraphicsClockMhz(0)).isEmpty();
    // the knobs on top of the binding, with their restore steps
    Host host =
        Host.of(
            java.nio.file.Path.of("/nonexistent"), ProcessRunner.system(), SysfsWriter.direct());
    var knobs = Knobs.nvidiaGpu(host, nvml, 0);
    var limit = knobs.stream().filter(k -> k.name().equals("gpu.power_limit_mw")).findFirst();
    assertThat(limit).isPresent();
    assertThat(limit.get().allowed()).contains("200000", "450000", "700000");
    assertThat(knobs)
        .extracting(io.inferwatt.hardware.Knob::name)
        .containsExactly("gpu.clock_mhz", "gpu.mem_clock_mhz", "gpu.power_limit_mw");
    var mem = knobs.get(1);
    assertThat(mem.allowed()).containsExactly("2619");
    assertThat(mem.read()).isEqualTo("unlocked");
    mem.apply("2619");
    assertThat(lib.lockedMem).isEqualTo(2619);
    assertThat(mem.read()).isEqualTo("2619");
    // the saved state's step for the memory clock, replayed as restore does
    Steps.replay(new RestoreStep("nvml-reset-mem-clocks", java.util.List.of("0")), host, nvml);
    assertThat(lib.lockedMem).isEqualTo(-1);
    assertThat(mem.read()).isEqualTo("unlocked");
  }

  @Test
  void aRefusedSettingNamesTheNvmlReturnCode() {
    FakeLib lib = new FakeLib();
    JnaNvmlControl nvml = new JnaNvmlControl(lib);
    assertThatThrownBy(() -> nvml.setPowerLimitMw(0, 300_000))
        .isInstanceOf(NvmlRefusedException.class)
        .isInstanceOf(io.inferwatt.core.BadInput.class)
        .hasMessageContaining("nvmlDeviceSetPowerManagementLimit(gpu 0, 300000 mW)")
        .hasMessageContaining("NVML_ERROR_NO_PERMISSION (4, \"Insufficient Permissions\")")
        .hasMessageContaining("root");
    assertThatThrownBy(() -> nvml.setGpuLockedClocksMhz(0, 1410, 1410))
        .hasMessageContaining("NVML_ERROR_NO_PERMISSION");
    assertThat(nvml.lockedGraphicsClockMhz(0)).isEmpty();
    lib.root = true;
    assertThatThrownBy(() -> nvml.setPowerLimitMw(0, 900_000))
        .hasMessageContaining("NVML_ERROR_INVALID_ARGUMENT (2");
    assertThatThrownBy(() -> nvml.powerLimitMw(3)).hasMessageContaining("GPU 3 does not exist");
    lib.root = false;
    assertThatThrownBy(() -> nvml.setMemoryLockedClocksMhz(0, 2619, 2619))
        .hasMessageContaining("nvmlDeviceSetMemoryLockedClocks(gpu 0, 2619, 2619 MHz)")
        .hasMessageContaining("NVML_ERROR_NO_PERMISSION");
  }

  @Test
  void theRealLibraryWherePresent() {
    NvmlControl nvml;
    try {
      nvml = JnaNvmlControl.load();
    } catch (NvmlRefusedException e) {
      assumeTrue(false, "no libnvidia-ml.so.1 on this machine: " + e.getMessage());
      return;
    }
    assumeTrue(nvml.deviceCount() > 0, "NVML sees no GPU");
    int[] c = nvml.powerLimitConstraintsMw(0);
    int limit = nvml.powerLimitMw(0);
    assertThat(limit).isBetween(c[0], c[1]);
    assertThat(nvml.supportedMemoryClocksMhz(0)).isNotEmpty();
    // Setting the limit it already has: succeeds as root, else names NO_PERMISSION. A test run
    // must not touch a machine's GPU settings unless asked to, so this part is opt-in.
    if (!"1".equals(System.getenv("INFERWATT_TEST_NVML_WRITE"))) {
      return;
    }
    try {
      nvml.setPowerLimitMw(0, limit);
      assertThat(nvml.powerLimitMw(0)).isEqualTo(limit);
    } catch (NvmlRefusedException e) {
      assertThat(e.getMessage()).contains("NVML_ERROR_");
    }
  }
}
