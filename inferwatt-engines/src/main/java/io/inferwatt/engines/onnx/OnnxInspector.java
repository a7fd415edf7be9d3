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
 * Reads any ONNX model: nodes, shapes, parameters and MACs. Shapes are inferred for the operators
 * the program's networks use and a few more (Conv, pools, BatchNormalization, element-wise and
 * broadcasting ops, Flatten, Gemm, MatMul, Reshape with a constant shape, Concat, Transpose); for
 * other operators the shapes declared in the file ({@code value_info}) are used when present.
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

  /** Every tensor's shape that is known or can be inferred; -1 marks an unknown dimension. */
  static Map<String, long[]> inferShapes(OnnxModel model) {
    Map<String, long[]> s = new HashMap<>();
    Map<String, long[]> declared = new HashMap<>();
    for (ValueInfo v : model.valueInfo()) {
      if (!v.shape().isEmpty()) {
        declared.put(v.name(), toArray(v.dims()));
      }
    }
    for (ValueInfo v : model.outputs()) {
      if (!v.shape().isEmpty()) {
        declared.put(v.name(), toArray(v.dims()));
      }
    }
    for (ValueInfo v : model.inputs()) {
      if (!v.shape().isEmpty()) {
        s.put(v.name(), toArray(v.dims()));
      }
    }
    Map<String, Tensor> init = new HashMap<>();
    for (Tensor t : model.initializers()) {
      s.put(t.name(), toArray(t.dims()));
      init.put(t.name(), t);
    }
    for (Node n : model.nodes()) {
      long[] out = null;
      try {
        out = infer(n, s, init);
      } catch (RuntimeException e) {
        out = null; // malformed attributes: fall back to what the file declares
      }
      for (int k = 0; k < n.outputs().size(); k++) {
        String o = n.outputs().get(k);
        long[] shape = k == 0 && out != null ? out : declared.get(o);
        if (shape != null) {
          s.put(o, shape);
        }
      }
    }
    return s;
  }

  private static long[] infer(Node n, Map<String, long[]> s, Map<String, Tensor> init) {
    List<String> in = n.inputs();
    long[] x = in.isEmpty() ? null : s.get(in.get(0));
    switch (n.opType()) {
      case "Relu",
          "Clip",
          "BatchNormalization",
          "Sigmoid",
          "Tanh",
          "LeakyRelu",
          "Dropout",
          "Identity",
          "Softmax",
          "LogSoftmax",
          "HardSigmoid",
          "HardSwish",
          "Elu",
          "Selu",
          "Erf",
          "Exp",
          "Log",
          "Sqrt",
          "Neg",
          "Abs",
          "Cast",
          "InstanceNormalization",
          "LayerNormalization",
          "LRN",
          "PRelu",
          "Gelu",
          "Softplus",
          "Mish" -> {
        return x;
      }
      case "Add",
          "Sub",
          "Mul",
          "Div",
          "Pow",
          "Max",
          "Min",
          "Sum",
          "Mean",
          "Where",
          "Equal",
          "Greater",
          "Less" -> {
        long[] r = x;
        for (int k = 1; k < in.size(); k++) {
          r = broadcast(r, s.get(in.get(k)));
        }
        return r;
      }
      case "Conv" -> {
        long[] w = s.get(in.get(1));
        if (x == null || w == null) {
          return null;
        }
        long[] out = new long[x.length];
        out[0] = x[0];
        out[1] = w[0];
        spatial(n, x, kernelOf(n, w), out);
        return out;
      }
      case "MaxPool", "AveragePool", "LpPool" -> {
        if (x == null) {
          return null;
        }
        long[] out = new long[x.length];
        out[0] = x[0];
        out[1] = x[1];
        spatial(n, x, toArray(n.attrInts("kernel_shape")), out);
        return out;
      }
      case "GlobalAveragePool", "GlobalMaxPool" -> {
        if (x == null) {
          return null;
        }
        long[] out = x.clone();
        for (int i = 2; i < out.length; i++) {
          out[i] = 1;
        }
        return out;
      }
      case "Flatten" -> {
        if (x == null) {
          return null;
        }
        int axis = (int) n.attrInt("axis", 1);
        if (axis < 0) {
          axis += x.length;
        }
        return new long[] {product(x, 0, axis), product(x, axis, x.length)};
      }
      case "Gemm" -> {
        long[] b = s.get(in.get(1));
        if (x == null || b == null || x.length != 2 || b.length != 2) {
          return null;
        }
        long m = n.attrInt("transA", 0) == 1 ? x[1] : x[0];
        long nn = n.attrInt("transB", 0) == 1 ? b[0] : b[1];
        return new long[] {m, nn};
      }
      case "MatMul" -> {
        long[] b = s.get(in.get(1));
        if (x == null || b == null || x.length < 1 || b.length < 1) {
          return null;
        }
        if (b.length == 1) {
          return java.util.Arrays.copyOf(x, x.length - 1);
        }
        if (x.length == 1) {
          return removeAt(b, b.length - 2);
        }
        long[] batchA = java.util.Arrays.copyOf(x, x.length - 2);
        long[] batchB = java.util.Arrays.copyOf(b, b.length - 2);
        long[] batch = broadcast(batchA, batchB);
        long[] out = java.util.Arrays.copyOf(batch, batch.length + 2);
        out[batch.length] = x[x.length - 2];
        out[batch.length + 1] = b[b.length - 1];
        return out;
      }
      case "Reshape" -> {
        Tensor shape = in.size() > 1 ? init.get(in.get(1)) : null;
        if (x == null || shape == null || shape.dataType() != OnnxModel.INT64) {
          return null;
        }
        long[] target = shape.int64Values();
        long[] out = new long[target.length];
        int minus = -1;
        long knownProduct = 1;
        for (int i = 0; i < target.length; i++) {
          long d = target[i] == 0 && n.attrInt("allowzero", 0) == 0 ? x[i] : target[i];
          out[i] = d;
          if (d == -1) {
            minus = i;
          } else {
            knownProduct *= d;
          }
        }
        if (minus >= 0) {
          long total = product(x, 0, x.length);
          out[minus] = total < 0 || knownProduct <= 0 ? -1 : total / knownProduct;
        }
        return out;
      }
      case "Concat" -> {
        if (x == null) {
          return null;
        }
        int axis = (int) n.attrInt("axis", 1);
        if (axis < 0) {
          axis += x.length;
        }
        long[] out = x.clone();
        for (int k = 1; k < in.size(); k++) {
          long[] o = s.get(in.get(k));
          if (o == null) {
            return null;
          }
          out[axis] = out[axis] < 0 || o[axis] < 0 ? -1 : out[axis] + o[axis];
        }
        return out;
      }
      case "Transpose" -> {
        if (x == null) {
          return null;
        }
        List<Long> perm = n.attrInts("perm");
        long[] out = new long[x.length];
        for (int i = 0; i < x.length; i++) {
          out[i] = perm.isEmpty() ? x[x.length - 1 - i] : x[perm.get(i).intValue()];
        }
        return out;
      }
      default -> {
        return null;
      }
    }
  }

  private static long[] kernelOf(Node n, long[] w) {
    List<Long> ks = n.attrInts("kernel_shape");
    return ks.isEmpty() ? java.util.Arrays.copyOfRange(w, 2, w.length) : toArray(ks);
  }

  /** Fills the spatial dimensions of {@code out} for a convolution or pool. */
  private static void spatial(Node n, long[] x, long[] kernel, long[] out) {
    int dims = x.length - 2;
    List<Long> strides = n.attrInts("strides");
    List<Long> pads = n.attrInts("pads");
    List<Long> dil = n.attrInts("dilations");
    String autoPad = n.attrString("auto_pad", "NOTSET");
    boolean ceil = n.attrInt("ceil_mode", 0) == 1;
    for (int i = 0; i < dims; i++) {
      long in = x[i + 2];
      long s = strides.isEmpty() ? 1 : strides.get(i);
      long d = dil.isEmpty() ? 1 : dil.get(i);
      long k = (kernel[i] - 1) * d + 1;
      if (in < 0) {
        out[i + 2] = -1;
      } else if (autoPad.startsWith("SAME")) {
        out[i + 2] = (in + s - 1) / s;
      } else if (autoPad.equals("VALID")) {
        out[i + 2] = (in - k) / s + 1;
      } else {
        long p = pads.isEmpty() ? 0 : pads.get(i) + pads.get(i + dims);
        long span = in + p - k;
        out[i + 2] = (ceil ? (span + s - 1) / s : span / s) + 1;
      }
    }
  }

  private static long[] broadcast(long[] a, long[] b) {
    if (a == null || b == null) {
      return null;
    }
    int r = Math.max(a.length, b.length);
    long[] out = new long[r];
    for (int i = 0; i < r; i++) {
      long da = i < r - a.length ? 1 : a[i - (r - a.length)];
      long db = i < r - b.length ? 1 : b[i - (r - b.length)];
      out[i] = da == 1 ? db : db == 1 ? da : Math.max(da, db); // -1 (unknown) loses to a size
    }
    return out;
  }

  private static long[] removeAt(long[] a, int i) {
    long[] out = new long[a.length - 1];
    System.arraycopy(a, 0, out, 0, i);
    System.arraycopy(a, i + 1, out, i, a.length - i - 1);
    return out;
  }

  private static long product(long[] a, int from, int to) {
    long p = 1;
    for (int i = from; i < to; i++) {
      if (a[i] < 0) {
        return -1;
      }
      p *= a[i];
    }
    return p;
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
