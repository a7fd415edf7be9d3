package io.inferwatt.cli;

import io.inferwatt.engines.sim.VirtualNano;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The virtual board's external meter as a bench meter's CSV log: {@code t_s,voltage_v,current_a,
 * power_w}, time in seconds on the meter's own clock, one row per reading. The board's input is a 5
 * V supply that sags a little under load (5.08 V − 0.02 V per W), so the voltage and current
 * columns are not just the power over a constant.
 */
final class MeterLog {

  /** The meter's period: a reading every ms. */
  static final long PERIOD_NS = 1_000_000L;

  private MeterLog() {}

  static void write(Path file, List<VirtualNano.MeterReading> readings, long clockZeroNs) {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("t_s,voltage_v,current_a,power_w\n");
      for (VirtualNano.MeterReading r : readings) {
        double watts = r.powerMw() / 1000;
        double volts = 5.08 - 0.02 * watts;
        w.write(
            String.format(
                Locale.ROOT,
                "%.6f,%.5f,%.6f,%.6f%n",
                (r.boardNs() - clockZeroNs) / 1e9,
                volts,
                watts / volts,
                watts));
      }
    } catch (IOException e) {
      throw IoErrors.failure("write the meter log to", file, e, "choose another --meter-out");
    }
  }
}
