package io.inferwatt.study.boards;

import io.inferwatt.hardware.sensors.BoardSensors;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The registry's boards as {@link BoardSensors}, found through {@code META-INF/services} by code
 * that cannot see this module (the measurement API, its JMH profiler): {@code sim:nano}'s live
 * simulated sensor, a machine board's sensors under the root.
 */
public final class RegistrySensors implements BoardSensors {

  @Override
  public List<String> boards() {
    return Boards.names();
  }

  @Override
  public Optional<Found> find(String board, Path root) {
    Path r = root == null ? Path.of("/") : root;
    return Boards.find(board).map(b -> new Found(b.name(), b.sensors(r), b.simulated()));
  }
}
