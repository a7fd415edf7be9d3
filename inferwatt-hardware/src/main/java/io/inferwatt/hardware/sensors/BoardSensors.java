package io.inferwatt.hardware.sensors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The power sensors of a board found by name, for code that cannot see the board registry (the
 * {@code inferwatt-api} module depends on this module only). The registry's module implements it
 * and lists the implementation in {@code META-INF/services}; {@link #open(String, Path)} finds it
 * through {@link ServiceLoader}, so a program gets the named boards ({@code sim:nano}, ...) by
 * having that module on its class path.
 */
public interface BoardSensors {

  /**
   * A board's sensors, open (close {@code sensors} after use).
   *
   * @param board the board's name
   * @param sensors the sources found and those looked for but absent
   * @param simulated whether every number they give is simulated
   */
  record Found(String board, PowerSources.Discovery sensors, boolean simulated) {}

  /** The board names this provider knows. */
  List<String> boards();

  /**
   * Opens the sensors of board {@code board} with its files under {@code root}; empty when this
   * provider does not know the name.
   */
  Optional<Found> find(String board, Path root);

  /**
   * Opens board {@code board}'s sensors through the first provider on the class path that knows it.
   *
   * @throws IllegalArgumentException naming the boards there are (or saying that no provider is on
   *     the class path) when none knows the name
   */
  static Found open(String board, Path root) {
    List<String> known = new ArrayList<>();
    for (BoardSensors p : ServiceLoader.load(BoardSensors.class)) {
      Optional<Found> f = p.find(board, root);
      if (f.isPresent()) {
        return f.get();
      }
      known.addAll(p.boards());
    }
    throw new IllegalArgumentException(
        known.isEmpty()
            ? "board '"
                + board
                + "' needs the board registry (io.inferwatt:inferwatt-study) on the class path"
            : "board '" + board + "' is not known; boards: " + String.join(", ", known));
  }
}
