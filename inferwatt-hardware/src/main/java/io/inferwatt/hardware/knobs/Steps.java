package io.inferwatt.hardware.knobs;

import java.util.List;

/** Replays one {@link RestoreStep}. */
final class Steps {
  private Steps() {}

  static void replay(RestoreStep s, Host host, NvmlControl nvml) {
    List<String> a = s.args();
    switch (s.action()) {
      case "write" -> {
        need(s, 2);
        if (!host.exists(a.get(0)) || !host.read(a.get(0)).equals(a.get(1))) {
          host.write(a.get(0), a.get(1));
        }
      }
      case "range" -> {
        need(s, 4);
        BoardKnob.setRange(host, a.get(0), a.get(1), a.get(2), a.get(3));
      }
      case "nvpmodel" -> {
        need(s, 1);
        ProcessRunner.Result r = host.run(List.of("nvpmodel", "-m", a.get(0)), true);
        if (r.exitCode() != 0 || r.stdout().contains("NVPM ERROR")) {
          throw new IllegalStateException(
              "nvpmodel -m "
                  + a.get(0)
                  + " failed (exit "
                  + r.exitCode()
                  + "): "
                  + (r.stderr() + r.stdout()).trim());
        }
      }
      case "nvml-reset-clocks" -> {
        need(s, 1);
        nvml.resetGpuLockedClocks(Integer.parseInt(a.get(0)));
      }
      case "nvml-lock-clocks" -> {
        need(s, 2);
        int mhz = Integer.parseInt(a.get(1));
        nvml.setGpuLockedClocksMhz(Integer.parseInt(a.get(0)), mhz, mhz);
      }
      case "nvml-reset-mem-clocks" -> {
        need(s, 1);
        nvml.resetMemoryLockedClocks(Integer.parseInt(a.get(0)));
      }
      case "nvml-lock-mem-clocks" -> {
        need(s, 2);
        int mhz = Integer.parseInt(a.get(1));
        nvml.setMemoryLockedClocksMhz(Integer.parseInt(a.get(0)), mhz, mhz);
      }
      case "nvml-app-clocks" -> {
        need(s, 3);
        nvml.setApplicationsClocksMhz(
            Integer.parseInt(a.get(0)), Integer.parseInt(a.get(1)), Integer.parseInt(a.get(2)));
      }
      case "nvml-reset-app-clocks" -> {
        need(s, 1);
        nvml.resetApplicationsClocks(Integer.parseInt(a.get(0)));
      }
      case "nvml-power-limit" -> {
        need(s, 2);
        nvml.setPowerLimitMw(Integer.parseInt(a.get(0)), Integer.parseInt(a.get(1)));
      }
      default ->
          throw new IllegalArgumentException("unknown restore action '" + s.action() + "' in " + s);
    }
  }

  private static void need(RestoreStep s, int n) {
    if (s.args().size() != n) {
      throw new IllegalArgumentException(
          "restore step '" + s + "' has " + s.args().size() + " arguments, not " + n);
    }
  }
}
