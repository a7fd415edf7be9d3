package io.inferwatt.hardware.knobs;

import io.inferwatt.core.BadInputException;
import io.inferwatt.hardware.Knob;
import java.util.ArrayList;
import java.util.List;

/**
 * The hardware knobs of a machine, found by looking at its files. Each knob reads the current
 * value, lists the allowed values, applies one (refusing any other, with the list in the message),
 * reads it back (refusing a value that did not stick) and can say how to restore the present state
 * ({@link Restorable}). Knobs write only the sysfs files named in their documentation, never
 * through a shell. Apply them through {@link AppliedSettings}, which saves the state first and
 * restores it on every exit.
 *
 * <p>Names: {@code power.mode} (nvpmodel id), {@code cpu.cores}, {@code cpu.freq_khz}, {@code
 * gpu.freq_hz} (Jetson devfreq), {@code emc.freq_hz} (Nano memory clock), {@code gpu.clock_mhz} and
 * {@code gpu.power_limit_mw} (NVIDIA GPUs through NVML).
 */
public final class Knobs {
  private Knobs() {}

  /**
   * The knobs of a Jetson that {@code host} exposes, in the order to apply them: {@code power.mode}
   * first (it changes cores and clocks itself), then {@code cpu.cores}, {@code cpu.freq_khz},
   * {@code gpu.freq_hz}, {@code emc.freq_hz}. Knobs whose files are absent are left out.
   */
  public static List<Knob> jetson(Host host) {
    List<Knob> out = new ArrayList<>();
    add(out, NvpmodelKnob.find(host));
    add(out, CpuCoresKnob.find(host));
    add(out, CpuFreqKnob.find(host, CpuFreqMethod.PIN_RANGE));
    add(out, DevfreqKnob.find(host));
    add(out, EmcKnob.find(host));
    return List.copyOf(out);
  }

  /**
   * The knobs of a Linux machine's CPUs: {@code cpu.cores} and {@code cpu.freq_khz}, where present.
   */
  public static List<Knob> linuxCpu(Host host, CpuFreqMethod method) {
    List<Knob> out = new ArrayList<>();
    add(out, CpuCoresKnob.find(host));
    add(out, CpuFreqKnob.find(host, method));
    return List.copyOf(out);
  }

  /**
   * The knobs of NVIDIA GPU {@code device} through NVML: {@code gpu.clock_mhz} (locked graphics
   * clock), {@code gpu.mem_clock_mhz} (locked memory clock, where the GPU allows it), {@code
   * gpu.app_clock_mhz} (the application graphics clock, where NVML reads application clocks) and
   * {@code gpu.power_limit_mw}. Dry-run mode comes from {@code host}.
   *
   * @throws IllegalStateException when NVML fails (no driver, no such device)
   */
  public static List<Knob> nvidiaGpu(Host host, NvmlControl nvml, int device) {
    int count = nvml.deviceCount();
    if (device < 0 || device >= count) {
      throw new BadInputException(
          "NVIDIA GPU " + device + " does not exist; this machine has " + count);
    }
    List<Knob> out = new ArrayList<>();
    out.add(new NvmlLockedClockKnob(NvmlLockedClockKnob.Clock.GRAPHICS, host, nvml, device));
    out.add(new NvmlLockedClockKnob(NvmlLockedClockKnob.Clock.MEMORY, host, nvml, device));
    add(out, NvmlAppClockKnob.find(host, nvml, device));
    out.add(new NvmlPowerLimitKnob(host, nvml, device));
    return List.copyOf(out);
  }

  private static void add(List<Knob> out, Knob k) {
    if (k != null) {
      out.add(k);
    }
  }
}
