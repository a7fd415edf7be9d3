package io.inferwatt.hardware.sensors;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pure parser of the power fields of one {@code tegrastats} line, for every JetPack era:
 *
 * <ul>
 *   <li>JetPack 4 (L4T 32.x): {@code POM_5V_IN 933/933}, current/average in mW without a unit;
 *   <li>JetPack 5/6 (L4T 35/36): {@code VDD_IN 4556mW/4556mW}, the line starts with a timestamp
 *       {@code MM-DD-YYYY HH:MM:SS};
 *   <li>JetPack 7 (L4T 39): {@code VDD_GPU_SOC 5139mW/5139mW/5139mW}, three values; the first is
 *       the current power and the second the average, the third is kept but its meaning is not
 *       documented.
 * </ul>
 *
 * Other fields ({@code RAM 331/3964MB}, {@code SWAP ...}, {@code IRAM ...}) are ignored: they carry
 * a unit other than mW or have non-numeric neighbours.
 */
final class TegrastatsParser {

  private TegrastatsParser() {}

  /**
   * One power field.
   *
   * @param label the rail as tegrastats names it ({@code POM_5V_IN}, {@code VDD_IN}, {@code NC})
   * @param powerMw current power in mW
   * @param averageMw average since tegrastats started, in mW
   * @param thirdMw the third value of JetPack 7 lines in mW, NaN before
   */
  record RailPower(String label, double powerMw, double averageMw, double thirdMw) {}

  private static final Pattern TIMESTAMP =
      Pattern.compile("^\\s*\\d{2}-\\d{2}-\\d{4} \\d{2}:\\d{2}:\\d{2} ");

  // NAME value[mW]/value[mW][/value[mW]]: values with an optional mW suffix, nothing else
  private static final Pattern POWER =
      Pattern.compile(
          "(?<![\\w@])([A-Za-z][A-Za-z0-9_]*) (\\d+(?:\\.\\d+)?)(mW)?/(\\d+(?:\\.\\d+)?)(mW)?(?:/(\\d+(?:\\.\\d+)?)(mW)?)?(?![\\w/.%@])");

  private static final java.util.Set<String> NOT_POWER =
      java.util.Set.of("RAM", "SWAP", "IRAM", "lfb", "cached");

  /** The power fields of {@code line} in the order they appear; empty if it has none. */
  static List<RailPower> parse(String line) {
    String body = TIMESTAMP.matcher(line).replaceFirst("");
    List<RailPower> out = new ArrayList<>();
    Matcher m = POWER.matcher(body);
    while (m.find()) {
      String label = m.group(1);
      if (NOT_POWER.contains(label)) {
        continue;
      }
      double third = m.group(6) == null ? Double.NaN : Double.parseDouble(m.group(6));
      out.add(
          new RailPower(
              label, Double.parseDouble(m.group(2)), Double.parseDouble(m.group(4)), third));
    }
    return out;
  }

  /** Whether the line starts with the JetPack 5+ timestamp. */
  static boolean hasTimestamp(String line) {
    return TIMESTAMP.matcher(line).find();
  }
}
