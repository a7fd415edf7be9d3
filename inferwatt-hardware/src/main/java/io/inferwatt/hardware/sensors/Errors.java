package io.inferwatt.hardware.sensors;

/** Collects the failures of one read into one message: the first in full, then a count. */
final class Errors {
  private String first;
  private int more;

  void add(String message) {
    if (first == null) {
      first = message;
    } else {
      more++;
    }
  }

  /** The message, or null when nothing failed. */
  String message() {
    if (first == null) {
      return null;
    }
    return more == 0 ? first : first + " (and " + more + " more failed reads)";
  }
}
