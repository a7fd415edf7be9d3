package io.inferwatt.hardware.knobs;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code cpu.cores}: how many CPU cores are online, through {@code
 * /sys/devices/system/cpu/cpuN/online}. Cores are put online from cpu1 upwards and taken offline
 * from the top; cpu0 is never touched (it cannot go offline on a Jetson).
 */
final class CpuCoresKnob extends BoardKnob {
  static final String CPU_DIR = "/sys/devices/system/cpu";

  private final Host host;

  /** Core numbers present, ascending. */
  private final List<Integer> cores;

  private CpuCoresKnob(Host host, List<Integer> cores) {
    super("cpu.cores", "cores");
    this.host = host;
    this.cores = cores;
  }

  /** The knob, or null when the board has no hotplug files. */
  static CpuCoresKnob find(Host host) {
    List<Integer> cores = new ArrayList<>();
    for (String n : host.list(CPU_DIR)) {
      if (n.matches("cpu\\d+")) {
        cores.add(Integer.parseInt(n.substring(3)));
      }
    }
    cores.sort(null);
    if (cores.size() < 2 || !cores.contains(0)) {
      return null;
    }
    CpuCoresKnob k = new CpuCoresKnob(host, List.copyOf(cores));
    for (int c : k.cores.subList(1, k.cores.size())) {
      if (!host.exists(online(c))) {
        return null;
      }
    }
    return k;
  }

  static String online(int core) {
    return CPU_DIR + "/cpu" + core + "/online";
  }

  @Override
  public String read() {
    int n = 1; // cpu0
    for (int c : cores.subList(1, cores.size())) {
      if (host.read(online(c)).equals("1")) {
        n++;
      }
    }
    return Integer.toString(n);
  }

  @Override
  public List<String> allowed() {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= cores.size(); i++) {
      out.add(Integer.toString(i));
    }
    return out;
  }

  @Override
  void change(String value) {
    int n = Integer.parseInt(value);
    // online first, then offline: never fewer cores than asked for on the way
    for (int i = 1; i < n; i++) {
      set(cores.get(i), "1");
    }
    for (int i = cores.size() - 1; i >= n; i--) {
      set(cores.get(i), "0");
    }
  }

  private void set(int core, String v) {
    if (!host.read(online(core)).equals(v)) {
      host.write(online(core), v);
    }
  }

  @Override
  void verify(String value) {
    super.verify(value);
    int n = Integer.parseInt(value);
    for (int i = 1; i < cores.size(); i++) {
      String want = i < n ? "1" : "0";
      String got = host.read(online(cores.get(i)));
      if (!got.equals(want)) {
        throw new IllegalStateException(
            "cpu"
                + cores.get(i)
                + " online reads "
                + got
                + " after setting "
                + n
                + " cores; expected "
                + want);
      }
    }
  }

  @Override
  boolean owns(RestoreStep step) {
    if (!is(step, "write", 2) || !step.args().get(1).matches("[01]")) {
      return false;
    }
    for (int c : cores.subList(1, cores.size())) {
      if (step.args().get(0).equals(online(c))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public List<RestoreStep> restoreSteps() {
    List<RestoreStep> steps = new ArrayList<>();
    for (int c : cores.subList(1, cores.size())) {
      steps.add(RestoreStep.write(online(c), host.read(online(c))));
    }
    return steps;
  }
}
