package io.inferwatt.hardware.knobs;

/** How a CPU frequency is fixed. */
public enum CpuFreqMethod {
  /** {@code scaling_min_freq} and {@code scaling_max_freq} both set to the value (any governor). */
  PIN_RANGE,
  /** The {@code userspace} governor with {@code scaling_setspeed}. */
  USERSPACE
}
