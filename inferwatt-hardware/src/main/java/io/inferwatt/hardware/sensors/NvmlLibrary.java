package io.inferwatt.hardware.sensors;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where NVML is loaded from, for the power source and the GPU knobs alike. The driver installs only
 * the versioned {@code libnvidia-ml.so.1} (the unversioned name comes with development packages),
 * so the library is opened by that file name, which the dynamic loader resolves through its cache;
 * containers that mount the driver outside that cache (e.g. {@code /usr/local/nvidia/lib64}) are
 * tried next, and {@code -Dinferwatt.nvml.library=PATH} names the file outright.
 */
public final class NvmlLibrary {

  /** The driver's file name on Linux. */
  public static final String FILE = "libnvidia-ml.so.1";

  private static final List<String> DIRECTORIES =
      List.of(
          "/usr/local/nvidia/lib64",
          "/usr/lib/x86_64-linux-gnu",
          "/usr/lib/aarch64-linux-gnu",
          "/usr/lib64",
          "/usr/lib",
          "/usr/lib/wsl/lib");

  private NvmlLibrary() {}

  /**
   * Binds {@code api} to NVML.
   *
   * @throws UnsatisfiedLinkError naming every place tried when none loads
   */
  public static <T extends Library> T load(Class<T> api) {
    if (System.getProperty("os.name", "").startsWith("Windows")) {
      return Native.load("nvml", api);
    }
    List<String> tried = new ArrayList<>();
    String named = System.getProperty("inferwatt.nvml.library");
    List<String> candidates = new ArrayList<>();
    if (named != null && !named.isBlank()) {
      candidates.add(named);
    }
    candidates.add(FILE);
    for (String dir : DIRECTORIES) {
      Path p = Path.of(dir, FILE);
      if (Files.exists(p)) {
        candidates.add(p.toString());
      }
    }
    for (String c : candidates) {
      try {
        return Native.load(c, api);
      } catch (UnsatisfiedLinkError e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        tried.add(nl < 0 ? m : m.substring(0, nl));
      }
    }
    throw new UnsatisfiedLinkError(String.join("; ", tried));
  }
}
