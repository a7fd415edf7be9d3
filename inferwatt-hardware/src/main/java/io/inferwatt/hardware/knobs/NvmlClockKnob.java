package io.inferwatt.hardware.knobs;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * {@code gpu.clock_mhz}: the graphics clock of an NVIDIA GPU locked to one supported value ({@code
 * nvmlDeviceSetGpuLockedClocks} with min = max). The allowed values are the supported graphics
 * clocks at the highest supported memory clock. Reads {@code unlocked} when no clock is locked.
 */
final class NvmlClockKnob extends BoardKnob {
  static final String UNLOCKED = "unlocked";

  private final Host host;
  private final NvmlBinding nvml;
  private final int device;
  private final List<String> allowed;
  private volatile String dryRunValue;

  NvmlClockKnob(Host host, NvmlBinding nvml, int device) {
    super("gpu.clock_mhz", "MHz");
    this.host = host;
    this.nvml = nvml;
    this.device = device;
    List<Integer> mem = nvml.supportedMemoryClocksMhz(device);
    if (mem.isEmpty()) {
      throw new IllegalStateException(
          "NVIDIA GPU " + device + " reports no supported memory clocks");
    }
    int top = mem.stream().mapToInt(Integer::intValue).max().getAsInt();
    List<String> values = new ArrayList<>();
    for (int mhz : new TreeSet<>(nvml.supportedGraphicsClocksMhz(device, top))) {
      values.add(Integer.toString(mhz));
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
    OptionalInt locked = nvml.lockedGraphicsClockMhz(device);
    return locked.isPresent() ? Integer.toString(locked.getAsInt()) : UNLOCKED;
  }

  @Override
  void change(String value) {
    int mhz = Integer.parseInt(value);
    if (host.isDryRun()) {
      host.dryRunReport(
          "would call nvmlDeviceSetGpuLockedClocks(" + device + ", " + mhz + ", " + mhz + ")");
      dryRunValue = value;
      return;
    }
    nvml.setGpuLockedClocksMhz(device, mhz, mhz);
  }

  @Override
  boolean owns(RestoreStep step) {
    String dev = Integer.toString(device);
    return (is(step, "nvml-reset-clocks", 1) && step.args().get(0).equals(dev))
        || (is(step, "nvml-lock-clocks", 2)
            && step.args().get(0).equals(dev)
            && allowed.contains(step.args().get(1)));
  }

  @Override
  public List<RestoreStep> restoreSteps() {
    String now = read();
    return now.equals(UNLOCKED)
        ? List.of(new RestoreStep("nvml-reset-clocks", List.of(Integer.toString(device))))
        : List.of(new RestoreStep("nvml-lock-clocks", List.of(Integer.toString(device), now)));
  }
}
