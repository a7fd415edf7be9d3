package io.inferwatt.hardware.knobs;

import java.util.List;
import java.util.OptionalInt;

/**
 * This machine's NVML, loaded on the first call ({@link JnaNvmlControl#loadOrUnavailable()}): a
 * board without NVIDIA GPU knobs never loads it, and one without the driver gets the calls'
 * "unavailable" failures.
 */
final class SystemNvml implements NvmlControl {
  static final SystemNvml INSTANCE = new SystemNvml();

  private NvmlControl nvml;

  private SystemNvml() {}

  private synchronized NvmlControl nvml() {
    if (nvml == null) {
      nvml = JnaNvmlControl.loadOrUnavailable();
    }
    return nvml;
  }

  @Override
  public int deviceCount() {
    return nvml().deviceCount();
  }

  @Override
  public List<Integer> supportedMemoryClocksMhz(int device) {
    return nvml().supportedMemoryClocksMhz(device);
  }

  @Override
  public List<Integer> supportedGraphicsClocksMhz(int device, int memoryClockMhz) {
    return nvml().supportedGraphicsClocksMhz(device, memoryClockMhz);
  }

  @Override
  public OptionalInt lockedGraphicsClockMhz(int device) {
    return nvml().lockedGraphicsClockMhz(device);
  }

  @Override
  public void setGpuLockedClocksMhz(int device, int minMhz, int maxMhz) {
    nvml().setGpuLockedClocksMhz(device, minMhz, maxMhz);
  }

  @Override
  public void resetGpuLockedClocks(int device) {
    nvml().resetGpuLockedClocks(device);
  }

  @Override
  public OptionalInt lockedMemoryClockMhz(int device) {
    return nvml().lockedMemoryClockMhz(device);
  }

  @Override
  public void setMemoryLockedClocksMhz(int device, int minMhz, int maxMhz) {
    nvml().setMemoryLockedClocksMhz(device, minMhz, maxMhz);
  }

  @Override
  public void resetMemoryLockedClocks(int device) {
    nvml().resetMemoryLockedClocks(device);
  }

  @Override
  public int powerLimitMw(int device) {
    return nvml().powerLimitMw(device);
  }

  @Override
  public int[] powerLimitConstraintsMw(int device) {
    return nvml().powerLimitConstraintsMw(device);
  }

  @Override
  public void setPowerLimitMw(int device, int limitMw) {
    nvml().setPowerLimitMw(device, limitMw);
  }
}
