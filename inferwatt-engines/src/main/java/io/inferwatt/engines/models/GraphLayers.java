package io.inferwatt.engines.models;

import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.engines.onnx.OnnxModel;
import io.inferwatt.engines.onnx.OnnxModel.Attribute;
import io.inferwatt.engines.onnx.OnnxModel.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network's layers as an engine like TensorRT runs them, derived from its ONNX graph: the nodes
 * named {@code <layer>/<OpType>} fuse into one layer (a convolution with its batch norm and
 * activation, an addition with its activation), a node without a layer name is a layer of its own,
 * and the input reformat comes first. Parameters and multiply-accumulates follow the reference
 * counts: conv weights and bias, batch-norm scale and shift (not its running statistics), FC weight
 * and bias; MACs of convolutions and the FC layer only.
 */
final class GraphLayers {

  private GraphLayers() {}

  /** The layer list of {@code model} (one float input, N×C×H×W). */
  static NetworkSpec derive(OnnxModel model) {
    Map<String, List<Long>> dims = new HashMap<>();
    model.initializers().forEach(t -> dims.put(t.name(), t.dims()));
    Map<String, List<Integer>> shapes = new HashMap<>(); // without the batch dimension
    OnnxModel.ValueInfo input = model.inputs().get(0);
    List<Integer> inShape = ints(input.dims().subList(1, input.dims().size()));
    shapes.put(input.name(), inShape);

    Map<String, List<Node>> groups = new LinkedHashMap<>();
    for (Node n : model.nodes()) {
      int slash = n.name().lastIndexOf('/');
      String layer = slash < 0 ? n.name() : n.name().substring(0, slash);
      groups.computeIfAbsent(layer, k -> new ArrayList<>()).add(n);
    }
    List<LayerSpec> layers = new ArrayList<>();
    layers.add(new LayerSpec("input_reformat", "Reformat", inShape, inShape, 0, 0, 0, 0, 0));
    for (Map.Entry<String, List<Node>> g : groups.entrySet()) {
      List<Node> nodes = g.getValue();
      Node first = nodes.get(0);
      List<Integer> in = shapes.get(first.inputs().get(0));
      List<Integer> out = in;
      for (Node n : nodes) {
        out = outShape(n, shapes.get(n.inputs().get(0)), dims);
        shapes.put(n.outputs().get(0), out);
      }
      layers.add(layer(g.getKey(), nodes, in, out, dims));
    }
    return new NetworkSpec(model.graphName(), inShape, layers);
  }

  private static LayerSpec layer(
      String name,
      List<Node> nodes,
      List<Integer> in,
      List<Integer> out,
      Map<String, List<Long>> dims) {
    Node first = nodes.get(0);
    switch (first.opType()) {
      case "Conv" -> {
        int k = ints(attr(first, "kernel_shape")).get(0);
        int stride = ints(attr(first, "strides")).get(0);
        int groups = (int) attr(first, "group").get(0).longValue();
        long macs = (long) k * k * (in.get(0) / groups) * out.get(0) * out.get(1) * out.get(2);
        long params = elements(dims.get(first.inputs().get(1)));
        if (first.inputs().size() > 2) {
          params += elements(dims.get(first.inputs().get(2))); // bias
        }
        if (nodes.stream().anyMatch(n -> n.opType().equals("BatchNormalization"))) {
          params += 2L * out.get(0); // scale and shift; the running statistics are no parameters
        }
        boolean depthwise = groups > 1 && groups == in.get(0);
        return new LayerSpec(
            name,
            depthwise ? "DepthwiseConv" : "Conv",
            in,
            out,
            k,
            stride,
            depthwise ? groups : 1,
            macs,
            params);
      }
      case "Add" -> {
        return new LayerSpec(name, "Add", in, out, 0, 0, 0, 0, 0);
      }
      case "MaxPool" -> {
        int k = ints(attr(first, "kernel_shape")).get(0);
        int stride = ints(attr(first, "strides")).get(0);
        return new LayerSpec(name, "Pool", in, out, k, stride, 0, 0, 0);
      }
      case "GlobalAveragePool" -> {
        return new LayerSpec(name, "Pool", in, out, in.get(1), in.get(1), 0, 0, 0);
      }
      case "Flatten" -> {
        return new LayerSpec(name, "Shuffle", in, out, 0, 0, 0, 0, 0);
      }
      case "Gemm" -> {
        long macs = (long) in.get(0) * out.get(0);
        long params = macs + out.get(0);
        return new LayerSpec(name, "Gemm", in, out, 0, 0, 0, macs, params);
      }
      default ->
          throw new IllegalArgumentException(
              "layer " + name + ": an engine layer cannot start with " + first.opType());
    }
  }

  /** A node's output shape (without the batch dimension) from its input's. */
  private static List<Integer> outShape(Node n, List<Integer> in, Map<String, List<Long>> dims) {
    return switch (n.opType()) {
      case "Conv", "MaxPool" -> {
        int k = ints(attr(n, "kernel_shape")).get(0);
        int s = ints(attr(n, "strides")).get(0);
        int p = ints(attr(n, "pads")).get(0);
        int c =
            n.opType().equals("Conv")
                ? (int) dims.get(n.inputs().get(1)).get(0).longValue()
                : in.get(0);
        yield List.of(c, (in.get(1) + 2 * p - k) / s + 1, (in.get(2) + 2 * p - k) / s + 1);
      }
      case "GlobalAveragePool" -> List.of(in.get(0), 1, 1);
      case "Flatten" -> List.of(in.stream().reduce(1, (a, b) -> a * b));
      case "Gemm" -> List.of((int) dims.get(n.inputs().get(1)).get(0).longValue());
      default -> in; // BatchNormalization, Relu, Clip, Add keep the shape
    };
  }

  private static List<Long> attr(Node n, String name) {
    for (Attribute a : n.attributes()) {
      if (a.name().equals(name)) {
        return a.ints().isEmpty() ? List.of(a.i()) : a.ints();
      }
    }
    throw new IllegalArgumentException("node " + n.name() + " has no attribute " + name);
  }

  private static List<Integer> ints(List<Long> l) {
    return l.stream().map(Math::toIntExact).toList();
  }

  private static long elements(List<Long> d) {
    long n = 1;
    for (long x : d) {
      n *= x;
    }
    return n;
  }
}
