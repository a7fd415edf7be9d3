package io.inferwatt.hardware.sensors;

import io.inferwatt.core.MonotonicClock;
import io.inferwatt.hardware.Rail;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Linux powercap RAPL ({@code /sys/class/powercap/intel-rapl:*}, also AMD Zen): each zone's {@code
 * energy_uj} counter (µJ) turned into power as the energy between two reads over the time between
 * them. The counter wraps at {@code max_energy_range_uj}. The first read of a zone has no earlier
 * one and is NaN. Since Linux 5.10 {@code energy_uj} is readable by root only.
 */
final class RaplSource implements PowerSource {

  static final String KIND = "rapl";
  static final String POWERCAP_DIR = "sys/class/powercap";

  private final String where;
  private final List<Rail> rails;
  private final SysfsFile[] energy;
  private final long[] maxRangeUj;
  private final MonotonicClock clock;
  private final long[] lastUj;
  private final long[] lastNs;

  private RaplSource(
      String where,
      List<Rail> rails,
      List<Path> energyFiles,
      long[] maxRangeUj,
      MonotonicClock clock) {
    this.where = where;
    this.rails = List.copyOf(rails);
    this.energy = energyFiles.stream().map(SysfsFile::new).toArray(SysfsFile[]::new);
    this.maxRangeUj = maxRangeUj;
    this.clock = clock;
    this.lastUj = new long[rails.size()];
    this.lastNs = new long[rails.size()];
    Arrays.fill(lastNs, Long.MIN_VALUE);
  }

  /**
   * Looks for RAPL zones under {@code root}; adds the source and one absent entry per unreadable
   * zone.
   */
  static void probe(
      Path root, MonotonicClock clock, List<PowerSource> present, List<AbsentSource> absent) {
    Path dir = root.resolve(POWERCAP_DIR);
    List<Path> zones = Ina3221IioSource.sorted(dir, "intel-rapl:*");
    if (zones.isEmpty()) {
      absent.add(
          new AbsentSource(
              KIND,
              "/" + POWERCAP_DIR + "/intel-rapl:*",
              "no driver: no intel-rapl zone under "
                  + dir
                  + " (intel_rapl_common not loaded, not an x86 CPU, or a container that masks powercap)"));
      return;
    }
    List<Rail> rails = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    List<Long> ranges = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    for (Path zone : zones) {
      Path e = zone.resolve("energy_uj");
      if (!Files.exists(e)) {
        continue;
      }
      String name = Ina3221IioSource.readLabel(zone.resolve("name"));
      String zoneId = zone.getFileName().toString().substring("intel-rapl:".length());
      if (name == null) {
        name = "zone_" + zoneId;
      }
      Long range = readLong(zone.resolve("max_energy_range_uj"));
      if (!Files.isReadable(e) || range == null || readLong(e) == null) {
        unreadable.add(e.toString());
        continue;
      }
      rails.add(rail(name, zoneId));
      files.add(e);
      ranges.add(range);
    }
    for (String u : unreadable) {
      absent.add(
          new AbsentSource(
              KIND,
              u,
              "not root: " + u + " is readable by root only (Linux 5.10+, CVE-2020-8694)"));
    }
    if (!rails.isEmpty()) {
      long[] r = ranges.stream().mapToLong(Long::longValue).toArray();
      present.add(new RaplSource(dir.toString(), withTotal(rails), files, r, clock));
    }
  }

  /**
   * The board's total among RAPL's zones: the platform zone ({@code psys}) when there is one, else
   * the package when the CPU has exactly one (its cores, caches and uncore: what a CPU inference
   * draws); with several packages and no platform zone no single zone is the total.
   */
  static List<Rail> withTotal(List<Rail> rails) {
    if (rails.stream().anyMatch(Rail::total)) {
      return rails;
    }
    List<Rail> packages = rails.stream().filter(r -> r.name().startsWith("package_")).toList();
    if (packages.size() != 1) {
      return rails;
    }
    Rail p = packages.get(0);
    return rails.stream()
        .map(r -> r == p ? new Rail(r.name(), r.label(), r.covers(), true) : r)
        .toList();
  }

  private static Rail rail(String zoneName, String zoneId) {
    String n = zoneName.toLowerCase(Locale.ROOT);
    String pkg = zoneId.split(":")[0];
    if (n.startsWith("package-")) {
      return new Rail(
          "package_" + n.substring("package-".length()),
          zoneName,
          "CPU package " + n.substring("package-".length()) + " (cores, caches, uncore; not DRAM)",
          false);
    }
    if (n.equals("psys")) {
      return new Rail(
          "psys", zoneName, "platform (whole SoC and more, as the firmware defines it)", true);
    }
    String covers =
        switch (n) {
          case "core" -> "CPU cores of package " + pkg + " (part of the package)";
          case "uncore" -> "uncore / integrated GPU of package " + pkg + " (part of the package)";
          case "dram" -> "DRAM attached to package " + pkg + " (not part of the package)";
          default -> "RAPL zone " + zoneName + " of package " + pkg;
        };
    return new Rail(n.replaceAll("[^a-z0-9_]+", "_") + "_" + pkg, zoneName, covers, false);
  }

  private static Long readLong(Path file) {
    try (SysfsFile f = new SysfsFile(file)) {
      return f.readLong();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Energy used between two counter values, in µJ, across at most one wrap of the counter at {@code
   * maxRangeUj}.
   */
  static long deltaUj(long previousUj, long currentUj, long maxRangeUj) {
    long d = currentUj - previousUj;
    return d >= 0 ? d : d + maxRangeUj;
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
    Reading r = Reading.empty(rails.size());
    Errors errors = new Errors();
    for (int i = 0; i < energy.length; i++) {
      long uj;
      try {
        uj = energy[i].readLong();
      } catch (IOException e) {
        errors.add(e.getMessage());
        lastNs[i] = Long.MIN_VALUE;
        continue;
      }
      long now = clock.nanoTime();
      if (lastNs[i] != Long.MIN_VALUE && now > lastNs[i]) {
        // µJ per ns = kW; × 1e6 → mW
        r.powerMw()[i] = deltaUj(lastUj[i], uj, maxRangeUj[i]) * 1e6 / (now - lastNs[i]);
      }
      lastUj[i] = uj;
      lastNs[i] = now;
    }
    String e = errors.message();
    return e == null ? r : r.withError(e);
  }

  /** Not known from the kernel (the counters are documented to update about every 1 ms on AMD). */
  @Override
  public OptionalLong updatePeriodNs() {
    return OptionalLong.empty();
  }

  @Override
  public void close() {
    for (SysfsFile f : energy) {
      f.close();
    }
  }
}
