package io.inferwatt.hardware.knobs;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * A clock of an NVIDIA GPU locked to one supported value (min = max), one class for both of them:
 *
 * <ul>
 *   <li>{@code gpu.clock_mhz}: the graphics clock ({@code nvmlDeviceSetGpuLockedClocks}); the
 *       allowed values are the supported graphics clocks at the highest supported memory clock.
 *   <li>{@code gpu.mem_clock_mhz}: the memory clock ({@code nvmlDeviceSetMemoryLockedClocks};
 *       Ampere and newer, root; a GPU that does not allow it refuses with {@code
 *       NVML_ERROR_NOT_SUPPORTED}); the allowed values are the supported memory clocks.
 * </ul>
 *
 * Reads {@code unlocked} when no clock is locked.
 */
final class NvmlLockedClockKnob extends BoardKnob {
  static final String UNLOCKED = "unlocked";

  /** Which clock, with the NVML calls and the restore steps that belong to it. */
  enum Clock {
    GRAPHICS("gpu.clock_mhz", "nvmlDeviceSetGpuLockedClocks", "clocks") {
      @Override
      List<Integer> supported(NvmlControl nvml, int device) {
        List<Integer> mem = nvml.supportedMemoryClocksMhz(device);
        if (mem.isEmpty()) {
          return List.of();
        }
        int top = mem.stream().mapToInt(Integer::intValue).max().getAsInt();
        return nvml.supportedGraphicsClocksMhz(device, top);
      }

      @Override
      OptionalInt locked(NvmlControl nvml, int device) {
        return nvml.lockedGraphicsClockMhz(device);
      }

      @Override
      void lock(NvmlControl nvml, int device, int mhz) {
        nvml.setGpuLockedClocksMhz(device, mhz, mhz);
      }
    },
    MEMORY("gpu.mem_clock_mhz", "nvmlDeviceSetMemoryLockedClocks", "mem-clocks") {
      @Override
      List<Integer> supported(NvmlControl nvml, int device) {
        return nvml.supportedMemoryClocksMhz(device);
      }

      @Override
      OptionalInt locked(NvmlControl nvml, int device) {
        return nvml.lockedMemoryClockMhz(device);
      }

      @Override
      void lock(NvmlControl nvml, int device, int mhz) {
        nvml.setMemoryLockedClocksMhz(device, mhz, mhz);
      }
    };

    final String knob;
    final String call;
    final String resetStep;
    final String lockStep;

    Clock(String knob, String call, String steps) {
      this.knob = knob;
      this.call = call;
      this.resetStep = "nvml-reset-" + steps;
      this.lockStep = "nvml-lock-" + steps;
    }

    abstract List<Integer> supported(NvmlControl nvml, int device);

    abstract OptionalInt locked(NvmlControl nvml, int device);

    abstract void lock(NvmlControl nvml, int device, int mhz);
  }

  private final Clock clock;
  private final Host host;
  private final NvmlControl nvml;
  private final int device;
  private final List<String> allowed;
  private volatile String dryRunValue;

  NvmlLockedClockKnob(Clock clock, Host host, NvmlControl nvml, int device) {
    super(clock.knob, "MHz");
    this.clock = clock;
    this.host = host;
    this.nvml = nvml;
    this.device = device;
    List<String> values = new ArrayList<>();
    for (int mhz : new TreeSet<>(clock.supported(nvml, device))) {
      values.add(Integer.toString(mhz));
    }
    if (values.isEmpty()) {
      throw new IllegalStateException(
          "NVIDIA GPU " + device + " reports no supported clocks for " + clock.knob);
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
    OptionalInt locked = clock.locked(nvml, device);
    return locked.isPresent() ? Integer.toString(locked.getAsInt()) : UNLOCKED;
  }

  @Override
  void change(String value) {
    int mhz = Integer.parseInt(value);
    if (host.isDryRun()) {
      host.dryRunReport("would call " + clock.call + "(" + device + ", " + mhz + ", " + mhz + ")");
      dryRunValue = value;
      return;
    }
    clock.lock(nvml, device, mhz);
  }

  @Override
  boolean owns(RestoreStep step) {
    String dev = Integer.toString(device);
    return (is(step, clock.resetStep, 1) && step.args().get(0).equals(dev))
        || (is(step, clock.lockStep, 2)
            && step.args().get(0).equals(dev)
            && allowed.contains(step.args().get(1)));
  }

  @Override
  public List<RestoreStep> restoreSteps() {
    String now = read();
    String dev = Integer.toString(device);
    return now.equals(UNLOCKED)
        ? List.of(new RestoreStep(clock.resetStep, List.of(dev)))
        : List.of(new RestoreStep(clock.lockStep, List.of(dev, now)));
  }
}
