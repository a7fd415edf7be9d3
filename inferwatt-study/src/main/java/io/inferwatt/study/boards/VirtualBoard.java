package io.inferwatt.study.boards;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.models.Zoo;
import io.inferwatt.engines.sim.LiveSensor;
import io.inferwatt.engines.sim.VirtualNano;
import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.knobs.Host;
import io.inferwatt.hardware.sensors.PowerSources;
import io.inferwatt.study.Models;
import io.inferwatt.study.Plan;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code sim:nano}: the virtual Jetson Nano, which runs its built-in networks, or the layers
 * derived from any ONNX file ({@link io.inferwatt.engines.onnx.LayerGraph}), in virtual time. Its
 * knobs are its own (they touch no machine) and every number it gives is simulated.
 */
final class VirtualBoard implements Board {
  static final String NAME = "sim:nano";

  /** The network the live sensor's board runs, and its seed. */
  static final String LIVE_MODEL = "mobilenetv2";

  private static final long LIVE_SEED = 1;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "the virtual Jetson Nano (every number it gives is simulated)";
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
    // the live sensor of the board running the default network back to back (monitor, the API);
    // a recording simulates its sensor inside the recorder instead
    Workload w =
        new Workload(Zoo.network(LIVE_MODEL), 1, ExecutionMode.SYNC, InputKind.FIXED_RANDOM);
    return new PowerSources.Discovery(
        List.of(LiveSensor.of(VirtualNano.create(LIVE_SEED), w, LIVE_SEED)), List.of());
  }

  @Override
  public StudyBoard openStudy(Plan plan, Path root, boolean dryRun, Consumer<String> out) {
    VirtualNano nano = VirtualNano.create(plan.seed());
    return new StudyBoard(this, nano.knobs(), nano, null, () -> {});
  }

  @Override
  public Boards.Opened openProfile(Boards.ProfileRequest r) {
    NetworkSpec network = network(r, "the virtual Jetson Nano runs its built-in networks");
    VirtualNano nano = VirtualNano.create(r.seed(), r.sensor());
    return new Boards.Opened(nano, nano, network, () -> {}, Optional.empty());
  }

  /**
   * The network a virtual board profiles: a built-in one ({@code --model}) or the layers of one
   * ONNX file, derived from its graph. A runner or another engine needs a real board.
   *
   * @param what what the board runs, the start of the refusal's line
   */
  static NetworkSpec network(Boards.ProfileRequest r, String what) {
    boolean command = "command".equals(r.engine());
    boolean file = !command && !r.positional().isEmpty();
    if (command || (r.engine() != null && !r.engine().equals("sim"))) {
      throw new BadInputException(
          what
              + " (--model "
              + String.join("|", Zoo.names())
              + ") or an ONNX file with its own engine; a runner or engine "
              + r.engine()
              + " needs a real board: --board local");
    }
    if (file && r.positional().size() != 1) {
      throw new BadInputException(
          "one model file, not " + r.positional().size() + ": " + String.join(" ", r.positional()));
    }
    return file ? Models.network(r.positional().get(0)) : Zoo.network(r.model());
  }
}
