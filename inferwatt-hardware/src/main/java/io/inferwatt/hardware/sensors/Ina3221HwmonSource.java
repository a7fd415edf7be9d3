package io.inferwatt.hardware.sensors;

import io.inferwatt.hardware.Rail;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Jetson power monitors on JetPack 5/6/7: the mainline hwmon driver {@code ina3221} (channels 1..3
 * with {@code inN_label}, {@code inN_input} in mV and {@code currN_input} in mA, so power = mV × mA
 * / 1000; label {@code NC} and channel 7, the shunt sum, are skipped) and, on Thor, {@code ina238}
 * whose {@code power1_input} is in µW. The {@code hwmonX} index differs between boards and boots,
 * so it is found by globbing. Every device of both drivers is one source.
 */
final class Ina3221HwmonSource implements PowerSource {

  static final String KIND = "jetson-ina3221-hwmon";
  static final String INA3221_DIR = "sys/bus/i2c/drivers/ina3221";
  static final String INA238_DIR = "sys/bus/i2c/drivers/ina238";

  /** How one rail is read. */
  private record Channel(
      String label, SysfsFile voltageMv, SysfsFile currentMa, SysfsFile powerUw) {}

  private final String where;
  private final List<Channel> channels;
  private final List<Rail> rails;
  private final JetsonRails.Total total;
  private final OptionalLong updatePeriodNs;
  private final Map<String, String> settings;
  private boolean closed;

  private Ina3221HwmonSource(
      String where,
      List<Channel> channels,
      OptionalLong updatePeriodNs,
      Map<String, String> settings) {
    this.where = where;
    this.channels = List.copyOf(channels);
    List<String> labels = channels.stream().map(Channel::label).toList();
    this.total = JetsonRails.total(labels);
    this.rails = JetsonRails.rails(labels, total);
    this.updatePeriodNs = updatePeriodNs;
    this.settings = Map.copyOf(settings);
  }

  /** Looks for both drivers under {@code root}; adds the source or the reason it is absent. */
  static void probe(Path root, List<PowerSource> present, List<AbsentSource> absent) {
    Path ina3221 = root.resolve(INA3221_DIR);
    Path ina238 = root.resolve(INA238_DIR);
    if (!Files.isDirectory(ina3221) && !Files.isDirectory(ina238)) {
      absent.add(
          new AbsentSource(
              KIND,
              "/" + INA3221_DIR,
              "no driver: " + ina3221 + " does not exist (not a JetPack 5/6/7 Jetson)"));
      return;
    }
    List<Channel> channels = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Map<String, String> settings = new LinkedHashMap<>();
    long maxIntervalMs = -1;
    for (Path dev : Ina3221IioSource.sorted(ina3221, "*")) {
      for (Path hwmon : Ina3221IioSource.sorted(dev.resolve("hwmon"), "hwmon*")) {
        String id = dev.getFileName().toString();
        Long interval = readSetting(hwmon.resolve("update_interval"));
        Long samples = readSetting(hwmon.resolve("samples"));
        if (interval != null) {
          settings.put(id + ".update_interval_ms", Long.toString(interval));
          maxIntervalMs = Math.max(maxIntervalMs, interval);
        }
        if (samples != null) {
          settings.put(id + ".samples", Long.toString(samples));
        }
        // channels 1..3 only: 7 is the sum of shunt voltages, not a rail
        for (int n = 1; n <= 3; n++) {
          Path v = hwmon.resolve("in" + n + "_input");
          Path c = hwmon.resolve("curr" + n + "_input");
          if (!Files.exists(v) || !Files.exists(c)) {
            continue;
          }
          String label = Ina3221IioSource.readLabel(hwmon.resolve("in" + n + "_label"));
          if (label == null) {
            label = id + "_ch" + n;
          }
          if (label.equalsIgnoreCase("NC")) {
            continue;
          }
          if (!Files.isReadable(v) || !Files.isReadable(c)) {
            problems.add("not root: " + v + " or " + c + " is not readable by this user");
            continue;
          }
          channels.add(new Channel(label, new SysfsFile(v), new SysfsFile(c), null));
        }
      }
    }
    for (Path dev : Ina3221IioSource.sorted(ina238, "*")) {
      for (Path hwmon : Ina3221IioSource.sorted(dev.resolve("hwmon"), "hwmon*")) {
        Path p = hwmon.resolve("power1_input");
        if (!Files.exists(p)) {
          continue;
        }
        if (!Files.isReadable(p)) {
          problems.add("not root: " + p + " is not readable by this user");
          continue;
        }
        String label = Ina3221IioSource.readLabel(hwmon.resolve("in1_label"));
        // Thor's carrier INA238 measures the board input (jetson_stats PR #900)
        channels.add(
            new Channel(
                label == null ? "VIN" : label,
                optional(hwmon.resolve("in1_input")),
                optional(hwmon.resolve("curr1_input")),
                new SysfsFile(p)));
      }
    }
    String where = Files.isDirectory(ina3221) ? ina3221.toString() : ina238.toString();
    if (channels.isEmpty()) {
      absent.add(
          new AbsentSource(
              KIND,
              where,
              problems.isEmpty()
                  ? "no readable inN_input/currN_input under " + where + "/*/hwmon/hwmon*"
                  : String.join("; ", problems)));
      return;
    }
    OptionalLong period =
        maxIntervalMs > 0 ? OptionalLong.of(maxIntervalMs * 1_000_000L) : OptionalLong.empty();
    present.add(new Ina3221HwmonSource(where, channels, period, settings));
  }

  private static SysfsFile optional(Path file) {
    return Files.exists(file) ? new SysfsFile(file) : null;
  }

  private static double valueOrNaN(SysfsFile f, Errors errors) {
    return f == null ? Double.NaN : Ina3221IioSource.value(f, errors);
  }

  private static Long readSetting(Path file) {
    if (!Files.isReadable(file)) {
      return null;
    }
    try (SysfsFile f = new SysfsFile(file)) {
      return f.readLong();
    } catch (IOException e) {
      return null;
    }
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
  public Map<String, String> settings() {
    return settings;
  }

  @Override
  public Reading read() {
    if (closed) {
      throw new IllegalStateException(KIND + " source " + where + " is closed");
    }
    Reading r = Reading.empty(rails.size());
    Errors errors = new Errors();
    for (int i = 0; i < channels.size(); i++) {
      Channel ch = channels.get(i);
      if (ch.powerUw() != null) {
        // INA238: power in µW, voltage and current only for the record
        r.powerMw()[i] = Ina3221IioSource.value(ch.powerUw(), errors) / 1000.0;
        r.voltageMv()[i] = valueOrNaN(ch.voltageMv(), errors);
        r.currentMa()[i] = valueOrNaN(ch.currentMa(), errors);
      } else {
        double mv = Ina3221IioSource.value(ch.voltageMv(), errors);
        double ma = Ina3221IioSource.value(ch.currentMa(), errors);
        r.voltageMv()[i] = mv;
        r.currentMa()[i] = ma;
        r.powerMw()[i] = mv * ma / 1000.0;
      }
    }
    JetsonRails.fillSum(r.powerMw(), total);
    String e = errors.message();
    return e == null ? r : r.withError(e);
  }

  /** The largest {@code update_interval} of the devices (ms in sysfs), when readable. */
  @Override
  public OptionalLong updatePeriodNs() {
    return updatePeriodNs;
  }

  @Override
  public void close() {
    closed = true;
    for (Channel ch : channels) {
      for (SysfsFile f : new SysfsFile[] {ch.voltageMv(), ch.currentMa(), ch.powerUw()}) {
        if (f != null) {
          f.close();
        }
      }
    }
  }
}
