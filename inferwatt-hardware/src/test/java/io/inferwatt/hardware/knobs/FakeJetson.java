package io.inferwatt.hardware.knobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Fake sysfs trees of a Jetson Nano (JetPack 4, L4T 32.7) and a Jetson Orin Nano (JetPack 6, L4T
 * 36.4) in a temporary folder, and a fake {@code nvpmodel} that keeps its mode in {@code
 * /var/lib/nvpmodel/status} of the tree (as the real one does), so that a child process and the
 * test see the same mode.
 */
final class FakeJetson {
  private FakeJetson() {}

  static final String NANO_CPU =
      "102000 204000 307200 403200 518400 614400 710400 825600 921600 1036800 1132800 1224000 1326000 1428000 1479000";
  static final String NANO_GPU =
      "76800000 153600000 230400000 307200000 384000000 460800000 537600000 614400000 691200000 768000000 844800000 921600000";
  static final String ORIN_CPU =
      "115200 192000 268800 345600 422400 499200 576000 652800 729600 806400 883200 960000 1036800 1113600 1190400 1267200 1344000 1420800 1497600 1510400";
  static final String ORIN_GPU = "306000000 420000000 522000000 625000000";

  static final String NANO_CONF =
      """
      < POWER_MODEL ID=0 NAME=MAXN >
      CPU_ONLINE CORE_0 1
      CPU_ONLINE CORE_1 1
      CPU_ONLINE CORE_2 1
      CPU_ONLINE CORE_3 1
      CPU_A57 MIN_FREQ  0
      CPU_A57 MAX_FREQ -1
      GPU MIN_FREQ 0
      GPU MAX_FREQ -1
      EMC MAX_FREQ 0

      < POWER_MODEL ID=1 NAME=5W >
      CPU_ONLINE CORE_0 1
      CPU_ONLINE CORE_1 1
      CPU_ONLINE CORE_2 0
      CPU_ONLINE CORE_3 0
      CPU_A57 MIN_FREQ  0
      CPU_A57 MAX_FREQ 918000
      GPU MIN_FREQ 0
      GPU MAX_FREQ 640000000
      EMC MAX_FREQ 1600000000

      < PM_CONFIG DEFAULT=0 >
      """;

  static final String ORIN_CONF =
      """
      < POWER_MODEL ID=0 NAME=15W >
      CPU_ONLINE CORE_0 1
      < POWER_MODEL ID=1 NAME=7W >
      CPU_ONLINE CORE_0 1
      < POWER_MODEL ID=2 NAME=MAXN_SUPER >
      CPU_ONLINE CORE_0 1
      < PM_CONFIG DEFAULT=2 >
      """;

  /** A Jetson Nano with JetPack 4: cpu0/cpufreq, devfreq 57000000.gpu, debugfs EMC override. */
  static Path nano(Path root) {
    for (int c = 0; c < 4; c++) {
      write(root, "sys/devices/system/cpu/cpu" + c + "/online", "1");
    }
    write(root, "sys/devices/system/cpu/online", "0-3");
    String f = "sys/devices/system/cpu/cpu0/cpufreq/";
    write(root, f + "scaling_available_frequencies", NANO_CPU + " ");
    write(root, f + "scaling_min_freq", "102000");
    write(root, f + "scaling_max_freq", "1479000");
    write(root, f + "scaling_cur_freq", "1479000");
    write(root, f + "scaling_governor", "schedutil");
    write(root, f + "scaling_setspeed", "<unsupported>");
    gpu(root, "sys/devices/57000000.gpu", "57000000.gpu", NANO_GPU, "76800000", "921600000");
    // a devfreq entry that is not the GPU, which discovery must pass over
    write(root, "sys/devices/15340000.vic/devfreq/15340000.vic/available_frequencies", "1 2");
    write(root, "sys/devices/15340000.vic/of_node/name", "vic\0");
    link(root, "sys/class/devfreq/15340000.vic", "../../devices/15340000.vic/devfreq/15340000.vic");
    link(root, "sys/devices/15340000.vic/devfreq/15340000.vic/device", "../..");
    write(root, "etc/nvpmodel.conf", NANO_CONF);
    write(root, "var/lib/nvpmodel/status", "pmode:0000");
    write(root, "sys/kernel/debug/clk/override.emc/clk_state", "0");
    write(root, "sys/kernel/debug/clk/override.emc/clk_update_rate", "0");
    write(root, "sys/kernel/debug/clk/override.emc/clk_rate", "1600000000");
    write(root, "sys/kernel/debug/tegra_bwmgr/emc_min_rate", "204000000");
    write(root, "sys/kernel/debug/tegra_bwmgr/emc_max_rate", "1600000000");
    return root;
  }

  /** A Jetson Orin Nano with JetPack 6: two cpufreq policies, devfreq under bus@0, no EMC. */
  static Path orin(Path root) {
    for (int c = 0; c < 6; c++) {
      write(root, "sys/devices/system/cpu/cpu" + c + "/online", "1");
    }
    for (String p : List.of("policy0", "policy4")) {
      String f = "sys/devices/system/cpu/cpufreq/" + p + "/";
      write(root, f + "scaling_available_frequencies", ORIN_CPU);
      write(root, f + "scaling_min_freq", "729600");
      write(root, f + "scaling_max_freq", "1510400");
      write(root, f + "scaling_governor", "schedutil");
    }
    gpu(
        root,
        "sys/devices/platform/bus@0/17000000.gpu",
        "17000000.gpu",
        ORIN_GPU,
        "306000000",
        "625000000");
    write(root, "etc/nvpmodel.conf", ORIN_CONF);
    write(root, "var/lib/nvpmodel/status", "pmode:0002");
    return root;
  }

  private static void gpu(
      Path root, String device, String name, String table, String min, String max) {
    String d = device + "/devfreq/" + name + "/";
    write(root, d + "available_frequencies", table);
    write(root, d + "min_freq", min);
    write(root, d + "max_freq", max);
    write(root, d + "cur_freq", max);
    write(root, d + "governor", "nvhost_podgov");
    write(root, device + "/of_node/name", "gpu\0");
    link(root, "sys/class/devfreq/" + name, "../../" + device.substring(4) + "/devfreq/" + name);
    link(root, d + "device", "../..");
  }

  /** The fake {@code nvpmodel}: {@code -q} and {@code -m ID}, mode kept in the tree. */
  static ProcessRunner nvpmodel(Path root, boolean jp6) {
    return (command, timeout) -> {
      Path status = root.resolve("var/lib/nvpmodel/status");
      Map<String, String> names =
          jp6 ? Map.of("0", "15W", "1", "7W", "2", "MAXN_SUPER") : Map.of("0", "MAXN", "1", "5W");
      if (!command.get(0).equals("nvpmodel")) {
        return new ProcessRunner.Result(127, "", command.get(0) + ": not found");
      }
      if (command.equals(List.of("nvpmodel", "-q"))) {
        String id = Integer.toString(Integer.parseInt(read(status).substring(6)));
        String warn = jp6 ? "NVPM WARN: Golden image context is already created\n" : "";
        return new ProcessRunner.Result(
            0, warn + "NV Power Mode: " + names.get(id) + "\n" + id + "\n", "");
      }
      if (command.size() == 3 && command.get(1).equals("-m")) {
        String id = command.get(2);
        if (!names.containsKey(id)) {
          return new ProcessRunner.Result(255, "NVPM ERROR: Invalid mode index " + id + "\n", "");
        }
        write(root, "var/lib/nvpmodel/status", String.format("pmode:%04d", Integer.parseInt(id)));
        return new ProcessRunner.Result(0, "", "");
      }
      return new ProcessRunner.Result(1, "", "usage: nvpmodel");
    };
  }

  /** Every regular file of the tree with its content (links followed). */
  static Map<String, String> snapshot(Path root) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.filter(Files::isRegularFile)
          .filter(p -> !p.toString().contains("/state/"))
          .forEach(p -> out.put(root.relativize(p).toString(), read(p)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path root, String rel) {
    return read(root.resolve(rel)).trim();
  }

  static void write(Path root, String rel, String content) {
    try {
      Path p = root.resolve(rel);
      Files.createDirectories(p.getParent());
      Files.writeString(p, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void link(Path root, String rel, String target) {
    try {
      Path p = root.resolve(rel);
      Files.createDirectories(p.getParent());
      Files.createSymbolicLink(p, Path.of(target));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
