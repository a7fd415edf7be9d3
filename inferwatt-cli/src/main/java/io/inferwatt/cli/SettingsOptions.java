package io.inferwatt.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The board settings of one measurement as a picocli mixin: {@code --cores}, {@code
 * --cpu-freq-khz}, {@code --gpu-freq-hz} and any knob with {@code --set KNOB=VALUE}.
 */
final class SettingsOptions {

  @Option(names = "--cores", description = "online CPU cores")
  Integer cores;

  @Option(names = "--cpu-freq-khz", description = "CPU frequency in kHz")
  Long cpuFreqKhz;

  @Option(names = "--gpu-freq-hz", description = "GPU frequency in Hz")
  Long gpuFreqHz;

  @Option(
      names = "--set",
      paramLabel = "KNOB=VALUE",
      description = "any board setting, e.g. --set cpu.cores=1")
  Map<String, String> set = new LinkedHashMap<>();

  /** The settings by knob name: the named options first, then {@code --set} (which wins). */
  Map<String, String> settings() {
    Map<String, String> settings = new LinkedHashMap<>();
    if (cores != null) {
      settings.put("cpu.cores", cores.toString());
    }
    if (cpuFreqKhz != null) {
      settings.put("cpu.freq_khz", cpuFreqKhz.toString());
    }
    if (gpuFreqHz != null) {
      settings.put("gpu.freq_hz", gpuFreqHz.toString());
    }
    settings.putAll(set);
    return settings;
  }
}
