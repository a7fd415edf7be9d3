package io.inferwatt.study.boards;

import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.models.Zoo;
import io.inferwatt.engines.sim.LiveGpu;
import io.inferwatt.engines.sim.VirtualGpu;
import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.knobs.Host;
import io.inferwatt.hardware.sensors.PowerSources;
import io.inferwatt.study.Plan;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code sim:gpu}: the virtual datacenter GPU (H100/H200-like), read through a simulated NVML with
 * the real one's update periods, sample buffer and read costs. It runs the layers of a built-in
 * network or of any ONNX file ({@link io.inferwatt.engines.onnx.LayerGraph}) in virtual time; its
 * knob ({@code gpu.clock_mhz}) touches no machine and every number it gives is simulated.
 */
final class VirtualGpuBoard implements Board {
  static final String NAME = VirtualGpu.NAME;

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
    // the live NVML of the board running resnet18 back to back (monitor, the API); a recording
    // simulates its NVML inside the recorder instead
    Workload w =
        new Workload(Zoo.network(LIVE_MODEL), 1, ExecutionMode.SYNC, InputKind.FIXED_RANDOM);
    return new PowerSources.Discovery(List.of(LiveGpu.of(w, LIVE_SEED)), List.of());
  }

  /** The network the live source runs. */
  static final String LIVE_MODEL = "resnet18";

  private static final long LIVE_SEED = 1;

  @Override
  public StudyBoard openStudy(Plan plan, Path root, boolean dryRun, Consumer<String> out) {
    VirtualGpu gpu = VirtualGpu.create(plan.seed());
    return new StudyBoard(this, gpu.knobs(), gpu, null, () -> {});
  }

  @Override
  public Boards.Opened openProfile(Boards.ProfileRequest r) {
    // layers from the graph: a built-in network's, or any ONNX file's (LayerGraph)
    NetworkSpec network = VirtualBoard.network(r, "the virtual GPU runs the built-in networks");
    VirtualGpu gpu = VirtualGpu.create(r.seed());
    return new Boards.Opened(gpu, gpu, network, () -> {}, Optional.empty());
  }
}
