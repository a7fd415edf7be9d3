package io.inferwatt.study.boards;

import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.knobs.Host;
import io.inferwatt.hardware.sensors.PowerSources;
import io.inferwatt.study.Plan;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A board inferwatt measures on: its name, its hardware knobs, its power sensors, the engines it
 * runs and how a recorder is opened on it, for {@code profile}, {@code study} and {@code restore}
 * alike. Every board is found by name in {@link Boards}; a new board is one more entry there.
 */
public interface Board {

  /** The name commands and plans use ({@code sim:nano}, {@code jetson}, ...). */
  String name();

  /** One line for people. */
  String description();

  /** Whether every number measured on it is simulated. */
  boolean simulated();

  /** The engines a study plan may name on it. */
  List<String> engines();

  /**
   * The board's hardware knobs on {@code host}, in the order to apply them; empty when it has none
   * (the virtual board's knobs come with its recorder and touch no machine).
   */
  List<Knob> knobs(Host host);

  /**
   * The power sensors found under {@code root} (open: close the discovery after use), for the live
   * tools ({@code monitor}, the measurement API); the virtual board's is its simulated sensor on
   * the monotonic clock (its recorder simulates its own inside each recording).
   */
  PowerSources.Discovery sensors(Path root);

  /**
   * Opens the board for a study of {@code plan}.
   *
   * @param root where the board's files are (null: this machine; a fake tree in tests)
   * @param dryRun whether knobs only report their writes (and nothing is measured)
   * @param out receives notes for people (no sensor found, the writes of a dry run)
   * @throws IllegalArgumentException when the plan's engine cannot run here
   */
  StudyBoard openStudy(Plan plan, Path root, boolean dryRun, Consumer<String> out);

  /**
   * Opens the board's recorder for one profile.
   *
   * @throws IllegalArgumentException when the request does not fit the board (a model file on the
   *     virtual board, no model on a real one, an unknown engine)
   */
  Boards.Opened openProfile(Boards.ProfileRequest request);
}
