package io.inferwatt.engines.onnx;

import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.engines.onnx.OnnxModel.ValueInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link OnnxInspector} found in a model.
 *
 * @param graphName the graph's name
 * @param irVersion the ONNX IR version
 * @param opset the default-domain operator set version
 * @param inputs graph inputs (initializers excluded)
 * @param outputs graph outputs
 * @param parameters trainable parameters: weights and biases of Conv, Gemm, MatMul, and the scale
 *     and shift of BatchNormalization (running statistics and constants such as Clip limits or
 *     Reshape shapes excluded), each initializer counted once
 * @param macs multiply-accumulates per input (batch dimension excluded) of Conv, ConvTranspose,
 *     Gemm and MatMul; element-wise ops and pooling are not counted, as in the published counts
 * @param layers one entry per node, in graph order
 */
public record ModelSummary(
    String graphName,
    long irVersion,
    long opset,
    List<ValueInfo> inputs,
    List<ValueInfo> outputs,
    long parameters,
    long macs,
    List<NodeSummary> layers) {

  public ModelSummary {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    layers = List.copyOf(layers);
  }

  /** Number of nodes. */
  public int nodes() {
    return layers.size();
  }

  /**
   * One node.
   *
   * @param index position in the graph, 0-based
   * @param name the node's name ({@code <OpType>_<index>} when the file gives none)
   * @param opType the operator
   * @param inputShapes shape of each input, batch dimension included; an unknown dimension is -1,
   *     an unknown shape an empty list
   * @param outputShapes shape of each output, as {@code inputShapes}
   * @param parameters trainable parameters of this node (see {@link ModelSummary#parameters})
   * @param macs multiply-accumulates per input
   * @param kernel kernel size (height) of convolutions and pools, 0 otherwise
   * @param stride stride (height) of convolutions and pools, 0 otherwise
   * @param groups convolution groups, 0 for other ops
   */
  public record NodeSummary(
      int index,
      String name,
      String opType,
      List<List<Long>> inputShapes,
      List<List<Long>> outputShapes,
      long parameters,
      long macs,
      int kernel,
      int stride,
      int groups) {
    public NodeSummary {
      inputShapes = inputShapes.stream().map(List::copyOf).toList();
      outputShapes = outputShapes.stream().map(List::copyOf).toList();
    }

    /** The layer type used in {@link LayerSpec}: {@code DepthwiseConv} for a depthwise Conv. */
    public String layerType() {
      if (opType.equals("Conv")
          && groups > 1
          && !inputShapes.isEmpty()
          && inputShapes.get(0).size() > 1
          && inputShapes.get(0).get(1) == groups) {
        return "DepthwiseConv";
      }
      return opType;
    }
  }

  /**
   * The model as a {@link NetworkSpec} with one layer per ONNX node (unfused), shapes without the
   * batch dimension (unknown dimensions as -1).
   */
  public NetworkSpec toNetworkSpec(String name) {
    List<LayerSpec> specs = new ArrayList<>();
    for (NodeSummary n : layers) {
      List<Integer> in =
          n.inputShapes().isEmpty() ? List.of() : withoutBatch(n.inputShapes().get(0));
      List<Integer> out =
          n.outputShapes().isEmpty() ? List.of() : withoutBatch(n.outputShapes().get(0));
      specs.add(
          new LayerSpec(
              n.name(),
              n.layerType(),
              in,
              out,
              n.kernel(),
              n.stride(),
              n.groups(),
              n.macs(),
              n.parameters()));
    }
    List<Integer> input = inputs.isEmpty() ? List.of() : withoutBatch(inputs.get(0).dims());
    return new NetworkSpec(name, input, specs);
  }

  private static List<Integer> withoutBatch(List<Long> shape) {
    return shape.stream().skip(1).map(Long::intValue).toList();
  }
}
