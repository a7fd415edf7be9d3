package io.inferwatt.hardware.knobs;

import java.util.List;
import java.util.OptionalInt;

/**
 * The NVML calls the NVIDIA GPU knobs need (names as in {@code nvml.h}). {@link JnaNvmlControl}
 * binds {@code libnvidia-ml.so.1} on a machine with a driver ({@link #system()}); tests use a fake.
 * Every method throws {@link IllegalStateException} ({@link NvmlRefusedException} from the JNA
 * binding) with NVML's error name ({@code NO_PERMISSION}, {@code NOT_SUPPORTED}, ...) when the call
 * fails.
 */
public interface NvmlControl {

  /** {@code nvmlDeviceGetCount_v2}. */
  int deviceCount();

  /** {@code nvmlDeviceGetSupportedMemoryClocks}, MHz. */
  List<Integer> supportedMemoryClocksMhz(int device);

  /** {@code nvmlDeviceGetSupportedGraphicsClocks} at a memory clock, MHz. */
  List<Integer> supportedGraphicsClocksMhz(int device, int memoryClockMhz);

  /**
   * The graphics clock the GPU is locked to ({@code nvmlDeviceSetGpuLockedClocks} with min = max),
   * MHz, or empty when it is not locked. (NVML reports it through the clock-limit field values.)
   */
  OptionalInt lockedGraphicsClockMhz(int device);

  /** {@code nvmlDeviceSetGpuLockedClocks(device, min, max)}, MHz; needs root. */
  void setGpuLockedClocksMhz(int device, int minMhz, int maxMhz);

  /** {@code nvmlDeviceResetGpuLockedClocks}. */
  void resetGpuLockedClocks(int device);

  /**
   * The memory clock locked by {@code nvmlDeviceSetMemoryLockedClocks} with min = max, MHz, or
   * empty when it is not locked.
   */
  default OptionalInt lockedMemoryClockMhz(int device) {
    return OptionalInt.empty();
  }

  /** {@code nvmlDeviceSetMemoryLockedClocks(device, min, max)}, MHz; Ampere and newer, root. */
  default void setMemoryLockedClocksMhz(int device, int minMhz, int maxMhz) {
    throw new IllegalStateException("this NVML binding cannot lock the memory clock");
  }

  /** {@code nvmlDeviceResetMemoryLockedClocks}. */
  default void resetMemoryLockedClocks(int device) {
    throw new IllegalStateException("this NVML binding cannot lock the memory clock");
  }

  /**
   * The application clocks, MHz: {@code {memory, graphics}} ({@code nvmlDeviceGetApplicationsClock}
   * for {@code NVML_CLOCK_MEM} and {@code NVML_CLOCK_GRAPHICS}).
   */
  default int[] applicationsClocksMhz(int device) {
    throw new IllegalStateException("this NVML binding cannot read application clocks");
  }

  /**
   * The default application clocks, MHz: {@code {memory, graphics}} ({@code
   * nvmlDeviceGetDefaultApplicationsClock}).
   */
  default int[] defaultApplicationsClocksMhz(int device) {
    throw new IllegalStateException("this NVML binding cannot read application clocks");
  }

  /** {@code nvmlDeviceSetApplicationsClocks(device, memMhz, graphicsMhz)}; needs root. */
  default void setApplicationsClocksMhz(int device, int memoryMhz, int graphicsMhz) {
    throw new IllegalStateException("this NVML binding cannot set application clocks");
  }

  /** {@code nvmlDeviceResetApplicationsClocks}: back to the defaults; needs root. */
  default void resetApplicationsClocks(int device) {
    throw new IllegalStateException("this NVML binding cannot set application clocks");
  }

  /** {@code nvmlDeviceGetPowerManagementLimit}, mW. */
  int powerLimitMw(int device);

  /** {@code nvmlDeviceGetPowerManagementLimitConstraints}, mW: {@code [min, max]}. */
  int[] powerLimitConstraintsMw(int device);

  /** {@code nvmlDeviceSetPowerManagementLimit}, mW; needs root. */
  void setPowerLimitMw(int device, int limitMw);

  /** This machine's NVML through JNA, loaded on the first call; unavailable without a driver. */
  static NvmlControl system() {
    return SystemNvml.INSTANCE;
  }

  /** A binding for a machine without NVML: every call fails and says so. */
  static NvmlControl unavailable() {
    return UnavailableNvml.INSTANCE;
  }
}
