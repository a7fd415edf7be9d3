package io.inferwatt.hardware.sensors;

import io.inferwatt.core.MonotonicClock;
import io.inferwatt.hardware.ProcessRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Finds the power sources of this machine (or of a fake tree under a root folder). */
public final class PowerSources {

  /** The {@code tegrastats --interval} used when it is started, in ms. */
  public static final long TEGRASTATS_INTERVAL_MS = 100;

  private PowerSources() {}

  /**
   * What was found: the sources to read (open; close them, or this) and the sources looked for and
   * not used, each with its reason.
   *
   * @param present the sources found, in the order looked for
   * @param absent the sources not found or not readable
   */
  public record Discovery(List<PowerSource> present, List<AbsentSource> absent)
      implements AutoCloseable {

    public Discovery {
      present = List.copyOf(present);
      absent = List.copyOf(absent);
    }

    /** Closes every present source. */
    @Override
    public void close() {
      for (PowerSource s : present) {
        s.close();
      }
    }
  }

  /**
   * Looks for every kind of source with real processes and the real NVML library.
   *
   * @param root the folder that stands for {@code /} (every sysfs path and {@code tegrastats} is
   *     looked for under it); NVML is looked for only when it is {@code /}
   */
  public static Discovery discover(Path root) {
    return discover(root, ProcessRunner.system());
  }

  /** As {@link #discover(Path)}, starting {@code tegrastats} through {@code runner}. */
  public static Discovery discover(Path root, ProcessRunner runner) {
    // a lambda, not a method reference: JNA's classes load only when NVML is looked for
    return discover(
        root, runner, () -> JnaNvml.load(), MonotonicClock.SYSTEM, TEGRASTATS_INTERVAL_MS);
  }

  /**
   * Looks for, in order: the INA3221 through the JetPack 4 iio driver, the JetPack 5+ hwmon
   * drivers, {@code tegrastats} (only when neither INA3221 driver is readable: it reads the same
   * chips, more slowly), NVML and RAPL.
   */
  static Discovery discover(
      Path root,
      ProcessRunner runner,
      Supplier<NvmlBinding> nvml,
      MonotonicClock clock,
      long tegrastatsIntervalMs) {
    Path r = root.toAbsolutePath().normalize();
    List<PowerSource> present = new ArrayList<>();
    List<AbsentSource> absent = new ArrayList<>();
    Ina3221IioSource.probe(r, present, absent);
    Ina3221HwmonSource.probe(r, present, absent);
    boolean inaFound =
        present.stream()
            .anyMatch(
                s ->
                    s.kind().equals(Ina3221IioSource.KIND)
                        || s.kind().equals(Ina3221HwmonSource.KIND));
    if (inaFound) {
      absent.add(
          new AbsentSource(
              TegrastatsSource.KIND,
              "/" + TegrastatsSource.PATH,
              "not started: the INA3221 is read directly through sysfs (the same sensor, finer in time)"));
    } else {
      TegrastatsSource.probe(r, runner, tegrastatsIntervalMs, present, absent);
    }
    NvmlSource.probe(r.getParent() == null, nvml, present, absent);
    RaplSource.probe(r, clock, present, absent);
    return new Discovery(present, absent);
  }
}
