package io.inferwatt.study.boards;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.engines.models.Zoo;
import io.inferwatt.engines.sim.VirtualGpu;
import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.knobs.Host;
import io.inferwatt.hardware.sensors.PowerSources;
import io.inferwatt.study.Plan;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code sim:gpu}: the virtual datacenter GPU (H100/H200-like), read through a simulated NVML with
 * the real one's update periods, sample buffer and read costs. It runs a network's layer list in
 * virtual time; its knob ({@code gpu.clock_mhz}) touches no machine and every number it gives is
 * simulated.
 */
final class VirtualGpuBoard implements Board {
  static final String NAME = VirtualGpu.NAME;

  /**
   * Where a network's layer list comes from: today the built-in networks, each derived from its
   * ONNX graph. The one seam for layer lists of any ONNX file.
   */
  private final Function<String, NetworkSpec> networks;

  VirtualGpuBoard() {
    this(Zoo::network);
  }

  VirtualGpuBoard(Function<String, NetworkSpec> networks) {
    this.networks = networks;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "the virtual datacenter GPU, H100/H200-like, with a simulated NVML (every number it"
        + " gives is simulated)";
  }

  @Override
  public boolean simulated() {
    return true;
  }

  @Override
  public List<String> engines() {
    return List.of("sim");
  }

  @Override
  public List<Knob> knobs(Host host) {
    return List.of();
  }

  @Override
  public PowerSources.Discovery sensors(Path root) {
    return new PowerSources.Discovery(List.of(), List.of());
  }

  @Override
  public StudyBoard openStudy(Plan plan, Path root, boolean dryRun, Consumer<String> out) {
    VirtualGpu gpu = VirtualGpu.create(plan.seed());
    return new StudyBoard(this, gpu.knobs(), gpu, null, () -> {});
  }

  @Override
  public Boards.Opened openProfile(Boards.ProfileRequest r) {
    boolean command = "command".equals(r.engine());
    boolean file = !command && !r.positional().isEmpty();
    if (file || command || (r.engine() != null && !r.engine().equals("sim"))) {
      throw new BadInputException(
          "the virtual GPU runs the built-in networks (--model "
              + String.join("|", Zoo.names())
              + "); a model file or a runner needs a real board: --board local");
    }
    VirtualGpu gpu = VirtualGpu.create(r.seed());
    return new Boards.Opened(gpu, gpu, networks.apply(r.model()), () -> {}, Optional.empty());
  }
}
