package io.inferwatt.engines.onnx;

import io.inferwatt.engines.onnx.ModelSummary.NodeSummary;
import io.inferwatt.engines.onnx.OnnxModel.Node;
import io.inferwatt.engines.onnx.OnnxModel.Tensor;
import io.inferwatt.engines.onnx.OnnxModel.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads any ONNX model: nodes, shapes, parameters and MACs, per node (the engine layers are {@link
 * LayerGraph}'s). Shapes come from {@link ShapeInference}: a symbolic batch counts as 1, so MACs
 * are per input; for operators it does not infer, the shapes declared in the file ({@code
 * value_info}) are used when present.
 */
public final class OnnxInspector {

  private OnnxInspector() {}

  /** Inspects {@code model}. */
  public static ModelSummary inspect(OnnxModel model) {
    Map<String, long[]> shapes = inferShapes(model);
    Map<String, Tensor> init = new HashMap<>();
    for (Tensor t : model.initializers()) {
      init.put(t.name(), t);
    }
    Set<String> counted = new HashSet<>();
    List<NodeSummary> layers = new ArrayList<>();
    long params = 0;
    long macs = 0;
    List<Node> nodes = model.nodes();
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      long p = 0;
      for (int k = 0; k < n.inputs().size(); k++) {
        String in = n.inputs().get(k);
        Tensor t = init.get(in);
        if (t != null
            && t.dataType() == OnnxModel.FLOAT
            && isParameter(n.opType(), k)
            && counted.add(in)) {
          p += t.elements();
        }
      }
      long m = macs(n, shapes);
      params += p;
      macs += m;
      List<List<Long>> ins = new ArrayList<>();
      for (String in : n.inputs()) {
        ins.add(boxed(shapes.get(in)));
      }
      List<List<Long>> outs = new ArrayList<>();
      for (String out : n.outputs()) {
        outs.add(boxed(shapes.get(out)));
      }
      boolean spatial =
          n.opType().equals("Conv")
              || n.opType().equals("ConvTranspose")
              || n.opType().endsWith("Pool") && !n.opType().startsWith("Global");
      int kernel = 0;
      int stride = 0;
      if (spatial) {
        List<Long> ks = n.attrInts("kernel_shape");
        long[] w = n.inputs().size() > 1 ? shapes.get(n.inputs().get(1)) : null;
        kernel = !ks.isEmpty() ? ks.get(0).intValue() : w != null && w.length > 2 ? (int) w[2] : 0;
        List<Long> st = n.attrInts("strides");
        stride = st.isEmpty() ? 1 : st.get(0).intValue();
      }
      int groups = n.opType().startsWith("Conv") ? (int) n.attrInt("group", 1) : 0;
      String name = n.name().isEmpty() ? n.opType() + "_" + i : n.name();
      layers.add(new NodeSummary(i, name, n.opType(), ins, outs, p, m, kernel, stride, groups));
    }
    return new ModelSummary(
        model.graphName(),
        model.irVersion(),
        model.opsetVersion(),
        graphInputs(model),
        model.outputs(),
        params,
        macs,
        layers);
  }

  /** Graph inputs that are not initializers (IR < 4 files list initializers as inputs too). */
  static List<ValueInfo> graphInputs(OnnxModel model) {
    Set<String> init = new HashSet<>();
    model.initializers().forEach(t -> init.add(t.name()));
    return model.inputs().stream().filter(v -> !init.contains(v.name())).toList();
  }

  private static boolean isParameter(String op, int inputIndex) {
    return switch (op) {
      case "Conv", "ConvTranspose", "Gemm" -> inputIndex == 1 || inputIndex == 2;
      case "BatchNormalization", "InstanceNormalization", "LayerNormalization" ->
          inputIndex == 1 || inputIndex == 2; // scale and shift; 3, 4 are running statistics
      case "MatMul", "Add", "Mul", "PRelu" -> true; // weights or biases when constant
      default -> false;
    };
  }

  /** Multiply-accumulates per input (batch dimension excluded); 0 for ops not counted. */
  private static long macs(Node n, Map<String, long[]> shapes) {
    long[] out = n.outputs().isEmpty() ? null : shapes.get(n.outputs().get(0));
    if (out == null || !known(out) || out.length < 1) {
      return 0;
    }
    long perInputOut = 1;
    for (int i = 1; i < out.length; i++) {
      perInputOut *= out[i];
    }
    switch (n.opType()) {
      case "Conv" -> {
        long[] w = shapes.get(n.inputs().get(1));
        if (w == null || !known(w)) {
          return 0;
        }
        long perOutput = 1; // C/group × kernel elements
        for (int i = 1; i < w.length; i++) {
          perOutput *= w[i];
        }
        return perInputOut * perOutput;
      }
      case "ConvTranspose" -> {
        long[] x = shapes.get(n.inputs().get(0));
        long[] w = shapes.get(n.inputs().get(1));
        if (x == null || w == null || !known(x) || !known(w)) {
          return 0;
        }
        long perIn = 1; // every input element meets (M/group) × kernel weights
        for (int i = 1; i < x.length; i++) {
          perIn *= x[i];
        }
        long perElem = 1;
        for (int i = 1; i < w.length; i++) {
          perElem *= w[i];
        }
        return perIn * perElem;
      }
      case "Gemm" -> {
        long[] a = shapes.get(n.inputs().get(0));
        if (a == null || a.length != 2 || !known(a)) {
          return 0;
        }
        long k = n.attrInt("transA", 0) == 1 ? a[0] : a[1];
        return out[1] * k;
      }
      case "MatMul" -> {
        long[] a = shapes.get(n.inputs().get(0));
        if (a == null || a.length < 1 || !known(a)) {
          return 0;
        }
        long k = a[a.length - 1];
        return out.length == 1 ? k * out[0] : perInputOut * k;
      }
      default -> {
        return 0;
      }
    }
  }

  // ------------------------------------------------------------------ shape inference

  /**
   * Every tensor's shape that is known or can be inferred ({@link ShapeInference}); -1 marks an
   * unknown dimension, a graph input's symbolic batch is 1.
   */
  static Map<String, long[]> inferShapes(OnnxModel model) {
    return ShapeInference.run(model).shapes();
  }

  private static boolean known(long[] a) {
    for (long d : a) {
      if (d < 0) {
        return false;
      }
    }
    return true;
  }

  static long[] toArray(List<Long> l) {
    long[] a = new long[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = l.get(i);
    }
    return a;
  }

  private static List<Long> boxed(long[] a) {
    return a == null ? List.of() : GraphBuilder.boxed(a);
  }
}
