package io.inferwatt.core.io;

import io.inferwatt.core.BadInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A bench meter's log as CSV: a header row naming the columns, then one row per reading, separated
 * by commas (or semicolons or tabs, as the header is). Each channel is either a power column or a
 * voltage and a current column (power = voltage × current). Times are numbers in the meter's own
 * clock (any origin: the calibration aligns them), increasing.
 */
public final class MeterCsv {

  private MeterCsv() {}

  /** Rows read at most (a meter at 10 kHz for 2 hours). */
  static final int MAX_ROWS = 80_000_000;

  /**
   * One channel of the meter: a power column, or a voltage and a current column.
   *
   * @param power the power column's name, or null
   * @param voltage the voltage column's name, or null
   * @param current the current column's name, or null
   */
  public record Channel(String power, String voltage, String current) {
    public Channel {
      if ((power == null) == (voltage == null || current == null)
          || (voltage == null) != (current == null)) {
        throw new BadInputException(
            "a meter channel is either a power column or a voltage and a current column");
      }
    }

    String describe() {
      return power != null ? power : voltage + " x " + current;
    }
  }

  /**
   * The units of the columns.
   *
   * @param timeNs ns per time unit ({@code s}: 1e9)
   * @param powerMw mW per power unit ({@code W}: 1000)
   * @param voltageV V per voltage unit
   * @param currentA A per current unit
   */
  public record Units(double timeNs, double powerMw, double voltageV, double currentA) {

    public static final Units DEFAULT = new Units(1e9, 1000, 1, 1);

    /**
     * Reads {@code time=s,power=W,voltage=V,current=A} (any subset, the rest as the default): time
     * in {@code s}, {@code ms}, {@code us}, {@code ns}; power in {@code W}, {@code mW}; voltage in
     * {@code V}, {@code mV}; current in {@code A}, {@code mA}.
     */
    public static Units parse(String text) {
      Units u = DEFAULT;
      for (String part : text.split(",")) {
        String[] kv = part.split("=", 2);
        if (kv.length != 2) {
          throw bad(text);
        }
        String k = kv[0].trim().toLowerCase(Locale.ROOT);
        String v = kv[1].trim();
        Map<String, Double> scale =
            switch (k) {
              case "time", "t" -> Map.of("s", 1e9, "ms", 1e6, "us", 1e3, "ns", 1.0);
              case "power", "p" -> Map.of("W", 1000.0, "mW", 1.0);
              case "voltage", "v" -> Map.of("V", 1.0, "mV", 1e-3);
              case "current", "i" -> Map.of("A", 1.0, "mA", 1e-3);
              default -> throw bad(text);
            };
        Double f = scale.get(v);
        if (f == null) {
          throw new BadInputException(
              "--units: unit '" + v + "' for " + k + " is not one of " + scale.keySet());
        }
        u =
            switch (k) {
              case "time", "t" -> new Units(f, u.powerMw, u.voltageV, u.currentA);
              case "power", "p" -> new Units(u.timeNs, f, u.voltageV, u.currentA);
              case "voltage", "v" -> new Units(u.timeNs, u.powerMw, f, u.currentA);
              default -> new Units(u.timeNs, u.powerMw, u.voltageV, f);
            };
      }
      return u;
    }

    private static BadInputException bad(String text) {
      return new BadInputException(
          "--units '"
              + text
              + "': give key=unit pairs, e.g. time=s,power=W or time=ms,voltage=V,current=mA");
    }
  }

  /**
   * The meter's readings.
   *
   * @param tNs each reading's time on the meter's clock, ns (increasing)
   * @param powerMw per channel, each reading's power, mW
   * @param channels the channels' descriptions
   */
  public record Series(long[] tNs, double[][] powerMw, List<String> channels) {}

  /**
   * Reads {@code file} once (a FIFO works) with the time column {@code timeCol} (null: the first
   * column) and the given channels.
   */
  public static Series read(Path file, String timeCol, List<Channel> channels, Units units) {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = r.readLine();
      if (header == null) {
        throw new BadInputException("meter log " + file + " is empty");
      }
      header = header.startsWith("\uFEFF") ? header.substring(1) : header;
      String sep = header.contains(",") ? "," : header.contains(";") ? ";" : "\t";
      List<String> names = Arrays.stream(header.split(sep, -1)).map(MeterCsv::unquote).toList();
      int tc = timeCol == null ? 0 : column(file, names, timeCol, "--time-col");
      int nc = channels.size();
      int[][] cols = new int[nc][];
      for (int c = 0; c < nc; c++) {
        Channel ch = channels.get(c);
        cols[c] =
            ch.power() != null
                ? new int[] {column(file, names, ch.power(), "--power-col")}
                : new int[] {
                  column(file, names, ch.voltage(), "--voltage-col"),
                  column(file, names, ch.current(), "--current-col")
                };
      }
      long[] t = new long[1024];
      double[][] p = new double[nc][1024];
      int n = 0;
      String line;
      long lineNo = 1;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        if (n == MAX_ROWS) {
          throw new BadInputException(
              "meter log " + file + " has more than " + MAX_ROWS + " rows; cut it to the run");
        }
        String[] f = line.split(sep, -1);
        if (n == t.length) {
          t = Arrays.copyOf(t, n * 2);
          for (int c = 0; c < nc; c++) {
            p[c] = Arrays.copyOf(p[c], n * 2);
          }
        }
        double tv = number(file, lineNo, f, tc, names);
        t[n] = Math.round(tv * units.timeNs());
        if (n > 0 && t[n] <= t[n - 1]) {
          throw new BadInputException(
              "meter log " + file + " line " + lineNo + ": time does not increase");
        }
        for (int c = 0; c < nc; c++) {
          p[c][n] =
              cols[c].length == 1
                  ? number(file, lineNo, f, cols[c][0], names) * units.powerMw()
                  : number(file, lineNo, f, cols[c][0], names)
                      * units.voltageV()
                      * number(file, lineNo, f, cols[c][1], names)
                      * units.currentA()
                      * 1000;
        }
        n++;
      }
      if (n < 2) {
        throw new BadInputException("meter log " + file + " has fewer than 2 readings");
      }
      double[][] out = new double[nc][];
      for (int c = 0; c < nc; c++) {
        out[c] = Arrays.copyOf(p[c], n);
      }
      List<String> desc = new ArrayList<>();
      channels.forEach(ch -> desc.add(ch.describe()));
      return new Series(Arrays.copyOf(t, n), out, desc);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static String unquote(String s) {
    String v = s.trim();
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")
        ? v.substring(1, v.length() - 1)
        : v;
  }

  private static int column(Path file, List<String> names, String name, String option) {
    int i = names.indexOf(name);
    if (i < 0) {
      throw new BadInputException(
          option + " " + name + ": meter log " + file + " has no such column; it has " + names);
    }
    return i;
  }

  private static double number(Path file, long lineNo, String[] f, int col, List<String> names) {
    if (col >= f.length) {
      throw new BadInputException(
          "meter log " + file + " line " + lineNo + ": no value for column " + names.get(col));
    }
    String v = unquote(f[col]);
    try {
      double d = Double.parseDouble(v);
      if (Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new BadInputException(
        "meter log "
            + file
            + " line "
            + lineNo
            + ": "
            + names.get(col)
            + " '"
            + v
            + "' is not a number");
  }
}
