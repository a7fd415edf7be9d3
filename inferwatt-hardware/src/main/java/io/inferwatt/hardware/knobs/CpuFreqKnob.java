package io.inferwatt.hardware.knobs;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code cpu.freq_khz}: the CPU clock in kHz, pinned to one value of {@code
 * scaling_available_frequencies} in every cpufreq policy ({@code
 * /sys/devices/system/cpu/cpufreq/policyN}, or {@code cpu0/cpufreq} where there are no policy
 * folders, as on the Nano's L4T 32). The allowed values are those every policy offers.
 */
final class CpuFreqKnob extends BoardKnob {
  private static final String POLICY_DIR = "/sys/devices/system/cpu/cpufreq";

  private final Host host;
  private final List<String> dirs;
  private final CpuFreqMethod method;
  private final List<String> allowed;

  private CpuFreqKnob(Host host, List<String> dirs, CpuFreqMethod method, List<String> allowed) {
    super("cpu.freq_khz", "kHz");
    this.host = host;
    this.dirs = dirs;
    this.method = method;
    this.allowed = allowed;
  }

  /** The knob, or null when the board lists no frequencies. */
  static CpuFreqKnob find(Host host, CpuFreqMethod method) {
    List<String> dirs = new ArrayList<>();
    for (String n : host.list(POLICY_DIR)) {
      if (n.matches("policy\\d+")) {
        dirs.add(POLICY_DIR + "/" + n);
      }
    }
    dirs.sort((a, b) -> Integer.compare(policyNumber(a), policyNumber(b)));
    if (dirs.isEmpty() && host.exists(CpuCoresKnob.CPU_DIR + "/cpu0/cpufreq")) {
      dirs.add(CpuCoresKnob.CPU_DIR + "/cpu0/cpufreq");
    }
    List<String> common = null;
    for (String d : dirs) {
      String table = d + "/scaling_available_frequencies";
      if (!host.exists(table)) {
        return null;
      }
      List<String> values = numbers(host.read(table), table);
      if (common == null) {
        common = new ArrayList<>(values);
      } else {
        common.retainAll(values);
      }
    }
    if (common == null || common.isEmpty()) {
      return null;
    }
    return new CpuFreqKnob(host, List.copyOf(dirs), method, List.copyOf(common));
  }

  private static int policyNumber(String dir) {
    return Integer.parseInt(dir.substring(dir.lastIndexOf("policy") + 6));
  }

  @Override
  public List<String> allowed() {
    return allowed;
  }

  @Override
  public String read() {
    return read(dirs.get(0));
  }

  private String read(String dir) {
    if (method == CpuFreqMethod.USERSPACE
        && host.read(dir + "/scaling_governor").equals("userspace")
        && host.exists(dir + "/scaling_setspeed")) {
      return host.read(dir + "/scaling_setspeed");
    }
    String min = host.read(dir + "/scaling_min_freq");
    String max = host.read(dir + "/scaling_max_freq");
    return min.equals(max) ? min : max;
  }

  @Override
  void change(String value) {
    for (String d : dirs) {
      if (method == CpuFreqMethod.USERSPACE) {
        host.write(d + "/scaling_governor", "userspace");
        host.write(d + "/scaling_setspeed", value);
      } else {
        setRange(host, d + "/scaling_min_freq", d + "/scaling_max_freq", value, value);
      }
    }
  }

  @Override
  void verify(String value) {
    for (String d : dirs) {
      String back = read(d);
      if (!back.equals(value)) {
        throw new IllegalStateException(
            name()
                + " was set to "
                + value
                + " kHz but "
                + d
                + " reads back "
                + back
                + " kHz; the board did not take it");
      }
    }
  }

  @Override
  boolean owns(RestoreStep step) {
    List<String> a = step.args();
    for (String d : dirs) {
      if (method == CpuFreqMethod.USERSPACE
          && is(step, "write", 2)
          && a.get(0).equals(d + "/scaling_governor")
          && a.get(1).matches("[A-Za-z0-9_]{1,32}")) {
        return true;
      }
      if (is(step, "range", 4)
          && a.get(0).equals(d + "/scaling_min_freq")
          && a.get(1).equals(d + "/scaling_max_freq")
          && digits(a.get(2))
          && digits(a.get(3))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public List<RestoreStep> restoreSteps() {
    List<RestoreStep> steps = new ArrayList<>();
    for (String d : dirs) {
      if (method == CpuFreqMethod.USERSPACE) {
        steps.add(RestoreStep.write(d + "/scaling_governor", host.read(d + "/scaling_governor")));
      }
      steps.add(
          RestoreStep.range(
              d + "/scaling_min_freq",
              d + "/scaling_max_freq",
              host.read(d + "/scaling_min_freq"),
              host.read(d + "/scaling_max_freq")));
    }
    return steps;
  }
}
