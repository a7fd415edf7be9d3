package io.inferwatt.hardware.knobs;

import io.inferwatt.core.BadInputException;
import java.util.ArrayList;
import java.util.List;

/**
 * The common part of the board knobs: refuse a value that is not allowed (listing the allowed
 * ones), change it, read it back and refuse a value that did not stick.
 */
abstract class BoardKnob implements Restorable {

  private final String name;
  private final String unit;

  BoardKnob(String name, String unit) {
    this.name = name;
    this.unit = unit;
  }

  @Override
  public final String name() {
    return name;
  }

  /** Makes the change; the value is known to be allowed. */
  abstract void change(String value);

  /**
   * Whether {@code step} is one that this knob's {@link #restoreSteps()} could have saved on this
   * board: its own files (or tool, or device) and a value of the form it saves. A saved state is
   * replayed only when every step passes, so that a state file can never make a restore write
   * anything else.
   */
  abstract boolean owns(RestoreStep step);

  /** Whether {@code step} is {@code action} with {@code args.size()} arguments. */
  static boolean is(RestoreStep step, String action, int args) {
    return step.action().equals(action) && step.args().size() == args;
  }

  /** Whether {@code s} is a whole number of at most 18 digits (a saved frequency or id). */
  static boolean digits(String s) {
    return s.matches("\\d{1,18}");
  }

  /** Checks that the board took {@code value}; throws {@link IllegalStateException} when not. */
  void verify(String value) {
    String back = read();
    if (!back.equals(value)) {
      throw new IllegalStateException(
          name
              + " was set to "
              + value
              + unitSuffix()
              + " but reads back "
              + back
              + unitSuffix()
              + "; the board did not take it");
    }
  }

  @Override
  public final void apply(String value) {
    String v = value == null ? "" : value.trim();
    List<String> allowed = allowed();
    if (!allowed.contains(v)) {
      throw new BadInputException(
          name + " " + value + unitSuffix() + " is not one of " + describe(allowed));
    }
    change(v);
    verify(v);
  }

  /** The allowed values for a message; subclasses may add names ({@code 0 (MAXN)}). */
  String describe(List<String> allowed) {
    return String.join(", ", allowed);
  }

  final String unitSuffix() {
    return unit.isEmpty() ? "" : " " + unit;
  }

  @Override
  public String toString() {
    return name;
  }

  /** Numbers in a space-separated sysfs list, ascending, without duplicates. */
  static List<String> numbers(String list, String what) {
    List<Long> values = new ArrayList<>();
    for (String t : list.trim().split("\\s+")) {
      if (t.isEmpty()) {
        continue;
      }
      try {
        long v = Long.parseLong(t);
        if (!values.contains(v)) {
          values.add(v);
        }
      } catch (NumberFormatException e) {
        throw new IllegalStateException(what + " holds '" + t + "', which is not a number", e);
      }
    }
    values.sort(null);
    return values.stream().map(String::valueOf).toList();
  }

  /**
   * Sets a min/max pair in the order the kernel accepts: when the new minimum lies above the
   * current maximum, the maximum first, else the minimum first.
   */
  static void setRange(Host host, String minPath, String maxPath, String min, String max) {
    long curMax = parse(host.read(maxPath), maxPath);
    if (Long.parseLong(min) > curMax) {
      host.write(maxPath, max);
      host.write(minPath, min);
    } else {
      host.write(minPath, min);
      host.write(maxPath, max);
    }
  }

  static long parse(String text, String path) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(path + " holds '" + text + "', which is not a number", e);
    }
  }
}
