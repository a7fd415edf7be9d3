package io.inferwatt.hardware.knobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code power.mode}: the Jetson power mode by id, through {@code nvpmodel -q} and {@code nvpmodel
 * -m ID}. The allowed ids are the {@code POWER_MODEL} entries of {@code /etc/nvpmodel.conf}. A mode
 * changes cores and clocks itself, so it is applied before and restored after the other knobs.
 */
final class NvpmodelKnob extends BoardKnob {
  static final String CONF = "/etc/nvpmodel.conf";
  private static final Pattern MODEL =
      Pattern.compile("<\\s*POWER_MODEL\\s+ID=(\\d+)\\s+NAME=([^\\s>]+)\\s*>");
  private static final Pattern QUERY = Pattern.compile("NV Power Mode:\\s*(\\S+)");

  private final Host host;

  /** id to name, ascending by id. */
  private final Map<String, String> modes;

  /** The mode a dry run would have set, so that its read-back agrees. */
  private volatile String dryRunMode;

  private NvpmodelKnob(Host host, Map<String, String> modes) {
    super("power.mode", "");
    this.host = host;
    this.modes = modes;
  }

  /** The knob, or null when the board has no {@code /etc/nvpmodel.conf}. */
  static NvpmodelKnob find(Host host) {
    if (!host.exists(CONF)) {
      return null;
    }
    Matcher m = MODEL.matcher(host.read(CONF));
    Map<Integer, String> names = new java.util.TreeMap<>();
    while (m.find()) {
      names.put(Integer.parseInt(m.group(1)), m.group(2));
    }
    if (names.isEmpty()) {
      return null;
    }
    Map<String, String> modes = new LinkedHashMap<>();
    names.forEach((id, name) -> modes.put(Integer.toString(id), name));
    return new NvpmodelKnob(host, modes);
  }

  @Override
  public List<String> allowed() {
    return List.copyOf(modes.keySet());
  }

  /** Reading runs {@code nvpmodel -q}: only when a setting names the power mode. */
  @Override
  public boolean onDemand() {
    return true;
  }

  @Override
  String describe(List<String> allowed) {
    List<String> out = new ArrayList<>();
    for (String id : allowed) {
      out.add(id + " (" + modes.get(id) + ")");
    }
    return String.join(", ", out);
  }

  @Override
  public String read() {
    if (dryRunMode != null) {
      return dryRunMode;
    }
    ProcessRunner.Result r;
    try {
      r = host.run(List.of("nvpmodel", "-q"), false);
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          "power.mode needs nvpmodel: "
              + e.getMessage()
              + "; install nvpmodel (JetPack) or leave power.mode out of the settings",
          e);
    }
    if (r.exitCode() != 0 || r.stdout().contains("NVPM ERROR")) {
      throw new IllegalStateException(
          "nvpmodel -q failed (exit " + r.exitCode() + "): " + (r.stderr() + r.stdout()).trim());
    }
    return parseQuery(r.stdout());
  }

  /** The mode id in {@code nvpmodel -q} output: the line after {@code NV Power Mode: NAME}. */
  static String parseQuery(String out) {
    String[] lines = out.split("\\R");
    for (int i = 0; i < lines.length; i++) {
      if (QUERY.matcher(lines[i]).find()) {
        for (int j = i + 1; j < lines.length; j++) {
          String t = lines[j].trim();
          if (!t.isEmpty()) {
            if (t.matches("\\d+")) {
              return t;
            }
            break;
          }
        }
      }
    }
    throw new IllegalStateException(
        "nvpmodel -q printed no 'NV Power Mode: NAME' line followed by the mode id: " + out.trim());
  }

  @Override
  void change(String value) {
    ProcessRunner.Result r = host.run(List.of("nvpmodel", "-m", value), true);
    if (host.isDryRun()) {
      dryRunMode = value;
      return;
    }
    if (r.exitCode() != 0
        || r.stdout().contains("NVPM ERROR")
        || r.stderr().contains("NVPM ERROR")) {
      throw new IllegalStateException(
          "nvpmodel -m "
              + value
              + " failed (exit "
              + r.exitCode()
              + "): "
              + (r.stderr() + r.stdout()).trim());
    }
  }

  @Override
  boolean owns(RestoreStep step) {
    return is(step, "nvpmodel", 1) && modes.containsKey(step.args().get(0));
  }

  @Override
  public List<RestoreStep> restoreSteps() {
    return List.of(new RestoreStep("nvpmodel", List.of(read())));
  }
}
