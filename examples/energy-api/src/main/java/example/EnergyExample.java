package example;

import io.inferwatt.api.Measurement;
import io.inferwatt.api.PowerMeter;
import io.inferwatt.api.Window;

/** Measures a block of code with the inferwatt API and prints its energy per rail. */
public final class EnergyExample {

  public static void main(String[] args) throws Exception {
    try (PowerMeter meter = PowerMeter.open()) { // $INFERWATT_SYSFS_ROOT or this machine
      try (Window w = meter.window("work")) {
        double x = 0;
        for (long i = 0; i < 50_000_000L; i++) {
          x += Math.sqrt(i);
        }
        Thread.sleep(200);
        System.out.println("result " + x);
      }
      Measurement m = meter.last("work");
      System.out.printf("window %s: %.1f ms, %d samples, coverage %.2f%n",
          m.name(), m.durationNs() / 1e6, m.samples(), m.coverage());
      String tag = m.simulated() ? " [simulated]" : ""; // a virtual board ($INFERWATT_BOARD)
      for (String rail : meter.rails()) {
        System.out.printf("rail %s: %.2f mJ +- %.2f, mean %.1f mW%s%n",
            rail, m.energyMj(rail), m.rail(rail).energyUncertaintyMj(), m.meanPowerMw(rail), tag);
      }
    }
  }
}
