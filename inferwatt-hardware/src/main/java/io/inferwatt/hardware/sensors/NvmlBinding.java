package io.inferwatt.hardware.sensors;

import java.util.List;

/**
 * The part of NVML the program uses, by device index. The real one ({@link JnaNvml}) binds {@code
 * libnvidia-ml.so.1} through JNA; the virtual GPU board ({@code sim:gpu}) implements it over its
 * simulated power, so that both are read by the same {@link NvmlSource}. Every method throws {@link
 * NvmlException} with NVML's return code when a call fails.
 */
public interface NvmlBinding extends AutoCloseable {

  /**
   * {@code NVML_FI_DEV_POWER_AVERAGE}: power averaged over 1 s, mW (Ampere except GA100, newer).
   */
  int FI_POWER_AVERAGE = 185;

  /** {@code NVML_FI_DEV_POWER_INSTANT}: current power, mW (all architectures). */
  int FI_POWER_INSTANT = 186;

  /** {@code NVML_TOTAL_POWER_SAMPLES} for {@code nvmlDeviceGetSamples}. */
  int TOTAL_POWER_SAMPLES = 0;

  int SUCCESS = 0;
  int ERROR_NOT_SUPPORTED = 3;
  int ERROR_NO_PERMISSION = 4;
  int ERROR_NOT_FOUND = 6;
  int ERROR_LIBRARY_NOT_FOUND = 12;

  /** {@code nvmlDeviceGetCount_v2}. */
  int deviceCount();

  /** {@code nvmlDeviceGetName}. */
  String name(int gpu);

  /** {@code nvmlDeviceGetPowerUsage}: mW (a 1 s average on Ampere except GA100 and newer). */
  long powerUsageMw(int gpu);

  /** {@code nvmlDeviceGetTotalEnergyConsumption}: mJ since the driver was loaded (Volta+). */
  long totalEnergyMj(int gpu);

  /**
   * {@code nvmlDeviceGetFieldValues} for {@code fieldIds} (GPU scope); each value carries its own
   * return code.
   */
  FieldValue[] fieldValues(int gpu, int... fieldIds);

  /**
   * {@code nvmlDeviceGetSamples(NVML_TOTAL_POWER_SAMPLES)}: the driver's buffered power samples
   * newer than {@code lastSeenUs} (epoch µs; 0 for all).
   */
  List<TimedValue> powerSamples(int gpu, long lastSeenUs);

  /** {@code nvmlShutdown}; safe to call twice. */
  @Override
  void close();

  /**
   * One {@code nvmlFieldValue_t}.
   *
   * @param fieldId the field
   * @param nvmlReturn NVML's return code for this field (0 = success)
   * @param timestampUs CPU epoch µs when the value was taken
   * @param value the value, as double (mW for power fields)
   */
  record FieldValue(int fieldId, int nvmlReturn, long timestampUs, double value) {}

  /**
   * One {@code nvmlSample_t}.
   *
   * @param timestampUs CPU epoch µs
   * @param value the value (mW for power samples)
   */
  record TimedValue(long timestampUs, double value) {}

  /** A failed NVML call. */
  final class NvmlException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;

    public NvmlException(String call, int code, String text) {
      super(call + " failed: " + text + " (NVML error " + code + ")");
      this.code = code;
    }

    /** NVML's return code. */
    public int code() {
      return code;
    }
  }
}
