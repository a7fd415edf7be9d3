package io.inferwatt.core.model;

import java.util.List;

/**
 * One layer of a network as an engine runs it (a convolution with its batch norm and activation
 * fused counts as one layer, as TensorRT fuses them).
 *
 * @param name unique name within the network
 * @param type layer type: {@code Conv}, {@code DepthwiseConv}, {@code Gemm}, {@code Pool}, {@code
 *     Add}, {@code Reformat}, {@code Shuffle}, {@code Softmax}, ...
 * @param inputShape input tensor shape without the batch dimension (C, H, W) or (features)
 * @param outputShape output tensor shape without the batch dimension
 * @param kernel kernel size (square), 0 where not applicable
 * @param stride stride, 0 where not applicable
 * @param groups convolution groups (1 for dense, C for depthwise), 0 where not applicable
 * @param macs multiply-accumulates per input
 * @param params trainable parameters (weights, biases, batch-norm scale and shift)
 */
public record LayerSpec(
    String name,
    String type,
    List<Integer> inputShape,
    List<Integer> outputShape,
    int kernel,
    int stride,
    int groups,
    long macs,
    long params) {

  public LayerSpec {
    inputShape = List.copyOf(inputShape);
    outputShape = List.copyOf(outputShape);
  }

  /** Elements in the input tensor, per input. */
  public long inputElements() {
    return inputShape.stream().mapToLong(Integer::longValue).reduce(1, (a, b) -> a * b);
  }

  /** Elements in the output tensor, per input. */
  public long outputElements() {
    return outputShape.stream().mapToLong(Integer::longValue).reduce(1, (a, b) -> a * b);
  }
}
