package io.inferwatt.hardware.sensors;

import io.inferwatt.hardware.Rail;
import java.util.List;
import java.util.OptionalLong;

/**
 * One power sensor of this machine (an INA3221 driver, {@code tegrastats}, NVML, RAPL), with a
 * fixed list of rails. A source is read by one thread at a time (the power logger gives each source
 * its own thread); it owns its open files, child process or library handle until {@link #close()}.
 */
public interface PowerSource extends AutoCloseable {

  /**
   * The kind of sensor: {@code jetson-ina3221-iio}, {@code jetson-ina3221-hwmon}, {@code
   * tegrastats}, {@code nvml}, {@code rapl}.
   */
  String kind();

  /** Where it reads from, for people (a sysfs folder, a command, a library). */
  String where();

  /** The rails, in the order of every {@link Reading}'s arrays; at most one is the total. */
  List<Rail> rails();

  /**
   * Reads every rail once. A rail whose read failed is NaN and the failure is named in {@link
   * Reading#error()}; the method itself throws only when the source is closed.
   */
  Reading read();

  /**
   * Reads only the power of every rail, which may cost fewer file reads than {@link #read()}
   * (voltage and current may be NaN). The power logger calls this one.
   */
  default Reading readPower() {
    return read();
  }

  /**
   * How often the sensor's value really changes, in ns, when the hardware or driver says so (the
   * INA3221 {@code update_interval}, the {@code tegrastats} interval); empty when not known.
   */
  OptionalLong updatePeriodNs();

  /**
   * Whether {@link #read()} waits for the sensor's next value (a line of {@code tegrastats}), so
   * the value stands for the end of the read rather than its middle.
   */
  default boolean readWaitsForValue() {
    return false;
  }

  /**
   * Driver settings read when the source was found, for people and for the record (INA3221 {@code
   * samples}, {@code update_interval_ms}; NVML device names); empty when there are none.
   */
  default java.util.Map<String, String> settings() {
    return java.util.Map.of();
  }

  /** Releases files, child processes and library handles; safe to call twice. */
  @Override
  void close();
}
