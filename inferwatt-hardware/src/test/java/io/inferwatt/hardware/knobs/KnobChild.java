package io.inferwatt.hardware.knobs;

import io.inferwatt.hardware.Knob;
import java.nio.file.Path;
import java.util.List;

/**
 * A measuring process for the signal tests: takes the fake Nano under {@code args[0]} with the
 * state folder {@code args[1]}, changes four settings, prints {@code APPLIED} and waits to be
 * signalled.
 */
public final class KnobChild {
  private KnobChild() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    Host host = Host.of(root, FakeJetson.nvpmodel(root, false), SysfsWriter.direct());
    AppliedSettings s =
        AppliedSettings.open(
            StateDir.at(Path.of(args[1])),
            "jetson-nano",
            host,
            Knobs.jetson(host),
            NvmlBinding.unavailable(),
            System.err::println);
    List<Knob> knobs = s.guard(Knobs.jetson(host));
    for (Knob k : knobs) {
      switch (k.name()) {
        case "power.mode" -> k.apply("1");
        case "cpu.cores" -> k.apply("2");
        case "cpu.freq_khz" -> k.apply("307200");
        case "gpu.freq_hz" -> k.apply("537600000");
        default -> {}
      }
    }
    System.out.println("APPLIED");
    System.out.flush();
    Thread.sleep(60_000);
    s.close();
  }
}
