package io.inferwatt.engines.onnx;

import io.inferwatt.engines.onnx.OnnxModel.Dim;
import io.inferwatt.engines.onnx.OnnxModel.Node;
import io.inferwatt.engines.onnx.OnnxModel.Tensor;
import io.inferwatt.engines.onnx.OnnxModel.ValueInfo;
import java.util.ArrayList;
import java.util.Arrays;
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
 */
final class ShapeInference {

  /** Largest constant (in elements) whose values are kept: shape arithmetic, not weights. */
  private static final int MAX_VALUES = 4096;

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
        out = new Step(n, s, v).infer();
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

  /** One node's inference. */
  private static final class Step {
    private final Node n;
    private final List<String> in;
    private final Map<String, long[]> s;
    private final Map<String, double[]> v;

    Step(Node n, Map<String, long[]> s, Map<String, double[]> v) {
      this.n = n;
      this.in = n.inputs();
      this.s = s;
      this.v = v;
    }

    private long[] shape(int k) {
      return k < in.size() && !in.get(k).isEmpty() ? s.get(in.get(k)) : null;
    }

    private double[] value(int k) {
      return k < in.size() && !in.get(k).isEmpty() ? v.get(in.get(k)) : null;
    }

    private void put(double[] values) {
      if (values != null && values.length <= MAX_VALUES) {
        v.put(n.outputs().get(0), values);
      }
    }

    /** The output shapes, or null when not inferred. */
    long[][] infer() {
      long[] x = shape(0);
      switch (n.opType()) {
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
            "Not" -> {
          return one(x);
        }
        case "Dropout", "BatchNormalization" -> {
          return x == null ? null : new long[][] {x};
        }
        case "Cast" -> {
          put(value(0));
          return one(x);
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
            "Or" -> {
          long[] r = x;
          for (int k = 1; k < in.size(); k++) {
            r = broadcast(r, shape(k));
          }
          if (in.size() == 2) {
            put(arithmetic(n.opType(), value(0), value(1)));
          }
          return one(r);
        }
        case "Conv" -> {
          long[] w = shape(1);
          if (x == null || w == null || x.length < 3) {
            return null;
          }
          long[] out = new long[x.length];
          out[0] = x[0];
          out[1] = w[0];
          spatial(x, kernel(w), out);
          return one(out);
        }
        case "MaxPool", "AveragePool", "LpPool" -> {
          if (x == null || x.length < 3) {
            return null;
          }
          long[] out = new long[x.length];
          out[0] = x[0];
          out[1] = x[1];
          spatial(x, OnnxInspector.toArray(n.attrInts("kernel_shape")), out);
          return one(out);
        }
        case "GlobalAveragePool", "GlobalMaxPool" -> {
          if (x == null) {
            return null;
          }
          long[] out = x.clone();
          for (int i = 2; i < out.length; i++) {
            out[i] = 1;
          }
          return one(out);
        }
        case "Flatten" -> {
          if (x == null) {
            return null;
          }
          int axis = axis(n.attrInt("axis", 1), x.length);
          return one(new long[] {product(x, 0, axis), product(x, axis, x.length)});
        }
        case "Gemm" -> {
          long[] b = shape(1);
          if (x == null || b == null || x.length != 2 || b.length != 2) {
            return null;
          }
          long m = n.attrInt("transA", 0) == 1 ? x[1] : x[0];
          long nn = n.attrInt("transB", 0) == 1 ? b[0] : b[1];
          return one(new long[] {m, nn});
        }
        case "MatMul" -> {
          return one(matMul(x, shape(1)));
        }
        case "Reshape" -> {
          double[] target = value(1);
          if (x == null || target == null) {
            return null;
          }
          long[] out = new long[target.length];
          int minus = -1;
          long knownProduct = 1;
          for (int i = 0; i < target.length; i++) {
            long d = target[i] == 0 && n.attrInt("allowzero", 0) == 0 ? x[i] : (long) target[i];
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
          put(value(0));
          return one(out);
        }
        case "Concat" -> {
          if (x == null) {
            return null;
          }
          int axis = axis(n.attrInt("axis", 1), x.length);
          long[] out = x.clone();
          List<Double> joined = new ArrayList<>();
          boolean values = true;
          for (int k = 0; k < in.size(); k++) {
            long[] o = shape(k);
            if (o == null || o.length != x.length) {
              return null;
            }
            if (k > 0) {
              out[axis] = out[axis] < 0 || o[axis] < 0 ? -1 : out[axis] + o[axis];
            }
            double[] val = value(k);
            if (val == null) {
              values = false;
            } else {
              for (double d : val) {
                joined.add(d);
              }
            }
          }
          if (values && x.length == 1) {
            put(joined.stream().mapToDouble(Double::doubleValue).toArray());
          }
          return one(out);
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
          return one(out);
        }
        case "Squeeze" -> {
          if (x == null) {
            return null;
          }
          long[] axes = axes(1);
          List<Long> out = new ArrayList<>();
          for (int i = 0; i < x.length; i++) {
            boolean drop = axes == null ? x[i] == 1 : contains(axes, i, x.length);
            if (!drop) {
              out.add(x[i]);
            }
          }
          put(value(0));
          return one(OnnxInspector.toArray(out));
        }
        case "Unsqueeze" -> {
          long[] axes = axes(1);
          if (x == null || axes == null) {
            return null;
          }
          int rank = x.length + axes.length;
          long[] out = new long[rank];
          int j = 0;
          for (int i = 0; i < rank; i++) {
            out[i] = contains(axes, i, rank) ? 1 : x[j++];
          }
          put(value(0));
          return one(out);
        }
        case "Shape" -> {
          if (x == null) {
            return null;
          }
          int from = axis(n.attrInt("start", 0), x.length);
          int to = n.attribute("end").isPresent() ? axis(n.attrInt("end", 0), x.length) : x.length;
          from = Math.max(0, Math.min(from, x.length));
          to = Math.max(from, Math.min(to, x.length));
          long[] part = Arrays.copyOfRange(x, from, to);
          boolean known = true;
          for (long d : part) {
            known &= d >= 0;
          }
          if (known) {
            put(Arrays.stream(part).asDoubleStream().toArray());
          }
          return one(new long[] {part.length});
        }
        case "Gather" -> {
          long[] idx = shape(1);
          if (x == null || idx == null) {
            return null;
          }
          int axis = axis(n.attrInt("axis", 0), x.length);
          long[] out = new long[x.length - 1 + idx.length];
          System.arraycopy(x, 0, out, 0, axis);
          System.arraycopy(idx, 0, out, axis, idx.length);
          System.arraycopy(x, axis + 1, out, axis + idx.length, x.length - axis - 1);
          double[] data = value(0);
          double[] ix = value(1);
          if (data != null && ix != null && x.length == 1) {
            double[] g = new double[ix.length];
            for (int i = 0; i < ix.length; i++) {
              int at = (int) ix[i];
              g[i] = data[at < 0 ? at + data.length : at];
            }
            put(g);
          }
          return one(out);
        }
        case "Constant" -> {
          return constant();
        }
        case "ConstantOfShape" -> {
          double[] shape = value(0);
          return shape == null ? null : one(toLongs(shape));
        }
        case "Pad" -> {
          double[] pads =
              n.attribute("pads").isPresent()
                  ? n.attrInts("pads").stream().mapToDouble(Long::doubleValue).toArray()
                  : value(1);
          if (x == null || pads == null) {
            return null;
          }
          long[] axes = in.size() > 3 ? axes(3) : null;
          long[] out = x.clone();
          int count = axes == null ? x.length : axes.length;
          for (int i = 0; i < count; i++) {
            int a = axes == null ? i : axis(axes[i], x.length);
            out[a] = x[a] < 0 ? -1 : x[a] + (long) pads[i] + (long) pads[i + count];
          }
          return one(out);
        }
        case "Resize", "Upsample" -> {
          if (x == null) {
            return null;
          }
          double[] sizes = value(3);
          if (sizes != null && sizes.length == x.length) {
            return one(toLongs(sizes));
          }
          double[] scales = n.opType().equals("Upsample") || in.size() == 2 ? value(1) : value(2);
          if (scales == null && n.attribute("scales").isPresent()) {
            scales = n.attribute("scales").get().floats().stream().mapToDouble(f -> f).toArray();
          }
          if (scales == null || scales.length != x.length) {
            return null;
          }
          long[] out = new long[x.length];
          for (int i = 0; i < x.length; i++) {
            out[i] = x[i] < 0 ? -1 : (long) Math.floor(x[i] * scales[i]);
          }
          return one(out);
        }
        case "Split" -> {
          if (x == null) {
            return null;
          }
          int axis = axis(n.attrInt("axis", 0), x.length);
          int parts = n.outputs().size();
          long[] split =
              n.attribute("split").isPresent()
                  ? OnnxInspector.toArray(n.attrInts("split"))
                  : value(1) == null ? null : toLongs(value(1));
          long[][] out = new long[parts][];
          for (int k = 0; k < parts; k++) {
            out[k] = x.clone();
            if (split != null) {
              out[k][axis] = split[k];
            } else if (x[axis] >= 0) {
              long each = (x[axis] + parts - 1) / parts;
              out[k][axis] = Math.min(each, x[axis] - each * k);
            } else {
              out[k][axis] = -1;
            }
          }
          return out;
        }
        case "Slice" -> {
          return one(slice(x));
        }
        case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2" -> {
          if (x == null) {
            return null;
          }
          long[] axes = n.attribute("axes").isPresent() ? axesAttr() : axes(1);
          boolean keep = n.attrInt("keepdims", 1) == 1;
          List<Long> out = new ArrayList<>();
          for (int i = 0; i < x.length; i++) {
            boolean reduced = axes == null || axes.length == 0 || contains(axes, i, x.length);
            if (!reduced) {
              out.add(x[i]);
            } else if (keep) {
              out.add(1L);
            }
          }
          return one(OnnxInspector.toArray(out));
        }
        default -> {
          return null;
        }
      }
    }

    private long[][] constant() {
      var a = n.attributes().isEmpty() ? null : n.attributes().get(0);
      if (a == null) {
        return null;
      }
      switch (a.name()) {
        case "value" -> {
          Tensor t = ProtoCodec.attributeTensor(a.encoded());
          if (t == null) {
            return null;
          }
          if (t.elements() <= MAX_VALUES) {
            put(ProtoCodec.decodeNumbers(t));
          }
          return one(OnnxInspector.toArray(t.dims()));
        }
        case "value_int" -> {
          put(new double[] {a.i()});
          return one(new long[0]);
        }
        case "value_float" -> {
          put(new double[] {a.f()});
          return one(new long[0]);
        }
        case "value_ints" -> {
          put(a.ints().stream().mapToDouble(Long::doubleValue).toArray());
          return one(new long[] {a.ints().size()});
        }
        case "value_floats" -> {
          put(a.floats().stream().mapToDouble(Float::doubleValue).toArray());
          return one(new long[] {a.floats().size()});
        }
        default -> {
          return null;
        }
      }
    }

    private long[] slice(long[] x) {
      if (x == null) {
        return null;
      }
      double[] starts;
      double[] ends;
      double[] axesV;
      double[] steps = null;
      if (n.attribute("starts").isPresent()) { // opset < 10
        starts = doubles(n.attrInts("starts"));
        ends = doubles(n.attrInts("ends"));
        axesV = n.attribute("axes").isPresent() ? doubles(n.attrInts("axes")) : null;
      } else {
        starts = value(1);
        ends = value(2);
        axesV = value(3);
        steps = value(4);
      }
      if (starts == null || ends == null) {
        return null;
      }
      long[] out = x.clone();
      for (int i = 0; i < starts.length; i++) {
        int a = axesV == null ? i : axis((long) axesV[i], x.length);
        long dim = x[a];
        if (dim < 0) {
          out[a] = -1;
          continue;
        }
        long step = steps == null ? 1 : (long) steps[i];
        long st = clamp((long) starts[i], dim, step);
        long en = clamp(ends[i] > 9e18 ? Long.MAX_VALUE : (long) ends[i], dim, step);
        out[a] =
            step > 0
                ? Math.max(0, (en - st + step - 1) / step)
                : Math.max(0, (st - en - step - 1) / -step);
      }
      double[] val = value(0);
      if (val != null && x.length == 1 && (steps == null || steps[0] == 1) && out[0] >= 0) {
        long st = clamp((long) starts[0], x[0], 1);
        put(Arrays.copyOfRange(val, (int) st, (int) (st + out[0])));
      }
      return out;
    }

    private static long clamp(long i, long dim, long step) {
      long j = i < 0 ? i + dim : i;
      return step > 0 ? Math.max(0, Math.min(j, dim)) : Math.max(-1, Math.min(j, dim - 1));
    }

    private long[] axes(int input) {
      if (n.attribute("axes").isPresent()) {
        return axesAttr();
      }
      double[] a = value(input);
      return a == null ? null : toLongs(a);
    }

    private long[] axesAttr() {
      return OnnxInspector.toArray(n.attrInts("axes"));
    }

    private long[] kernel(long[] w) {
      List<Long> ks = n.attrInts("kernel_shape");
      return ks.isEmpty() ? Arrays.copyOfRange(w, 2, w.length) : OnnxInspector.toArray(ks);
    }

    /** Fills the spatial dimensions of {@code out} for a convolution or pool. */
    private void spatial(long[] x, long[] kernel, long[] out) {
      int dims = x.length - 2;
      List<Long> strides = n.attrInts("strides");
      List<Long> pads = n.attrInts("pads");
      List<Long> dil = n.attrInts("dilations");
      String autoPad = n.attrString("auto_pad", "NOTSET");
      boolean ceil = n.attrInt("ceil_mode", 0) == 1;
      for (int i = 0; i < dims; i++) {
        long size = x[i + 2];
        long st = strides.isEmpty() ? 1 : strides.get(i);
        long d = dil.isEmpty() ? 1 : dil.get(i);
        long k = (kernel[i] - 1) * d + 1;
        if (size < 0) {
          out[i + 2] = -1;
        } else if (autoPad.startsWith("SAME")) {
          out[i + 2] = (size + st - 1) / st;
        } else if (autoPad.equals("VALID")) {
          out[i + 2] = (size - k) / st + 1;
        } else {
          long p = pads.isEmpty() ? 0 : pads.get(i) + pads.get(i + dims);
          long span = size + p - k;
          long o = (ceil ? (span + st - 1) / st : span / st) + 1;
          if (ceil && (o - 1) * st >= size + (pads.isEmpty() ? 0 : pads.get(i))) {
            o--; // the last window must start inside the input or its leading pad
          }
          out[i + 2] = o;
        }
      }
    }
  }

  private static long[][] one(long[] shape) {
    return shape == null ? null : new long[][] {shape};
  }

  private static double[] arithmetic(String op, double[] a, double[] b) {
    if (a == null || b == null || (a.length != b.length && a.length != 1 && b.length != 1)) {
      return null;
    }
    int len = Math.max(a.length, b.length);
    double[] r = new double[len];
    for (int i = 0; i < len; i++) {
      double x = a[a.length == 1 ? 0 : i];
      double y = b[b.length == 1 ? 0 : i];
      r[i] =
          switch (op) {
            case "Add" -> x + y;
            case "Sub" -> x - y;
            case "Mul" -> x * y;
            case "Div" ->
                y == 0
                    ? Double.NaN
                    : x == Math.rint(x) && y == Math.rint(y)
                        ? (double) ((long) x / (long) y)
                        : x / y;
            default -> Double.NaN;
          };
      if (Double.isNaN(r[i])) {
        return null;
      }
    }
    return r;
  }

  static long[] matMul(long[] x, long[] b) {
    if (x == null || b == null || x.length < 1 || b.length < 1) {
      return null;
    }
    if (b.length == 1) {
      return Arrays.copyOf(x, x.length - 1);
    }
    if (x.length == 1) {
      long[] out = new long[b.length - 1];
      System.arraycopy(b, 0, out, 0, b.length - 2);
      out[b.length - 2] = b[b.length - 1];
      return out;
    }
    long[] batch = broadcast(Arrays.copyOf(x, x.length - 2), Arrays.copyOf(b, b.length - 2));
    long[] out = Arrays.copyOf(batch, batch.length + 2);
    out[batch.length] = x[x.length - 2];
    out[batch.length + 1] = b[b.length - 1];
    return out;
  }

  static long[] broadcast(long[] a, long[] b) {
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

  private static int axis(long a, int rank) {
    return (int) (a < 0 ? a + rank : a);
  }

  private static boolean contains(long[] axes, int i, int rank) {
    for (long a : axes) {
      if (axis(a, rank) == i) {
        return true;
      }
    }
    return false;
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

  private static long[] toLongs(double[] d) {
    long[] l = new long[d.length];
    for (int i = 0; i < d.length; i++) {
      l[i] = (long) d[i];
    }
    return l;
  }

  private static double[] doubles(List<Long> l) {
    return l.stream().mapToDouble(Long::doubleValue).toArray();
  }
}
