package io.inferwatt.engines.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An ONNX model held in memory: the parts of {@code ModelProto} and {@code GraphProto} that the
 * program builds, inspects and cuts. Read with {@link OnnxIo#read}, written with {@link
 * OnnxIo#write}.
 *
 * <p>Initializers and attributes keep the exact bytes they were read with, so a model cut from a
 * file written by another tool keeps its weights bit for bit. Graph parts this class does not model
 * (doc strings, sparse initializers, quantization annotations, local functions, metadata) are
 * dropped when a model is written back.
 *
 * @param irVersion the ONNX IR version ({@code 7} for the models the program builds)
 * @param opsets operator sets imported, the default domain first
 * @param producerName the program that wrote the model
 * @param graphName the graph's name
 * @param nodes nodes in topological order
 * @param initializers constant tensors (weights)
 * @param inputs graph inputs (initializers are not listed here by the program)
 * @param outputs graph outputs
 * @param valueInfo shapes of intermediate tensors, as the file gives them (may be empty)
 */
public record OnnxModel(
    long irVersion,
    List<Opset> opsets,
    String producerName,
    String graphName,
    List<Node> nodes,
    List<Tensor> initializers,
    List<ValueInfo> inputs,
    List<ValueInfo> outputs,
    List<ValueInfo> valueInfo) {

  /** {@code TensorProto.DataType.FLOAT}. */
  public static final int FLOAT = 1;

  /** {@code TensorProto.DataType.INT64}. */
  public static final int INT64 = 7;

  public OnnxModel {
    opsets = List.copyOf(opsets);
    nodes = List.copyOf(nodes);
    initializers = List.copyOf(initializers);
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    valueInfo = List.copyOf(valueInfo);
  }

  /** The version of the default ({@code ai.onnx}) operator set, or 0 when none is imported. */
  public long opsetVersion() {
    for (Opset o : opsets) {
      if (o.domain().isEmpty() || o.domain().equals("ai.onnx")) {
        return o.version();
      }
    }
    return 0;
  }

  /** The initializer called {@code name}, if there is one. */
  public Optional<Tensor> initializer(String name) {
    for (Tensor t : initializers) {
      if (t.name().equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** The model with other nodes, initializers, inputs and outputs, and no value info. */
  OnnxModel withGraph(
      String name, List<Node> n, List<Tensor> init, List<ValueInfo> in, List<ValueInfo> out) {
    return new OnnxModel(irVersion, opsets, producerName, name, n, init, in, out, List.of());
  }

  /** An imported operator set. {@code domain} is empty for {@code ai.onnx}. */
  public record Opset(String domain, long version) {}

  /**
   * One node.
   *
   * @param name unique name (may be empty in files from other tools)
   * @param opType the operator ({@code Conv}, {@code Relu}, ...)
   * @param domain the operator's domain, empty for {@code ai.onnx}
   * @param inputs input tensor names; an empty name is an omitted optional input
   * @param outputs output tensor names
   * @param attributes the attributes
   */
  public record Node(
      String name,
      String opType,
      String domain,
      List<String> inputs,
      List<String> outputs,
      List<Attribute> attributes) {
    public Node {
      inputs = List.copyOf(inputs);
      outputs = List.copyOf(outputs);
      attributes = List.copyOf(attributes);
    }

    /** The attribute called {@code name}, if present. */
    public Optional<Attribute> attribute(String name) {
      for (Attribute a : attributes) {
        if (a.name().equals(name)) {
          return Optional.of(a);
        }
      }
      return Optional.empty();
    }

    /** An integer attribute, or {@code orElse}. */
    public long attrInt(String name, long orElse) {
      return attribute(name).map(Attribute::i).orElse(orElse);
    }

    /** A list-of-integers attribute, or an empty list. */
    public List<Long> attrInts(String name) {
      return attribute(name).map(Attribute::ints).orElse(List.of());
    }

    /** A string attribute, or {@code orElse}. */
    public String attrString(String name, String orElse) {
      return attribute(name).map(Attribute::s).orElse(orElse);
    }
  }

  /**
   * One attribute. Only the kinds the program reads are decoded ({@code f}, {@code i}, {@code s},
   * {@code floats}, {@code ints}); any other kind (tensor, graph, ...) travels in {@code encoded}.
   *
   * @param name the attribute's name
   * @param type {@code AttributeProto.AttributeType}: 1 FLOAT, 2 INT, 3 STRING, 6 FLOATS, 7 INTS
   * @param f the float value (type 1)
   * @param i the integer value (type 2)
   * @param s the string value (type 3), UTF-8 decoded
   * @param floats the float list (type 6)
   * @param ints the integer list (type 7)
   * @param encoded the attribute's bytes as read from a file, written back unchanged; {@code null}
   *     for attributes the program made
   */
  public record Attribute(
      String name,
      int type,
      float f,
      long i,
      String s,
      List<Float> floats,
      List<Long> ints,
      byte[] encoded) {
    public static final int TYPE_FLOAT = 1;
    public static final int TYPE_INT = 2;
    public static final int TYPE_STRING = 3;
    public static final int TYPE_FLOATS = 6;
    public static final int TYPE_INTS = 7;

    public Attribute {
      floats = List.copyOf(floats);
      ints = List.copyOf(ints);
      s = s == null ? "" : s;
    }

    public static Attribute ofInt(String name, long value) {
      return new Attribute(name, TYPE_INT, 0, value, "", List.of(), List.of(), null);
    }

    public static Attribute ofInts(String name, long... values) {
      List<Long> l = new ArrayList<>();
      for (long v : values) {
        l.add(v);
      }
      return new Attribute(name, TYPE_INTS, 0, 0, "", List.of(), l, null);
    }

    public static Attribute ofFloat(String name, float value) {
      return new Attribute(name, TYPE_FLOAT, value, 0, "", List.of(), List.of(), null);
    }

    public static Attribute ofString(String name, String value) {
      return new Attribute(name, TYPE_STRING, 0, 0, value, List.of(), List.of(), null);
    }
  }

  /**
   * A constant tensor, held as its encoded {@code TensorProto} so that any encoding (raw data,
   * typed fields) passes through unchanged.
   *
   * @param name the tensor's name
   * @param dataType {@code TensorProto.DataType} ({@link #FLOAT}, {@link #INT64}, ...)
   * @param dims its shape
   * @param encoded the whole encoded {@code TensorProto} (not copied: do not change it)
   */
  public record Tensor(String name, int dataType, List<Long> dims, byte[] encoded) {
    public Tensor {
      dims = List.copyOf(dims);
    }

    /** A float tensor stored as little-endian {@code raw_data}. */
    public static Tensor floats(String name, List<Long> dims, float[] values) {
      ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(values);
      return new Tensor(name, FLOAT, dims, ProtoCodec.encodeTensor(name, FLOAT, dims, b.array()));
    }

    /** An int64 tensor stored as little-endian {@code raw_data}. */
    public static Tensor int64s(String name, List<Long> dims, long[] values) {
      ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
      b.asLongBuffer().put(values);
      return new Tensor(name, INT64, dims, ProtoCodec.encodeTensor(name, INT64, dims, b.array()));
    }

    /** Number of elements (the product of the dims; 1 for a scalar). */
    public long elements() {
      long n = 1;
      for (long d : dims) {
        n *= d;
      }
      return n;
    }

    /** The values of an INT64 tensor (from {@code raw_data} or {@code int64_data}). */
    public long[] int64Values() {
      if (dataType != INT64) {
        throw new IllegalStateException(
            "tensor " + name + " has data type " + dataType + ", not INT64");
      }
      return ProtoCodec.decodeInt64Values(encoded, (int) elements());
    }
  }

  /**
   * A tensor's declared type and shape.
   *
   * @param name the tensor's name
   * @param elemType {@code TensorProto.DataType} of its elements
   * @param shape its dimensions; empty when the file gives no shape
   */
  public record ValueInfo(String name, int elemType, List<Dim> shape) {
    public ValueInfo {
      shape = List.copyOf(shape);
    }

    /** A float tensor of fixed shape. */
    public static ValueInfo floats(String name, List<Long> dims) {
      return new ValueInfo(name, FLOAT, dims.stream().map(Dim::of).toList());
    }

    /** The shape with symbolic or unknown dimensions as -1. */
    public List<Long> dims() {
      return shape.stream().map(Dim::value).toList();
    }
  }

  /**
   * One dimension: a value, or a symbolic name ({@code value} = -1).
   *
   * @param value the size, or -1 when symbolic or unknown
   * @param param the symbolic name, empty when the size is fixed
   */
  public record Dim(long value, String param) {
    public static Dim of(long value) {
      return new Dim(value, "");
    }

    public static Dim param(String name) {
      return new Dim(-1, name);
    }
  }
}
