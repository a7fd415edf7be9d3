package io.inferwatt.hardware.knobs;

import java.util.List;
import java.util.OptionalInt;

/** NVML is not loaded: every call fails with the same message. */
final class UnavailableNvml implements NvmlControl {
  static final UnavailableNvml INSTANCE = new UnavailableNvml();

  private UnavailableNvml() {}

  private static IllegalStateException fail() {
    return new IllegalStateException(
        "NVML (libnvidia-ml.so.1) is not available to this inferwatt; NVIDIA GPU settings cannot be"
            + " changed or restored here");
  }

  @Override
  public int deviceCount() {
    throw fail();
  }

  @Override
  public List<Integer> supportedMemoryClocksMhz(int device) {
    throw fail();
  }

  @Override
  public List<Integer> supportedGraphicsClocksMhz(int device, int memoryClockMhz) {
    throw fail();
  }

  @Override
  public OptionalInt lockedGraphicsClockMhz(int device) {
    throw fail();
  }

  @Override
  public void setGpuLockedClocksMhz(int device, int minMhz, int maxMhz) {
    throw fail();
  }

  @Override
  public void resetGpuLockedClocks(int device) {
    throw fail();
  }

  @Override
  public int powerLimitMw(int device) {
    throw fail();
  }

  @Override
  public int[] powerLimitConstraintsMw(int device) {
    throw fail();
  }

  @Override
  public void setPowerLimitMw(int device, int limitMw) {
    throw fail();
  }

  @Override
  public void setMemoryLockedClocksMhz(int device, int minMhz, int maxMhz) {
    throw fail();
  }

  @Override
  public void resetMemoryLockedClocks(int device) {
    throw fail();
  }
}
