package io.inferwatt.engines.onnx;

import io.inferwatt.core.BadInputException;
import io.inferwatt.engines.models.LayerLimits;
import io.inferwatt.engines.onnx.OnnxModel.Attribute;
import io.inferwatt.engines.onnx.OnnxModel.Node;
import io.inferwatt.engines.onnx.OnnxModel.Opset;
import io.inferwatt.engines.onnx.OnnxModel.Tensor;
import io.inferwatt.engines.onnx.OnnxModel.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds an NCHW float graph layer by layer, keeping every tensor's shape, with random weights
 * drawn from one seed. Nodes are named {@code <OpType>_<n>} (as PyTorch's exporter does), or {@code
 * <layer>/<OpType>} after {@link #layer} named the engine layer they fuse into; tensors {@code
 * t<n>}. A builder made by {@link #structure} draws no weights: its initializers carry their shapes
 * only, enough to derive the layer list, not to run.
 *
 * <p>Weights are He-uniform ({@code ±sqrt(6 / fan_in)}), batch-norm statistics close to the
 * identity, so activations stay finite and away from denormals through 50 layers: latency and power
 * depend on shapes and data flow, not on trained values, but denormal or NaN arithmetic would slow
 * some CPUs down.
 *
 * <p>Every layer is checked against {@link LayerLimits} (kernel against the padded input, channels,
 * elements per tensor, weight bytes per file) before its weights are drawn.
 *
 * <p>Over 500 lines on purpose: one short method per operator the built-in networks and the
 * training samples use (about 30), all on the builder's state (node names, tensor shapes, the one
 * random stream of weights); split by operator family, that state would be shared across classes.
 */
final class GraphBuilder {
  static final long IR_VERSION = 7;
  static final long OPSET = 13;

  private final String graphName;
  private final SplittableRandom random;
  private final List<Node> nodes = new ArrayList<>();
  private final List<Tensor> initializers = new ArrayList<>();
  private final List<ValueInfo> inputs = new ArrayList<>();
  private final Map<String, long[]> shapes = new HashMap<>();
  private final java.util.Set<String> usedNames = new java.util.HashSet<>();
  private final boolean weights;
  private int tensorCount;
  private long weightBytes;
  private boolean clipLimits;
  private String layer;

  GraphBuilder(String graphName, long seed) {
    this(graphName, new SplittableRandom(seed), true);
  }

  private GraphBuilder(String graphName, SplittableRandom random, boolean weights) {
    this.graphName = graphName;
    this.random = random;
    this.weights = weights;
  }

  /** A builder whose initializers hold shapes only (no values): a graph to read, not to run. */
  static GraphBuilder structure(String graphName) {
    return new GraphBuilder(graphName, null, false);
  }

  /** Names the engine layer the next nodes fuse into, until the next call. */
  GraphBuilder layer(String name) {
    this.layer = name;
    return this;
  }

  /** Declares a float graph input of the given shape. */
  String input(String name, long... dims) {
    if (dims.length > 1) {
      LayerLimits.channels(graphName, "input channels", dims[1]);
    }
    LayerLimits.elements(graphName, "the input", dims);
    inputs.add(ValueInfo.floats(name, boxed(dims)));
    shapes.put(name, dims.clone());
    return name;
  }

  long[] shape(String tensor) {
    return shapes.get(tensor).clone();
  }

  /**
   * A convolution without bias, padding {@code kernel / 2} so that the size stays unless the stride
   * is above 1.
   */
  String conv(String x, int outChannels, int kernel, int stride, int groups) {
    return conv(x, outChannels, kernel, stride, kernel / 2, groups, false);
  }

  String conv(
      String x, int outChannels, int kernel, int stride, int pad, int groups, boolean bias) {
    long[] s = shapes.get(x);
    long inChannels = s[1];
    String where = where("Conv");
    LayerLimits.channels(where, "output channels", outChannels);
    LayerLimits.kernel(where, kernel, stride, s[2], s[3], pad);
    if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0) {
      throw new BadInputException(
          "channels "
              + inChannels
              + " -> "
              + outChannels
              + " are not divisible by groups "
              + groups);
    }
    LayerLimits.elements(where, "the weights", outChannels, inChannels / groups, kernel, kernel);
    long fanIn = inChannels / groups * kernel * kernel;
    String name = nodeName("Conv");
    String w = weight(name + ".weight", fanIn, outChannels, inChannels / groups, kernel, kernel);
    List<String> in = new ArrayList<>(List.of(x, w));
    if (bias) {
      in.add(weight(name + ".bias", fanIn, outChannels));
    }
    long h = (s[2] + 2L * pad - kernel) / stride + 1;
    long wd = (s[3] + 2L * pad - kernel) / stride + 1;
    LayerLimits.elements(where, "the output", s[0], outChannels, h, wd);
    return add(
        name,
        "Conv",
        in,
        new long[] {s[0], outChannels, h, wd},
        Attribute.ofInts("dilations", 1, 1),
        Attribute.ofInt("group", groups),
        Attribute.ofInts("kernel_shape", kernel, kernel),
        Attribute.ofInts("pads", pad, pad, pad, pad),
        Attribute.ofInts("strides", stride, stride));
  }

  String batchNorm(String x) {
    long c = shapes.get(x)[1];
    String name = nodeName("BatchNormalization");
    String scale = uniform(name + ".weight", 0.9f, 1.1f, c);
    String bias = uniform(name + ".bias", -0.1f, 0.1f, c);
    String mean = uniform(name + ".running_mean", -0.1f, 0.1f, c);
    String var = uniform(name + ".running_var", 0.9f, 1.1f, c);
    return add(
        name,
        "BatchNormalization",
        List.of(x, scale, bias, mean, var),
        shapes.get(x),
        Attribute.ofFloat("epsilon", 1e-5f),
        Attribute.ofFloat("momentum", 0.9f));
  }

  String relu(String x) {
    return add(nodeName("Relu"), "Relu", List.of(x), shapes.get(x));
  }

  /** ReLU6 = {@code Clip(x, 0, 6)}; since opset 11 the limits are inputs. */
  String relu6(String x) {
    if (!clipLimits) {
      initializers.add(Tensor.floats("clip.min", List.of(), new float[] {0f}));
      initializers.add(Tensor.floats("clip.max", List.of(), new float[] {6f}));
      clipLimits = true;
    }
    return add(nodeName("Clip"), "Clip", List.of(x, "clip.min", "clip.max"), shapes.get(x));
  }

  String add(String a, String b) {
    long[] sa = shapes.get(a);
    if (!java.util.Arrays.equals(sa, shapes.get(b))) {
      throw new IllegalStateException("Add of different shapes");
    }
    return add(nodeName("Add"), "Add", List.of(a, b), sa);
  }

  String maxPool(String x, int kernel, int stride, int pad) {
    return pool("MaxPool", x, kernel, stride, pad);
  }

  String globalAveragePool(String x) {
    long[] s = shapes.get(x);
    return add(
        nodeName("GlobalAveragePool"),
        "GlobalAveragePool",
        List.of(x),
        new long[] {s[0], s[1], 1, 1});
  }

  String flatten(String x) {
    long[] s = shapes.get(x);
    long rest = 1;
    for (int i = 1; i < s.length; i++) {
      rest *= s[i];
    }
    return add(
        nodeName("Flatten"),
        "Flatten",
        List.of(x),
        new long[] {s[0], rest},
        Attribute.ofInt("axis", 1));
  }

  /** A fully connected layer {@code y = x W^T + b}, W of shape [out, in]. */
  String gemm(String x, int outFeatures) {
    long[] s = shapes.get(x);
    long in = s[1];
    String name = nodeName("Gemm");
    LayerLimits.elements(graphName + ", " + name, "the weights", outFeatures, in);
    String w = weight(name + ".weight", in, outFeatures, in);
    String b = weight(name + ".bias", in, outFeatures);
    return add(
        name,
        "Gemm",
        List.of(x, w, b),
        new long[] {s[0], outFeatures},
        Attribute.ofFloat("alpha", 1f),
        Attribute.ofFloat("beta", 1f),
        Attribute.ofInt("transB", 1));
  }

  /**
   * A convolution whose output is {@code ceil(size / stride)} in each dimension (TensorFlow's
   * "same" padding, the extra pad at the end), with or without bias.
   */
  String convSame(String x, int outChannels, int kernel, int stride, int groups, boolean bias) {
    long[] s = shapes.get(x);
    long ph = samePad(s[2], kernel, stride);
    long pw = samePad(s[3], kernel, stride);
    if (ph == 2 * (ph / 2) && pw == 2 * (pw / 2) && ph == pw) {
      return conv(x, outChannels, kernel, stride, (int) ph / 2, groups, bias);
    }
    long inChannels = s[1];
    String where = where("Conv");
    LayerLimits.channels(where, "output channels", outChannels);
    LayerLimits.kernel(where, kernel, stride, s[2], s[3], (kernel - 1) / 2);
    LayerLimits.elements(where, "the weights", outChannels, inChannels / groups, kernel, kernel);
    long fanIn = inChannels / groups * kernel * kernel;
    String name = nodeName("Conv");
    String w = weight(name + ".weight", fanIn, outChannels, inChannels / groups, kernel, kernel);
    List<String> in = new ArrayList<>(List.of(x, w));
    if (bias) {
      in.add(weight(name + ".bias", fanIn, outChannels));
    }
    long h = (s[2] + ph - kernel) / stride + 1;
    long wd = (s[3] + pw - kernel) / stride + 1;
    LayerLimits.elements(where, "the output", s[0], outChannels, h, wd);
    return add(
        name,
        "Conv",
        in,
        new long[] {s[0], outChannels, h, wd},
        Attribute.ofInts("dilations", 1, 1),
        Attribute.ofInt("group", groups),
        Attribute.ofInts("kernel_shape", kernel, kernel),
        Attribute.ofInts("pads", ph / 2, pw / 2, ph - ph / 2, pw - pw / 2),
        Attribute.ofInts("strides", stride, stride));
  }

  private static long samePad(long size, int kernel, int stride) {
    long out = (size + stride - 1) / stride;
    return Math.max(0, (out - 1) * stride + kernel - size);
  }

  String sigmoid(String x) {
    return add(nodeName("Sigmoid"), "Sigmoid", List.of(x), shapes.get(x));
  }

  String hardSigmoid(String x) {
    return add(
        nodeName("HardSigmoid"),
        "HardSigmoid",
        List.of(x),
        shapes.get(x),
        Attribute.ofFloat("alpha", 1f / 6),
        Attribute.ofFloat("beta", 0.5f));
  }

  /** Hard swish as exporters write it for opset 13: {@code x · HardSigmoid(x)}. */
  String hardSwish(String x) {
    return mul(x, hardSigmoid(x));
  }

  /** Swish (SiLU), as exporters write it: {@code x · Sigmoid(x)}. */
  String swish(String x) {
    return mul(x, sigmoid(x));
  }

  /** An element-wise product; the second operand may broadcast (N×C×1×1 gates). */
  String mul(String a, String b) {
    long[] sa = shapes.get(a);
    long[] sb = shapes.get(b);
    long[] out = sa.length >= sb.length ? sa : sb;
    return add(nodeName("Mul"), "Mul", List.of(a, b), out);
  }

  /** A 2-D average pool, padding {@code pad}. */
  String averagePool(String x, int kernel, int stride, int pad) {
    return pool("AveragePool", x, kernel, stride, pad);
  }

  /** A max pool whose output size rounds up (PyTorch's {@code ceil_mode=True}). */
  String maxPoolCeil(String x, int kernel, int stride, int pad) {
    long[] s = shapes.get(x);
    LayerLimits.kernel(where("MaxPool"), kernel, stride, s[2], s[3], pad);
    long[] out = {
      s[0], s[1], ceilOut(s[2], kernel, stride, pad), ceilOut(s[3], kernel, stride, pad)
    };
    return add(
        nodeName("MaxPool"),
        "MaxPool",
        List.of(x),
        out,
        Attribute.ofInt("ceil_mode", 1),
        Attribute.ofInts("kernel_shape", kernel, kernel),
        Attribute.ofInts("pads", pad, pad, pad, pad),
        Attribute.ofInts("strides", stride, stride));
  }

  private static long ceilOut(long size, int k, int s, int p) {
    long o = (size + 2L * p - k + s - 1) / s + 1;
    return (o - 1) * s >= size + p ? o - 1 : o;
  }

  /** Concatenation along the channels. */
  String concat(String... xs) {
    long[] out = shapes.get(xs[0]).clone();
    for (int i = 1; i < xs.length; i++) {
      out[1] += shapes.get(xs[i])[1];
    }
    return add(nodeName("Concat"), "Concat", List.of(xs), out, Attribute.ofInt("axis", 1));
  }

  /** A reshape to {@code dims} (a constant shape tensor; 0 copies, -1 infers). */
  String reshape(String x, long... dims) {
    long[] s = shapes.get(x);
    long total = 1;
    for (long d : s) {
      total *= d;
    }
    long[] out = dims.clone();
    long known = 1;
    int minus = -1;
    for (int i = 0; i < out.length; i++) {
      if (out[i] == 0) {
        out[i] = s[i];
      }
      if (out[i] == -1) {
        minus = i;
      } else {
        known *= out[i];
      }
    }
    if (minus >= 0) {
      out[minus] = total / known;
    }
    String name = nodeName("Reshape");
    String shape = name + ".shape";
    initializers.add(Tensor.int64s(shape, List.of((long) dims.length), dims));
    return add(name, "Reshape", List.of(x, shape), out);
  }

  String transpose(String x, long... perm) {
    long[] s = shapes.get(x);
    long[] out = new long[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = s[(int) perm[i]];
    }
    return add(nodeName("Transpose"), "Transpose", List.of(x), out, Attribute.ofInts("perm", perm));
  }

  /** ShuffleNet's channel shuffle of {@code groups} groups: reshape, transpose, reshape. */
  String channelShuffle(String x, int groups) {
    long[] s = shapes.get(x);
    String y = reshape(x, s[0], groups, s[1] / groups, s[2], s[3]);
    y = transpose(y, 0, 2, 1, 3, 4);
    return reshape(y, s[0], s[1], s[2], s[3]);
  }

  /** The channels {@code [from, to)} of {@code x} (a {@code Slice} with constant bounds). */
  String sliceChannels(String x, long from, long to) {
    long[] s = shapes.get(x);
    String name = nodeName("Slice");
    initializers.add(Tensor.int64s(name + ".starts", List.of(1L), new long[] {from}));
    initializers.add(Tensor.int64s(name + ".ends", List.of(1L), new long[] {to}));
    initializers.add(Tensor.int64s(name + ".axes", List.of(1L), new long[] {1}));
    long[] out = s.clone();
    out[1] = to - from;
    return add(name, "Slice", List.of(x, name + ".starts", name + ".ends", name + ".axes"), out);
  }

  String softmax(String x) {
    return add(
        nodeName("Softmax"), "Softmax", List.of(x), shapes.get(x), Attribute.ofInt("axis", -1));
  }

  /** A square 2-D pool {@code op} ({@code MaxPool}, {@code AveragePool}), padding {@code pad}. */
  private String pool(String op, String x, int kernel, int stride, int pad) {
    long[] s = shapes.get(x);
    LayerLimits.kernel(where(op), kernel, stride, s[2], s[3], pad);
    long h = (s[2] + 2L * pad - kernel) / stride + 1;
    long w = (s[3] + 2L * pad - kernel) / stride + 1;
    return add(
        nodeName(op),
        op,
        List.of(x),
        new long[] {s[0], s[1], h, w},
        Attribute.ofInts("kernel_shape", kernel, kernel),
        Attribute.ofInts("pads", pad, pad, pad, pad),
        Attribute.ofInts("strides", stride, stride));
  }

  /** The model with {@code outputs} as graph outputs. */
  OnnxModel build(String... outputs) {
    List<ValueInfo> outs = new ArrayList<>();
    for (String o : outputs) {
      outs.add(ValueInfo.floats(o, boxed(shapes.get(o))));
    }
    return new OnnxModel(
        IR_VERSION,
        List.of(new Opset("", OPSET)),
        "inferwatt",
        graphName,
        nodes,
        initializers,
        inputs,
        outs,
        List.of());
  }

  // ------------------------------------------------------------------ helpers

  /** Where a problem is, for messages: the graph and the layer (or node) being built. */
  private String where(String op) {
    return graphName + ", " + (layer == null ? nodeName(op) : "layer " + layer);
  }

  private String nodeName(String op) {
    if (layer == null) {
      return op + "_" + nodes.size();
    }
    String n = layer + "/" + op;
    for (int k = 1; usedNames.contains(n); k++) {
      n = layer + "/" + op + "_" + k;
    }
    return n;
  }

  private String add(String name, String op, List<String> in, long[] outShape, Attribute... attrs) {
    usedNames.add(name);
    String out = "t" + tensorCount++;
    nodes.add(new Node(name, op, "", in, List.of(out), List.of(attrs)));
    shapes.put(out, outShape.clone());
    return out;
  }

  private String weight(String name, long fanIn, long... dims) {
    float bound = (float) Math.sqrt(6.0 / fanIn);
    return uniform(name, -bound, bound, dims);
  }

  private String uniform(String name, float lo, float hi, long... dims) {
    long n = LayerLimits.elements(graphName, name, dims);
    weightBytes += 4 * n;
    if (weights && weightBytes > LayerLimits.MAX_ONNX_BYTES) { // a structure is never written
      throw new BadInputException(
          graphName
              + ": the weights reach "
              + weightBytes
              + " bytes at "
              + name
              + ", more than one ONNX file can hold ("
              + LayerLimits.MAX_ONNX_BYTES
              + "); use a smaller kernel or fewer channels");
    }
    if (!weights) {
      initializers.add(new Tensor(name, OnnxModel.FLOAT, boxed(dims), new byte[0]));
      return name;
    }
    // drawing a tensor holds it three times (floats, little-endian bytes, encoding) for a moment;
    // the whole heap, not what is free now: garbage of an earlier model may still count as used
    long heap = Runtime.getRuntime().maxMemory();
    if (12 * n > heap) {
      throw new BadInputException(
          graphName
              + ": drawing "
              + name
              + " ("
              + n
              + " values) needs about "
              + (12 * n >> 20)
              + " MiB, more than this JVM may use ("
              + (heap >> 20)
              + " MiB); raise -Xmx or use a smaller kernel or fewer channels");
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = lo + (hi - lo) * (float) random.nextDouble();
    }
    initializers.add(Tensor.floats(name, boxed(dims), v));
    return name;
  }

  static List<Long> boxed(long[] dims) {
    List<Long> l = new ArrayList<>(dims.length);
    for (long d : dims) {
      l.add(d);
    }
    return l;
  }
}
