package io.inferwatt.hardware.sensors;

import io.inferwatt.hardware.Rail;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Jetson INA3221 on JetPack 4 (L4T 32.x): NVIDIA's iio driver {@code ina3221x}, channels 0..2 under
 * {@code /sys/bus/i2c/drivers/ina3221x/<bus>-<addr>/iio:deviceN/} with {@code rail_name_N}, {@code
 * in_powerN_input} (mW), {@code in_voltageN_input} (mV) and {@code in_currentN_input} (mA). Every
 * device of the driver (AGX Xavier has two) is one source.
 */
final class Ina3221IioSource implements PowerSource {

  static final String KIND = "jetson-ina3221-iio";
  static final String DRIVER_DIR = "sys/bus/i2c/drivers/ina3221x";

  private final String where;
  private final List<Rail> rails;
  private final JetsonRails.Total total;
  private final SysfsFile[] power;
  private final SysfsFile[] voltage;
  private final SysfsFile[] current;
  private final int channels;
  private boolean closed;

  private Ina3221IioSource(
      String where, List<String> labels, List<Path> channelDirs, List<Integer> index) {
    this.where = where;
    this.total = JetsonRails.total(labels);
    this.rails = JetsonRails.rails(labels, total);
    this.channels = labels.size();
    power = new SysfsFile[channels];
    voltage = new SysfsFile[channels];
    current = new SysfsFile[channels];
    for (int i = 0; i < channels; i++) {
      Path d = channelDirs.get(i);
      int n = index.get(i);
      power[i] = new SysfsFile(d.resolve("in_power" + n + "_input"));
      voltage[i] = new SysfsFile(d.resolve("in_voltage" + n + "_input"));
      current[i] = new SysfsFile(d.resolve("in_current" + n + "_input"));
    }
  }

  /** Looks for the driver under {@code root}; adds the source or the reason it is absent. */
  static void probe(Path root, List<PowerSource> present, List<AbsentSource> absent) {
    Path driver = root.resolve(DRIVER_DIR);
    if (!Files.isDirectory(driver)) {
      absent.add(
          new AbsentSource(
              KIND,
              "/" + DRIVER_DIR,
              "no driver: " + driver + " does not exist (not a JetPack 4 Jetson)"));
      return;
    }
    List<String> labels = new ArrayList<>();
    List<Path> dirs = new ArrayList<>();
    List<Integer> index = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Path dev : sorted(driver, "*")) {
      for (Path iio : sorted(dev, "iio:device*")) {
        for (int n = 0; n < 3; n++) {
          Path p = iio.resolve("in_power" + n + "_input");
          if (!Files.exists(p)) {
            continue;
          }
          if (!Files.isReadable(p)) {
            problems.add("not root: " + p + " is not readable by this user");
            continue;
          }
          String label = readLabel(iio.resolve("rail_name_" + n));
          if (label == null) {
            // rail_name_N is 0600 on the Nano's L4T 32.x kernel: name the channel by position
            label = dev.getFileName() + "_ch" + n;
            problems.add("rail name unreadable (not root?): " + iio.resolve("rail_name_" + n));
          }
          if (label.equalsIgnoreCase("NC")) {
            continue;
          }
          labels.add(label);
          dirs.add(iio);
          index.add(n);
        }
      }
    }
    if (labels.isEmpty()) {
      absent.add(
          new AbsentSource(
              KIND,
              driver.toString(),
              problems.isEmpty()
                  ? "no readable in_powerN_input under " + driver
                  : String.join("; ", problems)));
      return;
    }
    present.add(new Ina3221IioSource(driver.toString(), labels, dirs, index));
  }

  static String readLabel(Path file) {
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8).strip();
      return s.isEmpty() ? null : s;
    } catch (IOException | SecurityException e) {
      return null;
    }
  }

  static List<Path> sorted(Path dir, String glob) {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
      ds.forEach(out::add);
    } catch (IOException e) {
      return List.of();
    }
    out.sort(null);
    return out;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String where() {
    return where;
  }

  @Override
  public List<Rail> rails() {
    return rails;
  }

  @Override
  public Reading read() {
    return read(true);
  }

  @Override
  public Reading readPower() {
    return read(false);
  }

  private Reading read(boolean all) {
    if (closed) {
      throw new IllegalStateException(KIND + " source " + where + " is closed");
    }
    Reading r = Reading.empty(rails.size());
    Errors errors = new Errors();
    for (int i = 0; i < channels; i++) {
      r.powerMw()[i] = value(power[i], errors);
      if (all) {
        r.voltageMv()[i] = value(voltage[i], errors);
        r.currentMa()[i] = value(current[i], errors);
      }
    }
    JetsonRails.fillSum(r.powerMw(), total);
    String e = errors.message();
    return e == null ? r : r.withError(e);
  }

  static double value(SysfsFile f, Errors errors) {
    try {
      return f.readLong();
    } catch (IOException e) {
      errors.add(e.getMessage());
      return Double.NaN;
    }
  }

  /** Not known: the iio driver has no update-interval attribute (measure it). */
  @Override
  public OptionalLong updatePeriodNs() {
    return OptionalLong.empty();
  }

  @Override
  public void close() {
    closed = true;
    for (int i = 0; i < channels; i++) {
      power[i].close();
      voltage[i].close();
      current[i].close();
    }
  }
}
