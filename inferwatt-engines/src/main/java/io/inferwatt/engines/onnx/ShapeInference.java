package io.inferwatt.engines.onnx;

import io.inferwatt.engines.onnx.OnnxModel.Dim;
import io.inferwatt.engines.onnx.OnnxModel.Node;
import io.inferwatt.engines.onnx.OnnxModel.Tensor;
import io.inferwatt.engines.onnx.OnnxModel.ValueInfo;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every tensor's shape in an ONNX graph, inferred node by node, and the values of the small
 * constant tensors that shapes depend on ({@code Shape → Gather → Unsqueeze → Concat → Reshape},
 * the pads of {@code Pad}, the scales of {@code Resize}, ...). A graph input's symbolic first
 * dimension (the batch of a {@code dynamic_axes} export) is taken as 1, so that every size is per
 * input; another symbolic dimension stays unknown (-1). Where an operator is not inferred here, the
 * shapes the file declares ({@code value_info}, graph outputs) are used, and the node is remembered
 * as not inferred.
 *
 * <p>This class runs the graph node by node; one node's inference is {@link ShapeStep}, which hands
 * each operator to its family: {@link ArithmeticShapes}, {@link WindowShapes}, {@link
 * LayoutShapes}, {@link ConstantShapes}.
 */
final class ShapeInference {

  /** Largest constant (in elements) whose values are kept: shape arithmetic, not weights. */
  static final int MAX_VALUES = 4096;

  /**
   * The outcome.
   *
   * @param shapes every tensor whose shape is known, -1 for an unknown dimension
   * @param values values of small constant tensors (shapes, axes, pads, scales)
   * @param constants tensors that do not depend on a graph input's values (initializers, {@code
   *     Constant}, {@code Shape} of a known shape, and what is computed from those only)
   * @param notInferred nodes whose output shape was not inferred here (by index)
   */
  record Result(
      Map<String, long[]> shapes,
      Map<String, double[]> values,
      Set<String> constants,
      Set<Integer> notInferred) {}

  private ShapeInference() {}

  static Result run(OnnxModel model) {
    Map<String, long[]> s = new HashMap<>();
    Map<String, double[]> v = new HashMap<>();
    Set<String> constants = new HashSet<>();
    Set<Integer> notInferred = new HashSet<>();
    Map<String, long[]> declared = new HashMap<>();
    for (List<ValueInfo> list : List.of(model.valueInfo(), model.outputs())) {
      for (ValueInfo vi : list) {
        if (!vi.shape().isEmpty()) {
          declared.put(vi.name(), OnnxInspector.toArray(vi.dims()));
        }
      }
    }
    for (Tensor t : model.initializers()) {
      s.put(t.name(), OnnxInspector.toArray(t.dims()));
      constants.add(t.name());
      if (t.elements() <= MAX_VALUES) {
        double[] d = ProtoCodec.decodeNumbers(t);
        if (d != null) {
          v.put(t.name(), d);
        }
      }
    }
    for (ValueInfo in : OnnxInspector.graphInputs(model)) {
      if (!in.shape().isEmpty()) {
        long[] d = new long[in.shape().size()];
        for (int i = 0; i < d.length; i++) {
          Dim dim = in.shape().get(i);
          d[i] = dim.value() >= 0 ? dim.value() : i == 0 ? 1 : -1; // the batch, per input
        }
        s.put(in.name(), d);
      }
    }
    List<Node> nodes = model.nodes();
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      long[][] out;
      try {
        out = new ShapeStep(n, s, v).infer();
      } catch (RuntimeException e) {
        out = null; // malformed attributes: fall back to what the file declares
      }
      boolean allConstant =
          !n.opType().equals("RandomNormal") && !n.opType().equals("RandomUniform");
      for (String in : n.inputs()) {
        if (!in.isEmpty() && !constants.contains(in)) {
          allConstant = false;
        }
      }
      if (n.opType().equals("Shape") && out != null && v.containsKey(n.outputs().get(0))) {
        allConstant = true;
      }
      if (out == null) {
        notInferred.add(i);
      }
      for (int k = 0; k < n.outputs().size(); k++) {
        String o = n.outputs().get(k);
        long[] shape = out != null && k < out.length && out[k] != null ? out[k] : declared.get(o);
        if (shape != null) {
          s.put(o, shape);
        }
        if (allConstant && !o.isEmpty()) {
          constants.add(o);
        }
      }
    }
    return new Result(s, v, constants, notInferred);
  }
}
