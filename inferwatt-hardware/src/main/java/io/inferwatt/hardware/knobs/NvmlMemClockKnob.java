package io.inferwatt.hardware.knobs;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * {@code gpu.mem_clock_mhz}: the memory clock of an NVIDIA GPU locked to one supported value
 * ({@code nvmlDeviceSetMemoryLockedClocks} with min = max; Ampere and newer, root; a GPU that does
 * not allow it refuses with {@code NVML_ERROR_NOT_SUPPORTED}). The allowed values are the supported
 * memory clocks. Reads {@code unlocked} when no memory clock is locked.
 */
final class NvmlMemClockKnob extends BoardKnob {
  static final String UNLOCKED = "unlocked";

  private final Host host;
  private final NvmlControl nvml;
  private final int device;
  private final List<String> allowed;
  private volatile String dryRunValue;

  NvmlMemClockKnob(Host host, NvmlControl nvml, int device) {
    super("gpu.mem_clock_mhz", "MHz");
    this.host = host;
    this.nvml = nvml;
    this.device = device;
    List<String> values = new ArrayList<>();
    for (int mhz : new TreeSet<>(nvml.supportedMemoryClocksMhz(device))) {
      values.add(Integer.toString(mhz));
    }
    if (values.isEmpty()) {
      throw new IllegalStateException(
          "NVIDIA GPU " + device + " reports no supported memory clocks");
    }
    this.allowed = List.copyOf(values);
  }

  @Override
  public List<String> allowed() {
    return allowed;
  }

  @Override
  public String read() {
    if (dryRunValue != null) {
      return dryRunValue;
    }
    OptionalInt locked = nvml.lockedMemoryClockMhz(device);
    return locked.isPresent() ? Integer.toString(locked.getAsInt()) : UNLOCKED;
  }

  @Override
  void change(String value) {
    int mhz = Integer.parseInt(value);
    if (host.isDryRun()) {
      host.dryRunReport(
          "would call nvmlDeviceSetMemoryLockedClocks(" + device + ", " + mhz + ", " + mhz + ")");
      dryRunValue = value;
      return;
    }
    nvml.setMemoryLockedClocksMhz(device, mhz, mhz);
  }

  @Override
  boolean owns(RestoreStep step) {
    String dev = Integer.toString(device);
    return (is(step, "nvml-reset-mem-clocks", 1) && step.args().get(0).equals(dev))
        || (is(step, "nvml-lock-mem-clocks", 2)
            && step.args().get(0).equals(dev)
            && allowed.contains(step.args().get(1)));
  }

  @Override
  public List<RestoreStep> restoreSteps() {
    String now = read();
    return now.equals(UNLOCKED)
        ? List.of(new RestoreStep("nvml-reset-mem-clocks", List.of(Integer.toString(device))))
        : List.of(new RestoreStep("nvml-lock-mem-clocks", List.of(Integer.toString(device), now)));
  }
}
