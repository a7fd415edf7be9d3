package io.inferwatt.engines.onnx;

import static io.inferwatt.engines.onnx.ShapeInference.MAX_VALUES;

import io.inferwatt.engines.onnx.OnnxModel.Node;
import java.util.List;
import java.util.Map;

/**
 * One node's shape inference ({@link ShapeInference}): what the operator families read (the node,
 * its inputs' shapes and small constant values) and write (the output's value), and the dispatch
 * from an operator to its family. The operators that keep their input's shape are inferred here.
 */
final class ShapeStep {
  final Node n;
  final List<String> in;
  private final Map<String, long[]> s;
  private final Map<String, double[]> v;

  ShapeStep(Node n, Map<String, long[]> s, Map<String, double[]> v) {
    this.n = n;
    this.in = n.inputs();
    this.s = s;
    this.v = v;
  }

  /** The shape of input {@code k}, or null when it is absent or not known. */
  long[] shape(int k) {
    return k < in.size() && !in.get(k).isEmpty() ? s.get(in.get(k)) : null;
  }

  /** The value of input {@code k}, or null when it is not a small constant. */
  double[] value(int k) {
    return k < in.size() && !in.get(k).isEmpty() ? v.get(in.get(k)) : null;
  }

  /** Keeps {@code values} as the first output's value, when small enough. */
  void put(double[] values) {
    if (values != null && values.length <= MAX_VALUES) {
      v.put(n.outputs().get(0), values);
    }
  }

  /** The output shapes, or null when not inferred. */
  long[][] infer() {
    long[] x = shape(0);
    return switch (n.opType()) {
      case "Relu",
              "Clip",
              "Sigmoid",
              "Tanh",
              "LeakyRelu",
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
              "Reciprocal",
              "Floor",
              "Ceil",
              "Round",
              "InstanceNormalization",
              "LayerNormalization",
              "LRN",
              "PRelu",
              "Gelu",
              "Softplus",
              "Mish",
              "Not" ->
          one(x);
      case "Dropout", "BatchNormalization" -> x == null ? null : new long[][] {x};
      case "Cast" -> {
        put(value(0));
        yield one(x);
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
              "Less",
              "And",
              "Or" ->
          ArithmeticShapes.broadcasting(this, x);
      case "Gemm" -> ArithmeticShapes.gemm(this, x);
      case "MatMul" -> one(ArithmeticShapes.matMul(x, shape(1)));
      case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2" ->
          ArithmeticShapes.reduce(this, x);
      case "Conv" -> WindowShapes.conv(this, x);
      case "MaxPool", "AveragePool", "LpPool" -> WindowShapes.pool(this, x);
      case "GlobalAveragePool", "GlobalMaxPool" -> WindowShapes.globalPool(this, x);
      case "Pad" -> WindowShapes.pad(this, x);
      case "Resize", "Upsample" -> WindowShapes.resize(this, x);
      case "Flatten" -> LayoutShapes.flatten(this, x);
      case "Reshape" -> LayoutShapes.reshape(this, x);
      case "Concat" -> LayoutShapes.concat(this, x);
      case "Transpose" -> LayoutShapes.transpose(this, x);
      case "Squeeze" -> LayoutShapes.squeeze(this, x);
      case "Unsqueeze" -> LayoutShapes.unsqueeze(this, x);
      case "Split" -> LayoutShapes.split(this, x);
      case "Slice" -> one(LayoutShapes.slice(this, x));
      case "Shape" -> ConstantShapes.shape(this, x);
      case "Gather" -> ConstantShapes.gather(this, x);
      case "Constant" -> ConstantShapes.constant(this);
      case "ConstantOfShape" -> ConstantShapes.constantOfShape(this, x);
      default -> null;
    };
  }

  /** The axes: the attribute where there is one, else input {@code input}'s value. */
  long[] axes(int input) {
    if (n.attribute("axes").isPresent()) {
      return axesAttr();
    }
    double[] a = value(input);
    return a == null ? null : toLongs(a);
  }

  long[] axesAttr() {
    return OnnxInspector.toArray(n.attrInts("axes"));
  }

  static long[][] one(long[] shape) {
    return shape == null ? null : new long[][] {shape};
  }

  static int axis(long a, int rank) {
    return (int) (a < 0 ? a + rank : a);
  }

  static boolean contains(long[] axes, int i, int rank) {
    for (long a : axes) {
      if (axis(a, rank) == i) {
        return true;
      }
    }
    return false;
  }

  static long product(long[] a, int from, int to) {
    long p = 1;
    for (int i = from; i < to; i++) {
      if (a[i] < 0) {
        return -1;
      }
      p *= a[i];
    }
    return p;
  }

  static long[] toLongs(double[] d) {
    long[] l = new long[d.length];
    for (int i = 0; i < d.length; i++) {
      l[i] = (long) d[i];
    }
    return l;
  }

  static double[] doubles(List<Long> l) {
    return l.stream().mapToDouble(Long::doubleValue).toArray();
  }
}
