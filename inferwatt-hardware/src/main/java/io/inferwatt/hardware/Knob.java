package io.inferwatt.hardware;

import java.util.List;

/**
 * One hardware or engine setting: read, list allowed values, apply, read back. Values are strings
 * in the knob's unit (for example kHz for CPU frequency).
 */
public interface Knob {

  /** The setting's name ({@code cpu.cores}, {@code cpu.freq_khz}, {@code gpu.freq_hz}). */
  String name();

  /** The current value. */
  String read();

  /** Every value {@link #apply} accepts, in ascending order. */
  List<String> allowed();

  /**
   * Sets the value and reads it back.
   *
   * @throws IllegalArgumentException when the value is not allowed (the message lists the allowed
   *     values)
   * @throws IllegalStateException when the board did not take the value
   */
  void apply(String value);

  /**
   * Whether the knob is touched only when a setting names it. Reading such a knob runs a tool the
   * board may lack ({@code nvpmodel}), so its current value is not read to describe the board: a
   * study or profile that never names it never needs the tool.
   */
  default boolean onDemand() {
    return false;
  }
}
