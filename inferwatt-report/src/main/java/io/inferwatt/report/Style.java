package io.inferwatt.report;

import io.inferwatt.core.analysis.Analyzer;
import io.inferwatt.report.StudyResults.Configuration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report's shared look and wording: colours, axis names, number cells, escaping. */
final class Style {

  private Style() {}

  /** Layer types: light colours, so that the rails' strong lines stay readable over them. */
  static final Map<String, String> TYPE_COLORS =
      Map.of(
          "Conv",
          "#c6dbef",
          "DepthwiseConv",
          "#fdd9b5",
          "Add",
          "#dadaeb",
          "Pool",
          "#fcc5d8",
          "Shuffle",
          "#f2e2b8",
          "Gemm",
          "#c7e9c0",
          "Reformat",
          "#fff3a8",
          "Softmax",
          "#e0d0c0");

  static final String[] LIGHT = {"#d9f0f0", "#f0e0f0", "#e8e8c8", "#d0e0f8", "#f8e0d0"};

  static final String IN_COLOR = "#4e79a7";

  static final String CPU_COLOR = "#e8710a";

  static final String GPU_COLOR = "#2e8b3d";

  static String typeColor(String type) {
    String c = TYPE_COLORS.get(type);
    return c != null ? c : LIGHT[Math.floorMod(type.hashCode(), LIGHT.length)];
  }

  /** Layer types as bar colours. */
  static String strongTypeColor(String type) {
    return switch (type) {
      case "Conv" -> "#4e79a7";
      case "DepthwiseConv" -> "#f28e2b";
      case "Add" -> "#76b7b2";
      case "Pool" -> "#b07aa1";
      case "Shuffle" -> "#e15759";
      case "Gemm" -> "#59a14f";
      case "Reformat" -> "#edc948";
      default -> Chart.PALETTE[Math.floorMod(type.hashCode(), Chart.PALETTE.length)];
    };
  }

  static String railColor(String rail, int i) {
    return switch (rail) {
      case "in", "total" -> "#08306b";
      case "cpu" -> CPU_COLOR;
      case "gpu" -> GPU_COLOR;
      default -> Chart.PALETTE[(i + 3) % Chart.PALETTE.length];
    };
  }

  /** The axis label of a setting, with its unit. */
  static String axis(String setting) {
    return switch (setting) {
      case "cpu.cores" -> "active CPU cores";
      case "cpu.freq_khz" -> "CPU frequency (MHz)";
      case "gpu.freq_hz" -> "GPU frequency (MHz)";
      case "emc.freq_hz" -> "memory frequency (MHz)";
      case "batch" -> "batch (inputs)";
      case "mode" -> "execution mode";
      case "input" -> "input";
      case "model" -> "network";
      case "gpu.clock_mhz" -> "GPU clock (MHz)";
      case "gpu.power_limit_mw" -> "GPU power limit (mW)";
      default -> setting;
    };
  }

  /** A setting's value in the unit of its axis (frequencies in MHz). */
  static String pretty(String setting, String value) {
    if (value == null) {
      return "-";
    }
    try {
      if (setting.endsWith("_khz")) {
        return trim(Double.parseDouble(value) / 1e3);
      }
      if (setting.endsWith("_hz")) {
        return trim(Double.parseDouble(value) / 1e6);
      }
    } catch (NumberFormatException e) {
      return value;
    }
    return value;
  }

  /**
   * {@code cpu.freq 1479 MHz}, {@code cpu.cores 4}: a setting with its value in the unit people
   * read.
   */
  static String setting(String key, String value) {
    if (key.endsWith("_khz") || key.endsWith("_hz")) {
      return key.replaceFirst("_k?hz$", "") + " " + pretty(key, value) + " MHz";
    }
    return key + " " + value;
  }

  static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.1f", v);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }

  static String range(String f, List<String> vs) {
    List<String> p = vs.stream().map(v -> pretty(f, v)).toList();
    return p.size() <= 3
        ? String.join(", ", p)
        : p.get(0) + " … " + p.get(p.size() - 1) + " (" + p.size() + " values)";
  }

  static String describe(Configuration c) {
    StringBuilder sb = new StringBuilder(c.model());
    c.row().settings().forEach((k, v) -> sb.append(", ").append(setting(k, v)));
    return sb.toString();
  }

  static String cap(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  static String num(double v, int decimals) {
    if (Double.isNaN(v)) {
      return "<td class=\"n\">n/a</td>";
    }
    return "<td class=\"n\" data-v=\"" + v + "\">" + Chart.fmt(v, decimals) + "</td>";
  }

  /** The {@code pct} percentile of {@code v}'s values other than NaN; NaN for none. */
  static double percentile(double[] v, double pct) {
    return Analyzer.percentile(
        java.util.Arrays.stream(v).filter(x -> !Double.isNaN(x)).sorted().toArray(), pct);
  }

  /** {@code 3x224x224}, as the store writes a shape. */
  static String shape(List<Integer> dims) {
    StringBuilder sb = new StringBuilder();
    for (Integer d : dims) {
      sb.append(sb.length() == 0 ? "" : "x").append(d);
    }
    return sb.toString();
  }

  static String esc(String s) {
    return Chart.esc(s);
  }

  static String boxNote() {
    return "Each box is the distribution over the configuration's inferences: power = the mean of the samples inside"
        + " each inference of the power phase (total rail); latency = each inference of the latency phase (logger off);"
        + " energy = the trapezoidal integral of power over each inference of the power phase. Box: quartiles; thick"
        + " line: median; whiskers: min and max; open dot: mean.";
  }
}
