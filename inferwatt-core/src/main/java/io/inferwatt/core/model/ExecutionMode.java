package io.inferwatt.core.model;

import io.inferwatt.core.BadInputException;

/** Synchronous (one inference at a time) or asynchronous (pipelined) execution. */
public enum ExecutionMode {
  SYNC,
  ASYNC;

  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static ExecutionMode parse(String s) {
    for (ExecutionMode m : values()) {
      if (m.id().equalsIgnoreCase(s)) {
        return m;
      }
    }
    throw new BadInputException("execution mode '" + s + "' is not one of sync, async");
  }
}
