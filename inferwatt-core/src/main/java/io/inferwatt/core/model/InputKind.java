package io.inferwatt.core.model;

import io.inferwatt.core.BadInputException;

/** What the network is fed (paper §III.D, Fig. 9). */
public enum InputKind {
  /** All zeros. */
  BLACK,
  /** One random image, the same every inference. */
  FIXED_RANDOM,
  /** A different image every inference. */
  VARIED;

  /** The name used on the command line and in files. */
  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  public static InputKind parse(String s) {
    for (InputKind k : values()) {
      if (k.id().equals(s) || k.name().equalsIgnoreCase(s)) {
        return k;
      }
    }
    throw new BadInputException("input kind '" + s + "' is not one of black, fixed-random, varied");
  }
}
