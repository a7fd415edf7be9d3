package io.inferwatt.hardware.knobs;

import java.util.List;

/**
 * One action that puts a setting back as it was, kept in the state file before the setting is
 * changed so that a later process can replay it after a crash.
 *
 * <ul>
 *   <li>{@code write PATH VALUE}: write VALUE to the sysfs file PATH (a path on the board, under
 *       the host's root);
 *   <li>{@code range MIN_PATH MAX_PATH MIN MAX}: set a min/max pair (cpufreq, devfreq) in the order
 *       the kernel accepts;
 *   <li>{@code nvpmodel ID}: run {@code nvpmodel -m ID};
 *   <li>{@code nvml-reset-clocks DEVICE}: reset the locked GPU clocks of an NVIDIA GPU;
 *   <li>{@code nvml-lock-clocks DEVICE MHZ}, {@code nvml-reset-mem-clocks DEVICE}, {@code
 *       nvml-lock-mem-clocks DEVICE MHZ}: the same for the locked clock at a value and for the
 *       memory clock;
 *   <li>{@code nvml-app-clocks DEVICE MEM_MHZ GRAPHICS_MHZ}: set the application clocks; {@code
 *       nvml-reset-app-clocks DEVICE}: reset them to the defaults;
 *   <li>{@code nvml-power-limit DEVICE MW}: set the power limit of an NVIDIA GPU.
 * </ul>
 *
 * @param action one of the actions above
 * @param args its arguments, as text without tabs or line breaks
 */
public record RestoreStep(String action, List<String> args) {

  public RestoreStep {
    args = List.copyOf(args);
    for (String a : args) {
      if (a.indexOf('\t') >= 0 || a.indexOf('\n') >= 0 || a.indexOf('\r') >= 0) {
        throw new IllegalArgumentException("restore argument '" + a + "' has a tab or line break");
      }
    }
  }

  static RestoreStep write(String path, String value) {
    return new RestoreStep("write", List.of(path, value));
  }

  static RestoreStep range(String minPath, String maxPath, String min, String max) {
    return new RestoreStep("range", List.of(minPath, maxPath, min, max));
  }

  @Override
  public String toString() {
    return action + " " + String.join(" ", args);
  }
}
