package io.inferwatt.hardware.knobs;

import java.util.List;
import java.util.Set;

/**
 * {@code gpu.freq_hz}: the GPU clock of a Jetson in Hz, pinned through devfreq ({@code min_freq}
 * and {@code max_freq} set to one value of {@code available_frequencies}). The devfreq folder is
 * found as jtop finds it: the entry of {@code /sys/class/devfreq} whose {@code device/of_node/name}
 * is a known GPU ({@code gpu} on the Nano and on Orin with JetPack 6, {@code gp10b}, {@code gv11b},
 * {@code ga10b}, {@code gb10b}).
 */
final class DevfreqKnob extends BoardKnob {
  static final String CLASS_DIR = "/sys/class/devfreq";
  static final Set<String> GPU_NAMES = Set.of("gpu", "gp10b", "gv11b", "ga10b", "gb10b");

  private final Host host;
  private final String dir;
  private final List<String> allowed;

  private DevfreqKnob(Host host, String dir, List<String> allowed) {
    super("gpu.freq_hz", "Hz");
    this.host = host;
    this.dir = dir;
    this.allowed = allowed;
  }

  /** The knob, or null when no devfreq entry is a known GPU. */
  static DevfreqKnob find(Host host) {
    String dir = gpuDir(host);
    if (dir == null || !host.exists(dir + "/available_frequencies")) {
      return null;
    }
    String table = dir + "/available_frequencies";
    return new DevfreqKnob(host, dir, numbers(host.read(table), table));
  }

  /** The devfreq folder of the GPU (under {@code /sys/class/devfreq}), or null. */
  static String gpuDir(Host host) {
    for (String n : host.list(CLASS_DIR)) {
      String node = CLASS_DIR + "/" + n + "/device/of_node/name";
      if (host.exists(node) && GPU_NAMES.contains(host.read(node))) {
        return CLASS_DIR + "/" + n;
      }
    }
    return null;
  }

  /** The folder used, for people. */
  String dir() {
    return dir;
  }

  @Override
  public List<String> allowed() {
    return allowed;
  }

  @Override
  public String read() {
    String min = host.read(dir + "/min_freq");
    String max = host.read(dir + "/max_freq");
    return min.equals(max) ? min : max;
  }

  @Override
  void change(String value) {
    setRange(host, dir + "/min_freq", dir + "/max_freq", value, value);
  }

  @Override
  void verify(String value) {
    String min = host.read(dir + "/min_freq");
    String max = host.read(dir + "/max_freq");
    if (!min.equals(value) || !max.equals(value)) {
      throw new IllegalStateException(
          name()
              + " was set to "
              + value
              + " Hz but "
              + dir
              + " reads back min_freq "
              + min
              + ", max_freq "
              + max
              + "; the board did not take it");
    }
  }

  @Override
  boolean owns(RestoreStep step) {
    List<String> a = step.args();
    return is(step, "range", 4)
        && a.get(0).equals(dir + "/min_freq")
        && a.get(1).equals(dir + "/max_freq")
        && digits(a.get(2))
        && digits(a.get(3));
  }

  @Override
  public List<RestoreStep> restoreSteps() {
    return List.of(
        RestoreStep.range(
            dir + "/min_freq",
            dir + "/max_freq",
            host.read(dir + "/min_freq"),
            host.read(dir + "/max_freq")));
  }
}
