package io.inferwatt.core;

/**
 * One inference (one call of the engine, {@code batch} inputs), on the monotonic time base.
 *
 * @param seq the inference's number, unique within a recording
 * @param startNs monotonic ns when the inference started
 * @param endNs monotonic ns when its results were ready
 * @param batch inputs processed by this inference (at least 1)
 */
public record InferenceEvent(long seq, long startNs, long endNs, int batch) {

  public InferenceEvent {
    if (endNs < startNs) {
      throw new IllegalArgumentException(
          "inference " + seq + " ends at " + endNs + " ns, before its start " + startNs + " ns");
    }
    if (batch < 1) {
      throw new IllegalArgumentException("inference " + seq + " has batch " + batch + ", not >= 1");
    }
  }

  /** Latency in ns. */
  public long latencyNs() {
    return endNs - startNs;
  }
}
