package io.inferwatt.hardware.knobs;

import io.inferwatt.hardware.Knob;
import java.util.List;
import java.util.Optional;

/**
 * The boards whose saved settings may be replayed, and the knobs each has on a machine: a saved
 * state is replayed only when its board is known and every step is one of that board's knobs could
 * have saved ({@link Restorer}).
 */
@FunctionalInterface
public interface KnownBoards {

  /**
   * The knobs of board {@code board} on {@code host}, as the board's own knob factory finds them;
   * empty when no board has that name.
   */
  Optional<List<Knob>> knobs(String board, Host host);
}
