package io.inferwatt.hardware.knobs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code gpu.app_clock_mhz}: the application graphics clock of an NVIDIA GPU ({@code
 * nvmlDeviceSetApplicationsClocks}, root), paired with the highest supported memory clock; the
 * allowed values are the supported graphics clocks at that memory clock. Unlike a locked clock,
 * NVML reads the application clocks back, so the saved state is the exact pair found before the
 * change ({@code nvml-app-clocks}), or a reset ({@code nvml-reset-app-clocks}) when they were the
 * defaults. A locked clock ({@code gpu.clock_mhz}) takes precedence over it on the GPU.
 */
final class NvmlAppClockKnob extends BoardKnob {
  static final String NAME = "gpu.app_clock_mhz";

  private final Host host;
  private final NvmlControl nvml;
  private final int device;
  private final int memoryMhz;
  private final List<String> allowed;
  private final List<Integer> memoryClocks;
  private volatile String dryRunValue;

  private NvmlAppClockKnob(Host host, NvmlControl nvml, int device) {
    super(NAME, "MHz");
    this.host = host;
    this.nvml = nvml;
    this.device = device;
    this.memoryClocks = List.copyOf(nvml.supportedMemoryClocksMhz(device));
    if (memoryClocks.isEmpty()) {
      throw new IllegalStateException("NVIDIA GPU " + device + " reports no memory clocks");
    }
    this.memoryMhz = memoryClocks.stream().mapToInt(Integer::intValue).max().getAsInt();
    List<String> values = new ArrayList<>();
    for (int mhz : new TreeSet<>(nvml.supportedGraphicsClocksMhz(device, memoryMhz))) {
      values.add(Integer.toString(mhz));
    }
    if (values.isEmpty()) {
      throw new IllegalStateException("NVIDIA GPU " + device + " reports no graphics clocks");
    }
    this.allowed = List.copyOf(values);
  }

  /**
   * The knob, or null when NVML does not read this GPU's application clocks (an older binding, or a
   * GPU that answers {@code NVML_ERROR_NOT_SUPPORTED}).
   */
  static NvmlAppClockKnob find(Host host, NvmlControl nvml, int device) {
    try {
      nvml.applicationsClocksMhz(device);
    } catch (IllegalStateException e) {
      return null;
    }
    return new NvmlAppClockKnob(host, nvml, device);
  }

  @Override
  public List<String> allowed() {
    return allowed;
  }

  @Override
  public String read() {
    return dryRunValue != null
        ? dryRunValue
        : Integer.toString(nvml.applicationsClocksMhz(device)[1]);
  }

  @Override
  void change(String value) {
    int mhz = Integer.parseInt(value);
    if (host.isDryRun()) {
      host.dryRunReport(
          "would call nvmlDeviceSetApplicationsClocks("
              + device
              + ", "
              + memoryMhz
              + ", "
              + mhz
              + ")");
      dryRunValue = value;
      return;
    }
    nvml.setApplicationsClocksMhz(device, memoryMhz, mhz);
  }

  @Override
  boolean owns(RestoreStep step) {
    String dev = Integer.toString(device);
    if (is(step, "nvml-reset-app-clocks", 1)) {
      return step.args().get(0).equals(dev);
    }
    if (!is(step, "nvml-app-clocks", 3)
        || !step.args().get(0).equals(dev)
        || !step.args().get(1).matches("\\d{1,6}")
        || !step.args().get(2).matches("\\d{1,6}")) {
      return false;
    }
    // a pair the GPU supports: nothing else is replayed
    int mem = Integer.parseInt(step.args().get(1));
    return memoryClocks.contains(mem)
        && nvml.supportedGraphicsClocksMhz(device, mem)
            .contains(Integer.parseInt(step.args().get(2)));
  }

  @Override
  public List<RestoreStep> restoreSteps() {
    String dev = Integer.toString(device);
    int[] now = nvml.applicationsClocksMhz(device);
    int[] defaults;
    try {
      defaults = nvml.defaultApplicationsClocksMhz(device);
    } catch (IllegalStateException e) {
      defaults = null;
    }
    return Arrays.equals(now, defaults)
        ? List.of(new RestoreStep("nvml-reset-app-clocks", List.of(dev)))
        : List.of(
            new RestoreStep(
                "nvml-app-clocks",
                List.of(dev, Integer.toString(now[0]), Integer.toString(now[1]))));
  }
}
