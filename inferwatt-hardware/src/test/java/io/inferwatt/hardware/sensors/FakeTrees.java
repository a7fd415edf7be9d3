package io.inferwatt.hardware.sensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fake sysfs trees of the Jetson layouts (INA3221 under iio and hwmon, INA238 under hwmon; see
 * docs/sensors.md), written under a temporary root: the same folders, file names and formats as on
 * the boards.
 */
final class FakeTrees {
  private FakeTrees() {}

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One JetPack 4 iio channel: name, mW, mV, mA. */
  static void iioChannel(Path iio, int n, String name, long mw, long mv, long ma) {
    write(iio.resolve("rail_name_" + n), name + "\n");
    write(iio.resolve("in_power" + n + "_input"), mw + "\n");
    write(iio.resolve("in_voltage" + n + "_input"), mv + "\n");
    write(iio.resolve("in_current" + n + "_input"), ma + "\n");
    write(iio.resolve("crit_power_limit_" + n), "0 mw\n");
  }

  /** Jetson Nano, JetPack 4: {@code ina3221x/6-0040/iio:device0}, POM_5V_IN/GPU/CPU. */
  static Path nanoJp4(Path root) {
    Path iio = root.resolve("sys/bus/i2c/drivers/ina3221x/6-0040/iio:device0");
    iioChannel(iio, 0, "POM_5V_IN", 2300, 5016, 458);
    iioChannel(iio, 1, "POM_5V_GPU", 41, 5008, 8);
    iioChannel(iio, 2, "POM_5V_CPU", 371, 5008, 74);
    write(iio.resolve("running_mode"), "1\n");
    write(iio.resolve("polling_delay_0"), "0 ms\n");
    return iio;
  }

  /** AGX Xavier, JetPack 4: two devices, GPU/CPU/SOC at 0x40 and CV/VDDRQ/SYS5V at 0x41. */
  static void agxXavierJp4(Path root) {
    Path a = root.resolve("sys/bus/i2c/drivers/ina3221x/1-0040/iio:device0");
    iioChannel(a, 0, "GPU", 1155, 19000, 60);
    iioChannel(a, 1, "CPU", 385, 19000, 20);
    iioChannel(a, 2, "SOC", 2504, 19000, 131);
    Path b = root.resolve("sys/bus/i2c/drivers/ina3221x/1-0041/iio:device1");
    iioChannel(b, 0, "CV", 0, 19000, 0);
    iioChannel(b, 1, "VDDRQ", 192, 19000, 10);
    iioChannel(b, 2, "SYS5V", 2692, 5000, 538);
  }

  /** One JetPack 5+ hwmon channel: label, mV, mA. */
  static void hwmonChannel(Path hwmon, int n, String label, long mv, long ma) {
    write(hwmon.resolve("in" + n + "_label"), label + "\n");
    write(hwmon.resolve("in" + n + "_input"), mv + "\n");
    write(hwmon.resolve("curr" + n + "_input"), ma + "\n");
    write(hwmon.resolve("in" + n + "_enable"), "1\n");
    write(hwmon.resolve("in" + (n + 3) + "_input"), "1520\n"); // shunt voltage, µV
    write(hwmon.resolve("shunt" + n + "_resistor"), "5000\n");
  }

  static void hwmonCommon(Path hwmon, long updateIntervalMs, long samples) {
    write(hwmon.resolve("name"), "ina3221\n");
    write(hwmon.resolve("update_interval"), updateIntervalMs + "\n");
    write(hwmon.resolve("samples"), samples + "\n");
    write(hwmon.resolve("in7_label"), "sum of shunt voltages\n");
    write(hwmon.resolve("in7_input"), "3040\n");
    write(hwmon.resolve("curr4_input"), "912\n");
  }

  /** Orin Nano devkit, JetPack 6: {@code ina3221/1-0040/hwmon/hwmon1}, VDD_IN first. */
  static Path orinNanoJp6(Path root) {
    Path h = root.resolve("sys/bus/i2c/drivers/ina3221/1-0040/hwmon/hwmon1");
    hwmonCommon(h, 7, 1);
    hwmonChannel(h, 1, "VDD_IN", 5000, 911);
    hwmonChannel(h, 2, "VDD_CPU_GPU_CV", 5000, 96);
    hwmonChannel(h, 3, "VDD_SOC", 5000, 290);
    return h;
  }

  /**
   * AGX Orin, JetPack 5: {@code 1-0040/hwmon/hwmon3} and {@code 1-0041/hwmon/hwmon2} with NC
   * channels.
   */
  static void agxOrinJp5(Path root) {
    Path a = root.resolve("sys/bus/i2c/drivers/ina3221/1-0040/hwmon/hwmon3");
    hwmonCommon(a, 3, 4);
    hwmonChannel(a, 1, "VDD_GPU_SOC", 19000, 126);
    hwmonChannel(a, 2, "VDD_CPU_CV", 19000, 42);
    hwmonChannel(a, 3, "VIN_SYS_5V0", 5000, 704);
    Path b = root.resolve("sys/bus/i2c/drivers/ina3221/1-0041/hwmon/hwmon2");
    hwmonCommon(b, 3, 4);
    hwmonChannel(b, 1, "NC", 0, 0);
    hwmonChannel(b, 2, "VDDQ_VDD2_1V8AO", 5000, 60);
    hwmonChannel(b, 3, "NC", 0, 0);
  }

  /** RAPL zone {@code intel-rapl:id}. */
  static Path raplZone(Path root, String id, String name, long energyUj, long maxRangeUj) {
    Path z = root.resolve("sys/class/powercap/intel-rapl:" + id);
    write(z.resolve("name"), name + "\n");
    write(z.resolve("energy_uj"), energyUj + "\n");
    write(z.resolve("max_energy_range_uj"), maxRangeUj + "\n");
    write(z.resolve("enabled"), "1\n");
    return z;
  }
}
