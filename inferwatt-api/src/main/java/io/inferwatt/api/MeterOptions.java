package io.inferwatt.api;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link PowerMeter} reads.
 *
 * @param root the folder that stands for {@code /} when looking for sensors (a copied or fake sysfs
 *     tree); {@link #defaults()} takes it from the environment variable {@code
 *     INFERWATT_SYSFS_ROOT}, else {@code /}
 * @param board a board of inferwatt's registry to read instead of this machine's sensors ({@code
 *     sim:nano}: the virtual Jetson Nano, whose numbers are all simulated; needs {@code
 *     io.inferwatt:inferwatt-study} on the class path); null for this machine's sensors under
 *     {@code root}. {@link #defaults()} takes it from {@code INFERWATT_BOARD}
 * @param period the time between reads of every sensor; null reads each sensor as fast as it
 *     updates (1 to 100 ms, 5 ms when the sensor does not say)
 * @param sync called on the calling thread before every time stamp of a window (its open and its
 *     close), for example to wait for a GPU's queued work to finish; null for none
 * @param jfr whether each window is committed as JFR events (they cost nothing unless a recording
 *     has them enabled)
 */
public record MeterOptions(Path root, String board, Duration period, Runnable sync, boolean jfr) {

  /** The environment variable that names the sysfs root. */
  public static final String ROOT_ENV = "INFERWATT_SYSFS_ROOT";

  /** The environment variable that names a board of the registry ({@code sim:nano}). */
  public static final String BOARD_ENV = "INFERWATT_BOARD";

  public MeterOptions {
    if (root == null) {
      throw new IllegalArgumentException("root is null: use Path.of(\"/\") for this machine");
    }
    if (board != null && board.isBlank()) {
      throw new IllegalArgumentException(
          "board is blank: name one (sim:nano) or pass null for this machine's sensors");
    }
    if (period != null && (period.isNegative() || period.isZero())) {
      throw new IllegalArgumentException("period " + period + " must be positive");
    }
  }

  /**
   * This machine's sensors (or {@code $INFERWATT_SYSFS_ROOT}, or the board {@code
   * $INFERWATT_BOARD}), each at its own rate, with JFR.
   */
  public static MeterOptions defaults() {
    String env = System.getenv(ROOT_ENV);
    String board = System.getenv(BOARD_ENV);
    return new MeterOptions(
        env == null || env.isBlank() ? Path.of("/") : Path.of(env),
        board == null || board.isBlank() ? null : board.strip(),
        null,
        null,
        true);
  }

  /** The same with another sysfs root. */
  public MeterOptions withRoot(Path r) {
    return new MeterOptions(r, board, period, sync, jfr);
  }

  /** The same on a board of the registry ({@code sim:nano}); null: this machine's sensors. */
  public MeterOptions withBoard(String b) {
    return new MeterOptions(root, b, period, sync, jfr);
  }

  /** The same with another read period (null: each sensor's own). */
  public MeterOptions withPeriod(Duration p) {
    return new MeterOptions(root, board, p, sync, jfr);
  }

  /** The same with a device-synchronisation hook (null: none). */
  public MeterOptions withSync(Runnable s) {
    return new MeterOptions(root, board, period, s, jfr);
  }

  /** The same with JFR events on or off. */
  public MeterOptions withJfr(boolean on) {
    return new MeterOptions(root, board, period, sync, on);
  }
}
