package io.inferwatt.hardware.knobs;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code gpu.power_limit_mw}: the power limit of an NVIDIA GPU in mW, within {@code
 * nvmlDeviceGetPowerManagementLimitConstraints}. The allowed values are the whole watts inside the
 * constraints plus both ends.
 */
final class NvmlPowerLimitKnob extends BoardKnob {
  private final Host host;
  private final NvmlBinding nvml;
  private final int device;
  private final List<String> allowed;
  private volatile String dryRunValue;

  NvmlPowerLimitKnob(Host host, NvmlBinding nvml, int device) {
    super("gpu.power_limit_mw", "mW");
    this.host = host;
    this.nvml = nvml;
    this.device = device;
    int[] c = nvml.powerLimitConstraintsMw(device);
    if (c.length != 2 || c[0] > c[1]) {
      throw new IllegalStateException(
          "NVIDIA GPU "
              + device
              + " reports power limit constraints "
              + java.util.Arrays.toString(c));
    }
    List<String> values = new ArrayList<>();
    values.add(Integer.toString(c[0]));
    for (int mw = (c[0] / 1000 + 1) * 1000; mw < c[1]; mw += 1000) {
      values.add(Integer.toString(mw));
    }
    if (c[1] != c[0]) {
      values.add(Integer.toString(c[1]));
    }
    this.allowed = List.copyOf(values);
  }

  @Override
  public List<String> allowed() {
    return allowed;
  }

  @Override
  String describe(List<String> allowed) {
    return "the whole watts from "
        + allowed.get(0)
        + " to "
        + allowed.get(allowed.size() - 1)
        + " mW ("
        + String.join(
            ", ",
            allowed.size() > 8
                ? List.of(allowed.get(0), allowed.get(1), "...", allowed.get(allowed.size() - 1))
                : allowed)
        + ")";
  }

  @Override
  public String read() {
    return dryRunValue != null ? dryRunValue : Integer.toString(nvml.powerLimitMw(device));
  }

  @Override
  void change(String value) {
    if (host.isDryRun()) {
      host.dryRunReport(
          "would call nvmlDeviceSetPowerManagementLimit(" + device + ", " + value + ")");
      dryRunValue = value;
      return;
    }
    nvml.setPowerLimitMw(device, Integer.parseInt(value));
  }

  @Override
  boolean owns(RestoreStep step) {
    if (!is(step, "nvml-power-limit", 2)
        || !step.args().get(0).equals(Integer.toString(device))
        || !digits(step.args().get(1))) {
      return false;
    }
    long mw = Long.parseLong(step.args().get(1));
    // the saved limit is the one read before the change: anywhere inside the constraints
    return mw >= Long.parseLong(allowed.get(0))
        && mw <= Long.parseLong(allowed.get(allowed.size() - 1));
  }

  @Override
  public List<RestoreStep> restoreSteps() {
    return List.of(
        new RestoreStep(
            "nvml-power-limit",
            List.of(Integer.toString(device), Integer.toString(nvml.powerLimitMw(device)))));
  }
}
