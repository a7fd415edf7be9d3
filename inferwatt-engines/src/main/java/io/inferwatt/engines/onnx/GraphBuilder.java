package io.inferwatt.engines.onnx;

import io.inferwatt.core.BadInputException;
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
  private final boolean weights;
  private int tensorCount;
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
    if (inChannels % groups != 0 || outChannels % groups != 0) {
      throw new BadInputException(
          "channels "
              + inChannels
              + " -> "
              + outChannels
              + " are not divisible by groups "
              + groups);
    }
    long fanIn = inChannels / groups * kernel * kernel;
    String name = nodeName("Conv");
    String w = weight(name + ".weight", fanIn, outChannels, inChannels / groups, kernel, kernel);
    List<String> in = new ArrayList<>(List.of(x, w));
    if (bias) {
      in.add(weight(name + ".bias", fanIn, outChannels));
    }
    long h = (s[2] + 2L * pad - kernel) / stride + 1;
    long wd = (s[3] + 2L * pad - kernel) / stride + 1;
    if (h < 1 || wd < 1) {
      throw new BadInputException(
          "kernel " + kernel + " does not fit an input of " + s[2] + "x" + s[3]);
    }
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
    long[] s = shapes.get(x);
    long h = (s[2] + 2L * pad - kernel) / stride + 1;
    long w = (s[3] + 2L * pad - kernel) / stride + 1;
    return add(
        nodeName("MaxPool"),
        "MaxPool",
        List.of(x),
        new long[] {s[0], s[1], h, w},
        Attribute.ofInts("kernel_shape", kernel, kernel),
        Attribute.ofInts("pads", pad, pad, pad, pad),
        Attribute.ofInts("strides", stride, stride));
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

  private String nodeName(String op) {
    return layer == null ? op + "_" + nodes.size() : layer + "/" + op;
  }

  private String add(String name, String op, List<String> in, long[] outShape, Attribute... attrs) {
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
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    if (!weights) {
      initializers.add(new Tensor(name, OnnxModel.FLOAT, boxed(dims), new byte[0]));
      return name;
    }
    float[] v = new float[Math.toIntExact(n)];
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
