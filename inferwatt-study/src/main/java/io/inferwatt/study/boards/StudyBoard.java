package io.inferwatt.study.boards;

import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.Recorder;
import io.inferwatt.hardware.knobs.AppliedSettings;
import io.inferwatt.hardware.knobs.Host;
import io.inferwatt.hardware.knobs.NvmlControl;
import io.inferwatt.hardware.knobs.StateDir;
import io.inferwatt.study.Configuration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A board opened for a study: its knobs, the engines it runs, and a recorder where this build can
 * measure it. Closing it closes the power sources it opened.
 */
public final class StudyBoard implements AutoCloseable {
  private final Board board;
  private final List<Knob> knobs;
  private final Recorder recorder;
  private final Host host;
  private final Runnable close;
  private final boolean buildsModels;

  StudyBoard(Board board, List<Knob> knobs, Recorder recorder, Host host, Runnable close) {
    this(board, knobs, recorder, host, close, recorder instanceof OnnxStudyRecorder);
  }

  /**
   * @param buildsModels whether a real run builds each configuration's network as an ONNX file
   *     (true in its dry run as well, so that both refuse the same networks)
   */
  StudyBoard(
      Board board,
      List<Knob> knobs,
      Recorder recorder,
      Host host,
      Runnable close,
      boolean buildsModels) {
    this.buildsModels = buildsModels;
    this.board = board;
    this.knobs = List.copyOf(knobs);
    this.recorder = recorder;
    this.host = host;
    this.close = close;
  }

  /** The board's name. */
  public String name() {
    return board.name();
  }

  /** Whether every number measured on it is simulated. */
  public boolean simulated() {
    return board.simulated();
  }

  /** The engines a study plan may name on it. */
  public List<String> engines() {
    return board.engines();
  }

  /** Its knobs (unguarded: {@link #guard} them before changing one on a real board). */
  public List<Knob> knobs() {
    return knobs;
  }

  /**
   * The recorder, or null where this build cannot measure the plan (a dry run, engine {@code
   * external}).
   */
  public Recorder recorder() {
    return recorder;
  }

  /**
   * Refuses, all at once, every configuration the recorder cannot run (a network it cannot build),
   * in a dry run as in the real one.
   */
  public void check(List<Configuration> configurations) {
    if (buildsModels) {
      OnnxStudyRecorder.check(configurations);
    }
  }

  /**
   * The owner of the board's settings, which restores them on every exit; null for a board that
   * touches no machine (the virtual one).
   */
  public AppliedSettings guard(Consumer<String> log) {
    return host == null
        ? null
        : AppliedSettings.open(
            StateDir.fromEnvironment(), name(), host, knobs, NvmlControl.system(), log);
  }

  /** The recorder whose knobs go through {@code guard} (null: the recorder as it is). */
  public Recorder recorder(AppliedSettings guard) {
    return guard == null ? recorder : new GuardedRecorder(recorder, recorder.knobs(), guard);
  }

  /** Closes the power sources it opened. */
  @Override
  public void close() {
    close.run();
  }
}
