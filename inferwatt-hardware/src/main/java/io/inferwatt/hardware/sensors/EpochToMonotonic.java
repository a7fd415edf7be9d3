package io.inferwatt.hardware.sensors;

import io.inferwatt.core.MonotonicClock;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * The one conversion from wall-clock time (epoch, as NVML's timestamps are: CPU µs since 1970-01-01
 * UTC) to the program's monotonic ns. The offset between the two clocks is measured once, by
 * reading the wall clock between two monotonic reads; its uncertainty is half the tightest bracket
 * plus the wall clock's 1 µs resolution. It assumes the wall clock is not stepped (NTP slewing of a
 * few ppm is ignored) during the run.
 *
 * @param offsetNs epoch ns minus monotonic ns
 * @param uncertaintyNs how far {@code offsetNs} may be off, in ns
 */
public record EpochToMonotonic(long offsetNs, long uncertaintyNs) {

  /** Measures the offset between {@link Instant#now()} and {@link System#nanoTime()}. */
  public static EpochToMonotonic measure() {
    return measure(
        MonotonicClock.SYSTEM,
        () -> {
          Instant now = Instant.now();
          return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        });
  }

  /** Measures the offset between {@code epochNs} and {@code monotonic}: best of 16 brackets. */
  public static EpochToMonotonic measure(MonotonicClock monotonic, LongSupplier epochNs) {
    long bestWidth = Long.MAX_VALUE;
    long bestOffset = 0;
    for (int i = 0; i < 16; i++) {
      long before = monotonic.nanoTime();
      long epoch = epochNs.getAsLong();
      long after = monotonic.nanoTime();
      long width = after - before;
      if (width < bestWidth) {
        bestWidth = width;
        bestOffset = epoch - (before + width / 2);
      }
    }
    return new EpochToMonotonic(bestOffset, bestWidth / 2 + 1_000);
  }

  /**
   * Converts an epoch timestamp in µs (NVML's {@code nvmlSample_t.timeStamp}, {@code
   * nvmlFieldValue_t.timestamp}) to monotonic ns.
   */
  public long epochMicrosToMonotonicNs(long epochUs) {
    return epochUs * 1_000L - offsetNs;
  }
}
