package io.inferwatt.study.boards;

import io.inferwatt.core.BadInputException;
import io.inferwatt.engines.models.Zoo;
import io.inferwatt.engines.sim.VirtualNano;
import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.knobs.Host;
import io.inferwatt.hardware.sensors.PowerSources;
import io.inferwatt.study.Plan;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code sim:nano}: the virtual Jetson Nano, which runs its built-in networks in virtual time. Its
 * knobs are its own (they touch no machine) and every number it gives is simulated.
 */
final class VirtualBoard implements Board {
  static final String NAME = "sim:nano";

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
    return new PowerSources.Discovery(List.of(), List.of());
  }

  @Override
  public StudyBoard openStudy(Plan plan, Path root, boolean dryRun, Consumer<String> out) {
    VirtualNano nano = VirtualNano.create(plan.seed());
    return new StudyBoard(this, nano.knobs(), nano, null, () -> {});
  }

  @Override
  public Boards.Opened openProfile(Boards.ProfileRequest r) {
    boolean command = "command".equals(r.engine());
    boolean file = !command && !r.positional().isEmpty();
    if (file || command || (r.engine() != null && !r.engine().equals("sim"))) {
      throw new BadInputException(
          "the virtual Jetson Nano runs its built-in networks (--model "
              + String.join("|", Zoo.names())
              + "); a model file or a runner needs a real board: --board local");
    }
    VirtualNano nano = VirtualNano.create(r.seed(), r.sensor());
    return new Boards.Opened(nano, nano, Zoo.network(r.model()), () -> {}, Optional.empty());
  }
}
