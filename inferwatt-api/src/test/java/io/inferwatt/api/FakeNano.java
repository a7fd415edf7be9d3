package io.inferwatt.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fake Jetson Nano sysfs tree (JetPack 4 iio driver {@code ina3221x/6-0040/iio:device0}, rails
 * POM_5V_IN, POM_5V_GPU, POM_5V_CPU), the same file names and formats as on the board; power can be
 * changed or made to vanish while a meter reads it.
 */
public final class FakeNano {

  private final Path iio;

  private FakeNano(Path iio) {
    this.iio = iio;
  }

  /** Writes the tree under {@code root} with the given power per rail, mW. */
  public static FakeNano write(Path root, long inMw, long gpuMw, long cpuMw) {
    Path iio = root.resolve("sys/bus/i2c/drivers/ina3221x/6-0040/iio:device0");
    FakeNano f = new FakeNano(iio);
    f.channel(0, "POM_5V_IN", inMw);
    f.channel(1, "POM_5V_GPU", gpuMw);
    f.channel(2, "POM_5V_CPU", cpuMw);
    put(iio.resolve("running_mode"), "1\n");
    return f;
  }

  private void channel(int n, String name, long mw) {
    put(iio.resolve("rail_name_" + n), name + "\n");
    put(iio.resolve("in_power" + n + "_input"), mw + "\n");
    put(iio.resolve("in_voltage" + n + "_input"), "5000\n");
    put(iio.resolve("in_current" + n + "_input"), (mw / 5) + "\n");
  }

  /** Sets the power of channel {@code n} (0 in, 1 gpu, 2 cpu), mW, in place (same inode). */
  public void power(int n, long mw) {
    put(iio.resolve("in_power" + n + "_input"), mw + "\n");
  }

  /** Empties every power file in place, as when the driver goes away: every read fails. */
  public void vanish() {
    for (int n = 0; n < 3; n++) {
      put(iio.resolve("in_power" + n + "_input"), "");
    }
  }

  static void put(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
