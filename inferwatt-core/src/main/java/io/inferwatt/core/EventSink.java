package io.inferwatt.core;

/**
 * Where events go as they are read or recorded, one at a time: the events reader feeds one, the
 * streaming analysis is one, {@link EventLog.Builder} keeps them all. A layer comes as its fields
 * (no object per layer: a long run has millions).
 */
public interface EventSink {

  /** One inference. */
  void inference(InferenceEvent e);

  /**
   * One layer of inference {@code seq}.
   *
   * @param startNsOrMin its own start, or {@link Long#MIN_VALUE} when the profiler gave none
   * @param line the line of the events file it came from, or 0
   */
  void layer(
      long seq, int index, String name, String type, long durationNs, long startNsOrMin, long line);

  /** One phase of the protocol. */
  void phase(PhaseEvent e);

  /** One field of a {@code meta} line. */
  default void meta(String key, Object value) {}
}
