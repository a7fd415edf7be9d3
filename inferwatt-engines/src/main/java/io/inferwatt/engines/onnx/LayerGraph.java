package io.inferwatt.engines.onnx;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.engines.onnx.OnnxModel.Node;
import io.inferwatt.engines.onnx.OnnxModel.ValueInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A network's layers as an engine like TensorRT runs them, derived from any ONNX graph: the one
 * derivation the virtual boards and the model features use.
 *
 * <p>Shapes come from {@link ShapeInference} (a symbolic batch is 1, so every count is per input).
 * Nodes fuse as TensorRT fuses them: a convolution with its batch norm and activation (Swish,
 * {@code x·Sigmoid(x)}, and {@code x·HardSigmoid(x)} count as activations), a fully connected layer
 * ({@code Gemm}, or {@code MatMul} with a constant weight and its bias {@code Add}) with its
 * activation, an addition of two tensors with its activation. Constant subgraphs (shape arithmetic,
 * {@code Constant}) are folded away and {@code Identity}, {@code Dropout}, {@code Cast} vanish;
 * every graph input gets an input reformat first.
 *
 * <p>Layer types: {@code Reformat}, {@code Conv} (groups kept), {@code DepthwiseConv} (groups =
 * input channels), {@code Gemm}, {@code Pool}, {@code Add}, {@code ElementWise} (other binary ops
 * and {@code Add} of a constant), {@code Activation}, {@code Scale} (a batch norm alone), {@code
 * Concat}, {@code Shuffle} (reshape, flatten, transpose, squeeze), {@code Slice}, {@code Softmax},
 * {@code Padding}, {@code Resize}, {@code Reduce}. Parameters count conv weights and bias,
 * batch-norm scale and shift (not its running statistics), FC weight and bias and constant operands
 * of element-wise ops; multiply-accumulates count convolutions and FC layers only (the conventions
 * of published counts). A layer's name is its first node's name without a trailing {@code /<Op>}.
 *
 * <p>Over 500 lines on purpose: the fusion rules look at a node's consumers and producers in one
 * walk of the graph, and the counts of a fused layer depend on which rule fused it; shape
 * inference, the other large part, is already in {@link ShapeInference}.
 */
public final class LayerGraph {

  private static final Set<String> ACTIVATIONS =
      Set.of(
          "Relu",
          "Clip",
          "LeakyRelu",
          "Sigmoid",
          "HardSigmoid",
          "HardSwish",
          "Tanh",
          "Elu",
          "Selu",
          "Softplus",
          "Mish",
          "Gelu",
          "PRelu");

  /**
   * The activations a convolution kernel applies itself (ONNX Runtime's fused convolutions), with
   * none: a layer ending in one keeps its output in the convolutions' layout.
   */
  private static final Set<String> KERNEL_ACTIVATIONS =
      Set.of("", "Relu", "Clip", "Sigmoid", "Tanh", "LeakyRelu", "HardSigmoid");

  private static final Set<String> VANISH = Set.of("Identity", "Dropout", "Cast");

  private static final Map<String, String> TYPES = types();

  private LayerGraph() {}

  private static Map<String, String> types() {
    Map<String, String> t = new HashMap<>();
    ACTIVATIONS.forEach(a -> t.put(a, "Activation"));
    for (String p : List.of("MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool")) {
      t.put(p, "Pool");
    }
    for (String e : List.of("Sub", "Mul", "Div", "Max", "Min", "Pow", "Sum", "Mean")) {
      t.put(e, "ElementWise");
    }
    for (String s : List.of("Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze")) {
      t.put(s, "Shuffle");
    }
    for (String r : List.of("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceL2")) {
      t.put(r, "Reduce");
    }
    for (String u : List.of("Erf", "Exp", "Log", "Sqrt", "Neg", "Abs", "Reciprocal")) {
      t.put(u, "Activation"); // unary element-wise: a layer of their own, never fused
    }
    t.put("InstanceNormalization", "Scale");
    t.put("LayerNormalization", "Scale");
    t.put("Conv", "Conv");
    t.put("Gemm", "Gemm");
    t.put("MatMul", "Gemm");
    t.put("Add", "Add");
    t.put("BatchNormalization", "Scale");
    t.put("Concat", "Concat");
    t.put("Split", "Slice");
    t.put("Slice", "Slice");
    t.put("Softmax", "Softmax");
    t.put("LogSoftmax", "Softmax");
    t.put("Pad", "Padding");
    t.put("Resize", "Resize");
    t.put("Upsample", "Resize");
    return Map.copyOf(t);
  }

  /**
   * Whether a convolution kernel applies activation {@code activation} itself ({@code ""} none,
   * ReLU, clip, sigmoid, tanh, leaky ReLU, hard sigmoid: ONNX Runtime's fused convolutions), rather
   * than a kernel of its own (Swish, hard swish, ...).
   */
  public static boolean appliedInKernel(String activation) {
    return KERNEL_ACTIVATIONS.contains(activation);
  }

  /** The operators a layer can be derived from (constant subgraphs may use any inferred op). */
  public static Set<String> supportedOps() {
    Set<String> all = new TreeSet<>(TYPES.keySet());
    all.addAll(VANISH);
    return all;
  }

  /** The layers of {@code model}, named after its graph. */
  public static NetworkSpec derive(OnnxModel model) {
    return derive(model, model.graphName());
  }

  /**
   * The layers of a model and the ONNX nodes each one covers: the map from an engine's per-node
   * times to these layers.
   *
   * @param network the layers, as {@link #derive(OnnxModel, String)} gives them
   * @param nodes per layer, the indices in {@link OnnxModel#nodes()} of the nodes it covers, in
   *     graph order; empty for an input reformat, which covers no node
   */
  public record Covered(NetworkSpec network, List<List<Integer>> nodes) {
    public Covered {
      nodes = nodes.stream().map(List::copyOf).toList();
    }
  }

  /**
   * The layers of {@code model} with the nodes each covers.
   *
   * @throws BadInputException as {@link #derive(OnnxModel, String)}
   */
  public static Covered covered(OnnxModel model, String name) {
    Derivation d = new Derivation(model, name);
    NetworkSpec n = d.run();
    return new Covered(n, d.covered);
  }

  /**
   * The layers of {@code model}.
   *
   * @param name the network's name
   * @throws BadInputException for an operator no layer is derived from, or a shape that is not
   *     known (a symbolic dimension other than the batch)
   */
  public static NetworkSpec derive(OnnxModel model, String name) {
    return covered(model, name).network();
  }

  private static final class Derivation {
    private final OnnxModel model;
    private final String name;
    private final ShapeInference.Result shapes;
    private final Map<String, List<Integer>> consumers = new HashMap<>();
    private final Set<Integer> fused = new HashSet<>();
    private final Set<String> names = new HashSet<>();
    private final List<Node> nodes;
    private final List<List<Integer>> covered = new ArrayList<>();
    private final List<LayerSpec> layers = new ArrayList<>();

    /** Each layer's output tensor (its last node's), by tensor: the layer's index. */
    private final Map<String, Integer> layerOfOutput = new HashMap<>();

    private List<Integer> current;

    /** The activation fused into the layer being derived ({@code ""}: none). */
    private String act = "";

    Derivation(OnnxModel model, String name) {
      this.model = model;
      this.name = name;
      this.nodes = model.nodes();
      this.shapes = ShapeInference.run(model);
      for (int i = 0; i < nodes.size(); i++) {
        Node n = nodes.get(i);
        if (constant(n)) {
          continue;
        }
        for (String in : n.inputs()) {
          if (!in.isEmpty()) {
            consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
          }
        }
      }
      model
          .outputs()
          .forEach(o -> consumers.computeIfAbsent(o.name(), k -> new ArrayList<>()).add(-1));
    }

    NetworkSpec run() {
      List<ValueInfo> inputs = OnnxInspector.graphInputs(model);
      if (inputs.isEmpty()) {
        throw new BadInputException("model " + name + " has no graph input");
      }
      List<Integer> first = null;
      for (int k = 0; k < inputs.size(); k++) {
        String in = inputs.get(k).name();
        List<Integer> shape = perInput(in, "graph input " + in);
        if (first == null) {
          first = shape;
        }
        String layer = unique(k == 0 ? "input_reformat" : "input_reformat_" + k);
        layers.add(new LayerSpec(layer, "Reformat", shape, shape, 0, 0, 0, 0, 0));
        covered.add(List.of());
      }
      for (int i = 0; i < nodes.size(); i++) {
        Node n = nodes.get(i);
        if (fused.contains(i) || constant(n)) {
          continue;
        }
        if (!TYPES.containsKey(n.opType()) && !VANISH.contains(n.opType())) {
          throw new BadInputException(
              "model "
                  + name
                  + ": node "
                  + label(n, i)
                  + " has op "
                  + (n.domain().isEmpty() ? "" : n.domain() + ".")
                  + n.opType()
                  + ", which no layer is derived from (supported: "
                  + String.join(", ", supportedOps())
                  + ")");
        }
        if (shapes.notInferred().contains(i)) {
          throw new BadInputException(
              "model "
                  + name
                  + ": the output shape of node "
                  + label(n, i)
                  + " ("
                  + n.opType()
                  + ") cannot be inferred (a missing attribute or constant input)");
        }
        if (VANISH.contains(n.opType())) {
          continue;
        }
        current = new ArrayList<>(List.of(i));
        LayerSpec l = layer(i);
        layerOfOutput.put(
            nodes.get(current.get(current.size() - 1)).outputs().get(0), layers.size());
        layers.add(l);
        current.sort(null);
        covered.add(current);
      }
      return new NetworkSpec(name, first, layers);
    }

    private LayerSpec layer(int i) {
      Node n = nodes.get(i);
      String op = n.opType();
      int last = i;
      String type = TYPES.get(op);
      long params = 0;
      long macs = 0;
      int kernel = 0;
      int stride = 0;
      int groups = 0;
      String sumInto = "";
      act = "";
      String x = activationInput(n);
      List<Integer> in = perInput(x, "the input of node " + label(n, i));
      switch (op) {
        case "Conv" -> {
          long[] w = shapes.shapes().get(n.inputs().get(1));
          groups = (int) n.attrInt("group", 1);
          List<Long> ks = n.attrInts("kernel_shape");
          kernel = (int) (ks.isEmpty() ? w[w.length - 1] : ks.get(0));
          List<Long> st = n.attrInts("strides");
          stride = st.isEmpty() ? 1 : st.get(0).intValue();
          params = constElements(n, 1) + constElements(n, 2);
          int next = sole(last, Set.of("BatchNormalization"));
          if (next >= 0) {
            params += 2 * elements(shapes.shapes().get(nodes.get(next).inputs().get(1)));
            last = next;
          }
          last = activation(last);
          long outPerInput = elements(perInputShape(nodes.get(last).outputs().get(0)));
          long perOutput = 1;
          for (int d = 1; d < w.length; d++) {
            perOutput *= w[d];
          }
          macs = outPerInput * perOutput;
          boolean depthwise = groups > 1 && !in.isEmpty() && groups == in.get(0);
          type = depthwise ? "DepthwiseConv" : "Conv";
        }
        case "Gemm", "MatMul" -> {
          long[] a = shapes.shapes().get(n.inputs().get(0));
          long k = op.equals("Gemm") && n.attrInt("transA", 0) == 1 ? a[0] : a[a.length - 1];
          params = constElements(n, 1) + (op.equals("Gemm") ? constElements(n, 2) : 0);
          if (op.equals("MatMul")) {
            int bias = sole(last, Set.of("Add"));
            if (bias >= 0 && hasConstantOperand(nodes.get(bias))) {
              params += constOperandElements(nodes.get(bias));
              last = bias;
            }
          }
          long outPerInput = elements(perInputShape(n.outputs().get(0)));
          macs = outPerInput * k;
          last = activation(last);
        }
        case "Add" -> {
          if (hasConstantOperand(n)) {
            type = "ElementWise";
            params = constOperandElements(n);
          } else {
            sumInto = sumInto(n, i);
            last = activation(last);
          }
        }
        case "Mul", "Sub", "Div", "Max", "Min", "Pow", "Sum", "Mean" -> {
          params = constOperandElements(n);
        }
        case "MaxPool", "AveragePool" -> {
          List<Long> ks = n.attrInts("kernel_shape");
          kernel = ks.isEmpty() ? 0 : ks.get(0).intValue();
          List<Long> st = n.attrInts("strides");
          stride = st.isEmpty() ? 1 : st.get(0).intValue();
        }
        case "GlobalAveragePool", "GlobalMaxPool" -> {
          kernel = in.size() > 1 ? in.get(1) : 1;
          stride = kernel;
        }
        case "BatchNormalization" -> {
          params = 2 * elements(shapes.shapes().get(n.inputs().get(1)));
          last = activation(last);
        }
        case "InstanceNormalization", "LayerNormalization" -> {
          params = constElements(n, 1) + constElements(n, 2); // scale and bias
        }
        case "Sigmoid", "HardSigmoid" -> {
          int mul = swishOf(i);
          act = op;
          if (mul >= 0) {
            fuse(mul);
            last = mul;
            act = swish(op);
          }
        }
        default -> {
          // one node, no parameters, no MACs
          if (ACTIVATIONS.contains(op)) {
            act = op;
          }
        }
      }
      List<Integer> out =
          perInput(nodes.get(last).outputs().get(0), "node " + label(nodes.get(last), last));
      return new LayerSpec(
          unique(layerName(n, i)),
          type,
          in,
          out,
          kernel,
          stride,
          groups,
          macs,
          params,
          act,
          sumInto);
    }

    /** The activation {@code x·gate(x)} is, by its gate's op. */
    private static String swish(String gate) {
      return gate.equals("Sigmoid") ? "Swish" : "HardSwish";
    }

    /**
     * For the addition node {@code add} (two tensors): the first of its inputs that is the output
     * of a convolution layer without an activation, consumed by this addition alone, where the
     * other input comes from a layer whose activation (if any) a convolution kernel applies itself
     * ({@link #KERNEL_ACTIVATIONS}: a Swish or hard swish runs as a kernel of its own, in the plain
     * layout): that convolution's name (it can take the addition in as a sum input); {@code ""}
     * otherwise.
     */
    private String sumInto(Node add, int i) {
      List<String> ins = add.inputs();
      for (int k = 0; k < ins.size(); k++) {
        String in = ins.get(k);
        Integer l = layerOfOutput.get(in);
        if (l == null || !consumers.getOrDefault(in, List.of()).equals(List.of(i))) {
          continue;
        }
        LayerSpec p = layers.get(l);
        boolean otherKernel = true;
        for (int j = 0; j < ins.size(); j++) {
          Integer o = j == k ? null : layerOfOutput.get(ins.get(j));
          if (j != k && (o == null || !KERNEL_ACTIVATIONS.contains(layers.get(o).activation()))) {
            otherKernel = false;
          }
        }
        if ((p.type().equals("Conv") || p.type().equals("DepthwiseConv"))
            && p.activation().isEmpty()
            && otherKernel) {
          return p.name();
        }
      }
      return "";
    }

    /**
     * After a compute node ending at {@code at}: its fused activation's last node, or {@code at}.
     */
    private int activation(int at) {
      int next = sole(at, ACTIVATIONS);
      if (next >= 0) {
        Node a = nodes.get(next);
        act = a.opType();
        if ((a.opType().equals("Sigmoid") || a.opType().equals("HardSigmoid"))) {
          int mul = swishMul(at, next);
          if (mul >= 0) {
            fuse(mul);
            act = swish(a.opType());
            return mul;
          }
        }
        return next;
      }
      // Swish: y = x · Sigmoid(x), the tensor consumed by exactly the Sigmoid and the Mul
      String t = nodes.get(at).outputs().get(0);
      List<Integer> cs = consumers.getOrDefault(t, List.of());
      if (cs.size() == 2) {
        for (int c : cs) {
          if (c < 0) {
            continue;
          }
          String op = nodes.get(c).opType();
          if (op.equals("Sigmoid") || op.equals("HardSigmoid")) {
            int mul = swishMul(at, c);
            if (mul >= 0) {
              fuse(c);
              fuse(mul);
              act = swish(op);
              return mul;
            }
          }
        }
      }
      return at;
    }

    /** The Mul of {@code x · gate(x)} where {@code x} is node {@code at}'s output, or -1. */
    private int swishMul(int at, int gate) {
      String x = nodes.get(at).outputs().get(0);
      String g = nodes.get(gate).outputs().get(0);
      List<Integer> cs = consumers.getOrDefault(g, List.of());
      if (cs.size() != 1 || cs.get(0) < 0) {
        return -1;
      }
      Node m = nodes.get(cs.get(0));
      if (m.opType().equals("Mul") && m.inputs().contains(x) && m.inputs().contains(g)) {
        return cs.get(0);
      }
      return -1;
    }

    /** A standalone Sigmoid whose Mul makes it a Swish of the Sigmoid's input: the Mul, or -1. */
    private int swishOf(int gate) {
      String x = nodes.get(gate).inputs().get(0);
      String g = nodes.get(gate).outputs().get(0);
      List<Integer> cs = consumers.getOrDefault(g, List.of());
      if (cs.size() != 1 || cs.get(0) < 0) {
        return -1;
      }
      Node m = nodes.get(cs.get(0));
      return m.opType().equals("Mul") && m.inputs().contains(x) ? cs.get(0) : -1;
    }

    /**
     * The node that alone consumes node {@code at}'s output, when its op is one of {@code ops} (and
     * marks it fused), or -1.
     */
    private int sole(int at, Set<String> ops) {
      String t = nodes.get(at).outputs().get(0);
      List<Integer> cs = consumers.getOrDefault(t, List.of());
      if (cs.size() != 1 || cs.get(0) < 0) {
        return -1;
      }
      int c = cs.get(0);
      Node next = nodes.get(c);
      if (!ops.contains(next.opType()) || fused.contains(c)) {
        return -1;
      }
      if (next.opType().equals("Add") && !hasConstantOperand(next)) {
        return -1;
      }
      fuse(c);
      return c;
    }

    /** Marks node {@code k} as fused into the layer being derived. */
    private void fuse(int k) {
      fused.add(k);
      current.add(k);
    }

    private boolean constant(Node n) {
      for (String o : n.outputs()) {
        if (!o.isEmpty() && !shapes.constants().contains(o)) {
          return false;
        }
      }
      return !n.outputs().isEmpty();
    }

    /** The node's first input that is not a constant (its activation), or its first input. */
    private String activationInput(Node n) {
      for (String in : n.inputs()) {
        if (!in.isEmpty() && !shapes.constants().contains(in)) {
          return in;
        }
      }
      return n.inputs().get(0);
    }

    private boolean hasConstantOperand(Node n) {
      for (String in : n.inputs()) {
        if (shapes.constants().contains(in)) {
          return true;
        }
      }
      return false;
    }

    private long constOperandElements(Node n) {
      long p = 0;
      for (int k = 0; k < n.inputs().size(); k++) {
        p += constElements(n, k);
      }
      return p;
    }

    private long constElements(Node n, int k) {
      if (k >= n.inputs().size() || n.inputs().get(k).isEmpty()) {
        return 0;
      }
      String t = n.inputs().get(k);
      return shapes.constants().contains(t) ? elements(shapes.shapes().get(t)) : 0;
    }

    private long[] perInputShape(String tensor) {
      long[] s = shapes.shapes().get(tensor);
      if (s == null || s.length == 0) {
        return s;
      }
      return java.util.Arrays.copyOfRange(s, 1, s.length);
    }

    /** A tensor's shape without its batch dimension; refused when a size is unknown. */
    private List<Integer> perInput(String tensor, String what) {
      long[] s = shapes.shapes().get(tensor);
      if (s == null) {
        throw new BadInputException(
            "model " + name + ": the shape of " + what + " (tensor " + tensor + ") is not known");
      }
      List<Integer> out = new ArrayList<>();
      for (int d = 1; d < s.length; d++) {
        if (s[d] < 0) {
          throw new BadInputException(
              "model "
                  + name
                  + ": "
                  + what
                  + " (tensor "
                  + tensor
                  + ") has a symbolic size other than the batch; export it with fixed sizes");
        }
        out.add(Math.toIntExact(s[d]));
      }
      return out;
    }

    private String layerName(Node n, int i) {
      String nm = n.name();
      if (nm.isEmpty()) {
        return n.opType() + "_" + i;
      }
      String suffix = "/" + n.opType();
      return nm.endsWith(suffix) && nm.length() > suffix.length()
          ? nm.substring(0, nm.length() - suffix.length())
          : nm;
    }

    private String unique(String base) {
      String n = base;
      for (int k = 2; !names.add(n); k++) {
        n = base + "_" + k;
      }
      return n;
    }

    private static String label(Node n, int i) {
      return n.name().isEmpty() ? "#" + i : n.name() + " (#" + i + ")";
    }

    private static long elements(long[] s) {
      if (s == null) {
        return 0;
      }
      long p = 1;
      for (long d : s) {
        p *= Math.max(d, 0);
      }
      return p;
    }
  }
}
