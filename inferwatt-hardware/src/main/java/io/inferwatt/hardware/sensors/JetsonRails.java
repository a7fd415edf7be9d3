package io.inferwatt.hardware.sensors;

import io.inferwatt.hardware.Rail;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the Jetson INA3221/INA238 rail labels mean and which rail is the board's total, per board
 * (the label tables are listed in docs/sensors.md). Pure functions over labels.
 */
final class JetsonRails {

  private JetsonRails() {}

  private static final Map<String, String> COVERS =
      Map.ofEntries(
          Map.entry("POM_5V_IN", "whole module, 5 V input (board total)"),
          Map.entry("POM_5V_GPU", "GPU (part of POM_5V_IN)"),
          Map.entry("POM_5V_CPU", "CPU cores (part of POM_5V_IN)"),
          Map.entry("VDD_IN", "whole module input (board total)"),
          Map.entry("VDD_CPU_GPU_CV", "CPU, GPU and CV accelerators (part of VDD_IN)"),
          Map.entry("VDD_SOC", "SoC: memory controller and engines (part of VDD_IN)"),
          Map.entry("VDD_CPU", "CPU cores (part of VDD_IN)"),
          Map.entry("VDD_GPU", "GPU (part of VDD_IN)"),
          Map.entry("VDD_MUX", "input branch parallel to VDD_IN (add to VDD_IN)"),
          Map.entry("VDD_SYS_GPU", "GPU"),
          Map.entry("VDD_SYS_SOC", "SoC"),
          Map.entry("VDD_SYS_CPU", "CPU cores"),
          Map.entry("VDD_SYS_DDR", "DRAM"),
          Map.entry("VDD_4V0_WIFI", "Wi-Fi module"),
          Map.entry("VDD_CPU_GPU", "CPU and GPU (part of VDD_IN)"),
          Map.entry("VDD_GPU_SOC", "GPU and SoC (one of three rails summed for the total)"),
          Map.entry(
              "VDD_CPU_CV", "CPU and CV accelerators (one of three rails summed for the total)"),
          Map.entry(
              "VIN_SYS_5V0",
              "5 V system rail (one of three rails summed for the total; feeds VDDQ_VDD2_1V8AO)"),
          Map.entry("VDDQ_VDD2_1V8AO", "DRAM and always-on 1.8 V (part of VIN_SYS_5V0)"),
          Map.entry("GPU", "GPU (one of six rails summed for the total)"),
          Map.entry("CPU", "CPU cores (one of six rails summed for the total)"),
          Map.entry("SOC", "SoC (one of six rails summed for the total)"),
          Map.entry("CV", "CV accelerators: DLA, PVA (one of six rails summed for the total)"),
          Map.entry("VDDRQ", "DRAM (one of six rails summed for the total)"),
          Map.entry("SYS5V", "5 V system rail (one of six rails summed for the total)"),
          Map.entry("VIN", "carrier board input, INA238 (board total)"));

  private static final List<String> AGX_XAVIER =
      List.of("GPU", "CPU", "SOC", "CV", "VDDRQ", "SYS5V");
  private static final List<String> AGX_ORIN = List.of("VDD_GPU_SOC", "VDD_CPU_CV", "VIN_SYS_5V0");

  /** What a rail covers, for people. */
  static String covers(String label) {
    String c = COVERS.get(label.toUpperCase(Locale.ROOT));
    return c != null ? c : "rail " + label + " (its meaning is not known to inferwatt)";
  }

  /**
   * The program's lower-case name for a label: {@code POM_5V_IN} → {@code in}, {@code VDD_SOC} →
   * {@code soc}; the whole label in lower case when the short name is taken.
   */
  static String programName(String label, Set<String> taken) {
    String l = label.strip();
    String u = l.toUpperCase(Locale.ROOT);
    String shortName = u;
    for (String prefix : List.of("POM_5V_", "VDD_SYS_", "VDD_")) {
      if (u.startsWith(prefix) && u.length() > prefix.length()) {
        shortName = u.substring(prefix.length());
        break;
      }
    }
    String name = sanitize(shortName);
    if (taken.contains(name)) {
      name = sanitize(u);
    }
    int n = 2;
    String base = name;
    while (taken.contains(name)) {
      name = base + "_" + n++;
    }
    return name;
  }

  private static String sanitize(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_");
  }

  /**
   * The board total for these labels: the index of the total rail, or the indexes of the rails
   * whose sum is the total (AGX Xavier: six rails; AGX Orin: three; TX1/TX2: VDD_IN + VDD_MUX), or
   * neither when the board is not known.
   */
  static Total total(List<String> labels) {
    List<String> up = labels.stream().map(s -> s.toUpperCase(Locale.ROOT)).toList();
    if (up.contains("VDD_IN") && up.contains("VDD_MUX")) {
      return Total.sum(List.of(up.indexOf("VDD_IN"), up.indexOf("VDD_MUX")));
    }
    for (String t : List.of("POM_5V_IN", "VDD_IN", "VIN")) {
      if (up.contains(t)) {
        return Total.rail(up.indexOf(t));
      }
    }
    if (up.containsAll(AGX_ORIN)) {
      return Total.sum(AGX_ORIN.stream().map(up::indexOf).toList());
    }
    if (up.containsAll(AGX_XAVIER)) {
      return Total.sum(AGX_XAVIER.stream().map(up::indexOf).toList());
    }
    return Total.NONE;
  }

  /** The board total: one rail ({@code railIndex >= 0}), a sum of rails, or unknown. */
  record Total(int railIndex, List<Integer> summed) {
    static final Total NONE = new Total(-1, List.of());

    static Total rail(int i) {
      return new Total(i, List.of());
    }

    static Total sum(List<Integer> rails) {
      return new Total(-1, List.copyOf(rails));
    }
  }

  /**
   * The rails of a Jetson source for {@code labels}: one per label, plus a computed {@code total}
   * rail at the end when the total is a sum of rails.
   */
  static List<Rail> rails(List<String> labels, Total total) {
    List<Rail> rails = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    for (int i = 0; i < labels.size(); i++) {
      String name = programName(labels.get(i), taken);
      taken.add(name);
      rails.add(new Rail(name, labels.get(i), covers(labels.get(i)), total.railIndex() == i));
    }
    if (!total.summed().isEmpty()) {
      List<String> parts = total.summed().stream().map(labels::get).toList();
      String name = taken.contains("total") ? "board_total" : "total";
      rails.add(
          new Rail(
              name,
              "sum(" + String.join(",", parts) + ")",
              "board total, computed as the sum of " + String.join(" + ", parts),
              true));
    }
    return List.copyOf(rails);
  }

  /** Fills the computed total (the last value) from its parts; NaN if any part is NaN. */
  static void fillSum(double[] powerMw, Total total) {
    if (total.summed().isEmpty()) {
      return;
    }
    double sum = 0;
    for (int i : total.summed()) {
      sum += powerMw[i];
    }
    powerMw[powerMw.length - 1] = sum;
  }
}
