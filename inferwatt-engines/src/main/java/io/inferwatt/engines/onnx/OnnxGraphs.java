package io.inferwatt.engines.onnx;

import io.inferwatt.core.BadInputException;
import io.inferwatt.engines.onnx.OnnxModel.Dim;
import io.inferwatt.engines.onnx.OnnxModel.Node;
import io.inferwatt.engines.onnx.OnnxModel.Tensor;
import io.inferwatt.engines.onnx.OnnxModel.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Cuts models into smaller models: the first k nodes, or one node with its real shapes. */
public final class OnnxGraphs {

  private OnnxGraphs() {}

  /**
   * The first {@code k} nodes of {@code model} as a model of its own. Its outputs are the tensors
   * that are alive at the cut: produced by the first {@code k} nodes and used by a later node or by
   * the original graph outputs (a residual branch makes two). Weights are kept bit for bit.
   *
   * @throws IllegalArgumentException when {@code k} is not in 1..nodes, or a cut tensor's shape
   *     cannot be inferred
   */
  public static OnnxModel prefix(OnnxModel model, int k) {
    int n = model.nodes().size();
    if (k < 1 || k > n) {
      throw new BadInputException("prefix of " + k + " nodes is not in 1.." + n);
    }
    Map<String, long[]> shapes = OnnxInspector.inferShapes(model);
    List<Node> kept = model.nodes().subList(0, k);
    Set<String> produced = new LinkedHashSet<>();
    kept.forEach(node -> produced.addAll(node.outputs()));
    Set<String> usedLater = new HashSet<>();
    model.nodes().subList(k, n).forEach(node -> usedLater.addAll(node.inputs()));
    model.outputs().forEach(v -> usedLater.add(v.name()));
    List<String> cut = new ArrayList<>();
    for (String t : produced) {
      if (usedLater.contains(t)) {
        cut.add(t);
      }
    }
    if (cut.isEmpty()) {
      cut.add(kept.get(k - 1).outputs().get(0));
    }
    String name = model.graphName() + "-prefix" + k;
    return cutModel(model, kept, cut, shapes, name);
  }

  /**
   * Node {@code index} alone, with its real input shapes: its non-constant inputs become graph
   * inputs, its weights stay initializers.
   *
   * @throws IllegalArgumentException when {@code index} is out of range or a shape is unknown
   */
  public static OnnxModel node(OnnxModel model, int index) {
    int n = model.nodes().size();
    if (index < 0 || index >= n) {
      throw new BadInputException("node " + index + " is not in 0.." + (n - 1));
    }
    Map<String, long[]> shapes = OnnxInspector.inferShapes(model);
    Node node = model.nodes().get(index);
    String label = node.name().isEmpty() ? node.opType() + "_" + index : node.name();
    return cutModel(model, List.of(node), node.outputs(), shapes, model.graphName() + "-" + label);
  }

  private static OnnxModel cutModel(
      OnnxModel model,
      List<Node> nodes,
      List<String> outputs,
      Map<String, long[]> shapes,
      String name) {
    Map<String, Tensor> init = new HashMap<>();
    model.initializers().forEach(t -> init.put(t.name(), t));
    Map<String, ValueInfo> declaredInputs = new HashMap<>();
    model.inputs().forEach(v -> declaredInputs.put(v.name(), v));
    Set<String> produced = new HashSet<>();
    Set<String> needed = new LinkedHashSet<>();
    for (Node node : nodes) {
      for (String in : node.inputs()) {
        if (!in.isEmpty() && !produced.contains(in)) {
          needed.add(in);
        }
      }
      produced.addAll(node.outputs());
    }
    List<Tensor> keptInit = new ArrayList<>();
    List<ValueInfo> inputs = new ArrayList<>();
    for (String t : needed) {
      if (init.containsKey(t)) {
        keptInit.add(init.get(t));
      } else if (declaredInputs.containsKey(t)) {
        inputs.add(declaredInputs.get(t));
      } else {
        inputs.add(ValueInfo.floats(t, shapeOf(t, shapes)));
      }
    }
    List<ValueInfo> outs = new ArrayList<>();
    for (String o : outputs) {
      outs.add(ValueInfo.floats(o, shapeOf(o, shapes)));
    }
    return model.withGraph(name, nodes, keptInit, inputs, outs);
  }

  private static List<Long> shapeOf(String tensor, Map<String, long[]> shapes) {
    long[] s = shapes.get(tensor);
    if (s == null) {
      throw new BadInputException(
          "the shape of tensor '"
              + tensor
              + "' cannot be inferred (unsupported operator before it)");
    }
    return GraphBuilder.boxed(s);
  }

  /**
   * The model with batch size {@code batch}: the first dimension of every graph input and output is
   * set to it, intermediate shape declarations are dropped. Works for models whose batch dimension
   * flows through (Flatten, not a Reshape to a fixed batch).
   */
  public static OnnxModel withBatch(OnnxModel model, int batch) {
    if (batch < 1) {
      throw new BadInputException("batch size " + batch + " is not >= 1");
    }
    List<ValueInfo> in = new ArrayList<>();
    for (ValueInfo v : OnnxInspector.graphInputs(model)) {
      in.add(rebatch(v, batch));
    }
    List<ValueInfo> out = new ArrayList<>();
    for (ValueInfo v : model.outputs()) {
      out.add(rebatch(v, batch));
    }
    return model.withGraph(model.graphName(), model.nodes(), model.initializers(), in, out);
  }

  private static ValueInfo rebatch(ValueInfo v, int batch) {
    if (v.shape().isEmpty()) {
      return v;
    }
    List<Dim> dims = new ArrayList<>(v.shape());
    dims.set(0, Dim.of(batch));
    return new ValueInfo(v.name(), v.elemType(), dims);
  }
}
