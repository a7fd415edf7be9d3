package io.inferwatt.core;

import java.util.OptionalLong;

/**
 * One layer's execution inside one inference, as the engine's layer profiler reported it.
 *
 * @param seq the inference the layer ran in
 * @param index the layer's position in the network (0 = first)
 * @param name the layer's name, as the engine calls it
 * @param type the layer's type ({@code Conv}, {@code Reformat}, ...), or empty when unknown
 * @param durationNs the profiled duration in ns
 * @param startNs the layer's own start in monotonic ns, when the profiler gives it; when absent the
 *     layer is laid right after the previous one (the paper's method)
 */
public record LayerEvent(
    long seq, int index, String name, String type, long durationNs, OptionalLong startNs) {

  public LayerEvent {
    if (durationNs < 0) {
      throw new IllegalArgumentException(
          "layer "
              + index
              + " of inference "
              + seq
              + " has negative duration "
              + durationNs
              + " ns");
    }
    if (index < 0) {
      throw new IllegalArgumentException("layer index " + index + " is negative");
    }
    type = type == null ? "" : type;
  }
}
