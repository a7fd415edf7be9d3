package io.inferwatt.hardware.knobs;

import java.util.List;
import java.util.OptionalInt;

/** One NVIDIA GPU (an A100-like clock table) that remembers what was set. */
final class FakeNvml implements NvmlControl {
  Integer locked;
  int limitMw = 400_000;
  String refuse;

  private void check() {
    if (refuse != null) {
      throw new IllegalStateException("nvml call failed: " + refuse);
    }
  }

  @Override
  public int deviceCount() {
    return 1;
  }

  @Override
  public List<Integer> supportedMemoryClocksMhz(int device) {
    return List.of(1215, 405);
  }

  @Override
  public List<Integer> supportedGraphicsClocksMhz(int device, int memoryClockMhz) {
    return memoryClockMhz == 1215 ? List.of(1755, 1410, 1005, 210) : List.of(210);
  }

  @Override
  public OptionalInt lockedGraphicsClockMhz(int device) {
    return locked == null ? OptionalInt.empty() : OptionalInt.of(locked);
  }

  @Override
  public void setGpuLockedClocksMhz(int device, int minMhz, int maxMhz) {
    check();
    locked = minMhz;
  }

  @Override
  public void resetGpuLockedClocks(int device) {
    check();
    locked = null;
  }

  @Override
  public int powerLimitMw(int device) {
    return limitMw;
  }

  @Override
  public int[] powerLimitConstraintsMw(int device) {
    return new int[] {100_000, 450_000};
  }

  @Override
  public void setPowerLimitMw(int device, int limitMw) {
    check();
    this.limitMw = limitMw;
  }
}
