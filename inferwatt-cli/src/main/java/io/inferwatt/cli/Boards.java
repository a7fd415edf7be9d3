package io.inferwatt.cli;

import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.engines.models.Zoo;
import io.inferwatt.engines.sim.SensorConfig;
import io.inferwatt.engines.sim.VirtualNano;
import io.inferwatt.hardware.Recorder;

/** Opens the board and network a command names. */
final class Boards {
  private Boards() {}

  static Recorder open(String board, long seed, double sensorWindowMs) {
    if (board.equals("sim:nano")) {
      if (sensorWindowMs < 0) {
        throw new IllegalArgumentException("sensor window " + sensorWindowMs + " ms is negative");
      }
      return VirtualNano.create(seed, new SensorConfig(Math.round(sensorWindowMs * 1e6)));
    }
    throw new IllegalArgumentException(
        "board '" + board + "' is not supported yet; available: " + String.join(", ", ProfileCommand.boards()));
  }

  static NetworkSpec network(String name) {
    return Zoo.network(name);
  }
}
