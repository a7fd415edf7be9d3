package io.inferwatt.hardware.knobs;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code emc.freq_hz}: the memory clock of a Jetson Nano (tegra210) in Hz, where debugfs exposes
 * it: {@code /sys/kernel/debug/clk/override.emc/clk_update_rate} with {@code clk_state} 1, as
 * {@code jetson_clocks} does. The allowed values are the Nano's EMC table within {@code
 * /sys/kernel/debug/tegra_bwmgr/emc_min_rate} and {@code emc_max_rate}.
 */
final class EmcKnob extends BoardKnob {
  private static final String OVERRIDE = "/sys/kernel/debug/clk/override.emc";
  private static final String BWMGR = "/sys/kernel/debug/tegra_bwmgr";

  /** The Nano's EMC steps in Hz (the lower ones are marked problematic and left out). */
  static final List<Long> NANO_EMC_HZ =
      List.of(
          204_000_000L,
          408_000_000L,
          665_600_000L,
          800_000_000L,
          1_065_600_000L,
          1_331_200_000L,
          1_600_000_000L);

  private final Host host;
  private final List<String> allowed;

  private EmcKnob(Host host, List<String> allowed) {
    super("emc.freq_hz", "Hz");
    this.host = host;
    this.allowed = allowed;
  }

  /** The knob, or null when debugfs does not expose the override (other boards, no debugfs). */
  static EmcKnob find(Host host) {
    for (String f :
        List.of(
            OVERRIDE + "/clk_state",
            OVERRIDE + "/clk_update_rate",
            OVERRIDE + "/clk_rate",
            BWMGR + "/emc_min_rate",
            BWMGR + "/emc_max_rate")) {
      if (!host.exists(f)) {
        return null;
      }
    }
    long min = parse(host.read(BWMGR + "/emc_min_rate"), BWMGR + "/emc_min_rate");
    long max = parse(host.read(BWMGR + "/emc_max_rate"), BWMGR + "/emc_max_rate");
    List<String> allowed = new ArrayList<>();
    for (long hz : NANO_EMC_HZ) {
      if (hz >= min && hz <= max) {
        allowed.add(Long.toString(hz));
      }
    }
    return allowed.isEmpty() ? null : new EmcKnob(host, List.copyOf(allowed));
  }

  @Override
  public List<String> allowed() {
    return allowed;
  }

  @Override
  public String read() {
    return host.read(OVERRIDE + "/clk_state").equals("1")
        ? host.read(OVERRIDE + "/clk_update_rate")
        : host.read(OVERRIDE + "/clk_rate");
  }

  @Override
  void change(String value) {
    host.write(OVERRIDE + "/clk_update_rate", value);
    host.write(OVERRIDE + "/clk_state", "1");
  }

  @Override
  boolean owns(RestoreStep step) {
    if (!is(step, "write", 2)) {
      return false;
    }
    String file = step.args().get(0);
    String value = step.args().get(1);
    return (file.equals(OVERRIDE + "/clk_update_rate") && digits(value))
        || (file.equals(OVERRIDE + "/clk_state") && value.matches("[01]"));
  }

  @Override
  public List<RestoreStep> restoreSteps() {
    return List.of(
        RestoreStep.write(OVERRIDE + "/clk_update_rate", host.read(OVERRIDE + "/clk_update_rate")),
        RestoreStep.write(OVERRIDE + "/clk_state", host.read(OVERRIDE + "/clk_state")));
  }
}
