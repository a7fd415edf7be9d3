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
 * @param activation the activation the layer applies ({@code Relu}, {@code Clip}, {@code
 *     HardSwish}, {@code Swish}, {@code Sigmoid}, ...: the op fused into it, or its own op for an
 *     activation layer), {@code ""} for none
 * @param sumInto for an addition of two tensors: the name of the convolution layer whose output it
 *     adds to, where that output goes nowhere else, the convolution applies no activation and the
 *     other operand's layer no activation a convolution kernel could not apply (an engine may run
 *     the addition inside that convolution's kernel, as ONNX Runtime's Conv+Add fusion does);
 *     {@code ""} otherwise
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
    long params,
    String activation,
    String sumInto) {

  public LayerSpec {
    inputShape = List.copyOf(inputShape);
    outputShape = List.copyOf(outputShape);
    activation = activation == null ? "" : activation;
    sumInto = sumInto == null ? "" : sumInto;
  }

  /** A layer without an activation and not an addition into a convolution. */
  public LayerSpec(
      String name,
      String type,
      List<Integer> inputShape,
      List<Integer> outputShape,
      int kernel,
      int stride,
      int groups,
      long macs,
      long params) {
    this(name, type, inputShape, outputShape, kernel, stride, groups, macs, params, "", "");
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
