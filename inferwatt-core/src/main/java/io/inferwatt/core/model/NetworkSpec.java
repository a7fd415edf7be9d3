package io.inferwatt.core.model;

import java.util.List;

/**
 * A network as a chronological list of engine layers.
 *
 * @param name the network's name ({@code mobilenetv2}, {@code conv-k3-s1-c16}, ...)
 * @param inputShape input shape without the batch dimension
 * @param layers layers in execution order
 */
public record NetworkSpec(String name, List<Integer> inputShape, List<LayerSpec> layers) {

  public NetworkSpec {
    inputShape = List.copyOf(inputShape);
    layers = List.copyOf(layers);
  }

  /** Multiply-accumulates per input. */
  public long macs() {
    return layers.stream().mapToLong(LayerSpec::macs).sum();
  }

  /** Trainable parameters. */
  public long params() {
    return layers.stream().mapToLong(LayerSpec::params).sum();
  }
}
