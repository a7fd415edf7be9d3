package io.inferwatt.core;

/**
 * The one time base of the program: CLOCK_MONOTONIC nanoseconds. Production code uses {@link
 * #SYSTEM}; the virtual board and tests inject their own.
 */
@FunctionalInterface
public interface MonotonicClock {

  /** {@link System#nanoTime()}, which is CLOCK_MONOTONIC on Linux. */
  MonotonicClock SYSTEM = System::nanoTime;

  /** Now, in monotonic ns. */
  long nanoTime();
}
