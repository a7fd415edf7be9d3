package io.inferwatt.engines.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.inferwatt.core.BadInputException;
import io.inferwatt.engines.onnx.OnnxModel.Attribute;
import io.inferwatt.engines.onnx.OnnxModel.Dim;
import io.inferwatt.engines.onnx.OnnxModel.Node;
import io.inferwatt.engines.onnx.OnnxModel.Opset;
import io.inferwatt.engines.onnx.OnnxModel.Tensor;
import io.inferwatt.engines.onnx.OnnxModel.ValueInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The ONNX wire format, encoded and decoded by hand against the field numbers of {@code
 * onnx/onnx.proto3} (the field numbers, not the names, are the wire contract). Only the wire
 * primitives of protobuf-java are used, so the build needs no {@code protoc}.
 *
 * <p>Repeated scalars are read both packed and unpacked (onnx.proto is proto2, onnx.proto3 packs);
 * they are written unpacked, as the reference ONNX tools do for {@code dims} and {@code ints}.
 *
 * <p>Over 500 lines on purpose: each message's encoder and decoder sit side by side, so that a
 * field number is checked against its counterpart in one screen; split, the two halves would drift.
 */
final class ProtoCodec {

  // ModelProto
  private static final int MODEL_IR_VERSION = 1;
  private static final int MODEL_PRODUCER_NAME = 2;
  private static final int MODEL_PRODUCER_VERSION = 3;
  private static final int MODEL_GRAPH = 7;
  private static final int MODEL_OPSET_IMPORT = 8;
  // OperatorSetIdProto
  private static final int OPSET_DOMAIN = 1;
  private static final int OPSET_VERSION = 2;
  // GraphProto
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_NAME = 2;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_INPUT = 11;
  private static final int GRAPH_OUTPUT = 12;
  private static final int GRAPH_VALUE_INFO = 13;
  // NodeProto
  private static final int NODE_INPUT = 1;
  private static final int NODE_OUTPUT = 2;
  private static final int NODE_NAME = 3;
  private static final int NODE_OP_TYPE = 4;
  private static final int NODE_ATTRIBUTE = 5;
  private static final int NODE_DOMAIN = 7;
  // AttributeProto
  private static final int ATTR_NAME = 1;
  private static final int ATTR_F = 2;
  private static final int ATTR_I = 3;
  private static final int ATTR_S = 4;
  private static final int ATTR_FLOATS = 7;
  private static final int ATTR_INTS = 8;
  private static final int ATTR_T = 5;
  private static final int ATTR_TYPE = 20;
  // TensorProto
  private static final int TENSOR_DIMS = 1;
  private static final int TENSOR_DATA_TYPE = 2;
  // 4 float_data and 5 int32_data pass through in the encoded bytes; read only as numbers
  private static final int TENSOR_FLOAT_DATA = 4;
  private static final int TENSOR_INT32_DATA = 5;
  private static final int TENSOR_INT64_DATA = 7;
  private static final int TENSOR_NAME = 8;
  private static final int TENSOR_RAW_DATA = 9;
  // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, Dimension
  private static final int VALUE_NAME = 1;
  private static final int VALUE_TYPE = 2;
  private static final int TYPE_TENSOR = 1;
  private static final int TENSOR_TYPE_ELEM = 1;
  private static final int TENSOR_TYPE_SHAPE = 2;
  private static final int SHAPE_DIM = 1;
  private static final int DIM_VALUE = 1;
  private static final int DIM_PARAM = 2;

  private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;

  private ProtoCodec() {}

  // ---------------------------------------------------------------- writing

  /** Writes {@code model} to {@code out} without holding the whole encoding in memory. */
  static void writeModel(OnnxModel model, OutputStream out) throws IOException {
    List<byte[]> graphParts = new ArrayList<>();
    List<Integer> graphFields = new ArrayList<>();
    for (Node n : model.nodes()) {
      graphFields.add(GRAPH_NODE);
      graphParts.add(encodeNode(n));
    }
    for (Tensor t : model.initializers()) {
      graphFields.add(GRAPH_INITIALIZER);
      graphParts.add(t.encoded());
    }
    for (ValueInfo v : model.inputs()) {
      graphFields.add(GRAPH_INPUT);
      graphParts.add(encodeValueInfo(v));
    }
    for (ValueInfo v : model.outputs()) {
      graphFields.add(GRAPH_OUTPUT);
      graphParts.add(encodeValueInfo(v));
    }
    for (ValueInfo v : model.valueInfo()) {
      graphFields.add(GRAPH_VALUE_INFO);
      graphParts.add(encodeValueInfo(v));
    }
    byte[] graphName = encode(c -> c.writeString(GRAPH_NAME, model.graphName()));
    long graphSize = graphName.length;
    for (int i = 0; i < graphParts.size(); i++) {
      graphSize += CodedOutputStream.computeByteArraySize(graphFields.get(i), graphParts.get(i));
    }
    if (graphSize > Integer.MAX_VALUE) {
      throw new BadInputException(
          "graph of "
              + graphSize
              + " bytes is over the 2 GiB protobuf limit (external data is not supported)");
    }
    CodedOutputStream c = CodedOutputStream.newInstance(out, 1 << 16);
    c.writeInt64(MODEL_IR_VERSION, model.irVersion());
    if (!model.producerName().isEmpty()) {
      c.writeString(MODEL_PRODUCER_NAME, model.producerName());
      c.writeString(MODEL_PRODUCER_VERSION, "0.1");
    }
    for (Opset o : model.opsets()) {
      c.writeByteArray(
          MODEL_OPSET_IMPORT,
          encode(
              oc -> {
                if (!o.domain().isEmpty()) {
                  oc.writeString(OPSET_DOMAIN, o.domain());
                }
                oc.writeInt64(OPSET_VERSION, o.version());
              }));
    }
    c.writeTag(MODEL_GRAPH, LEN);
    c.writeUInt32NoTag((int) graphSize);
    c.writeRawBytes(graphName);
    for (int i = 0; i < graphParts.size(); i++) {
      c.writeByteArray(graphFields.get(i), graphParts.get(i));
    }
    c.flush();
  }

  static byte[] encodeTensor(String name, int dataType, List<Long> dims, byte[] rawLittleEndian) {
    return encode(
        c -> {
          for (long d : dims) {
            c.writeInt64(TENSOR_DIMS, d);
          }
          c.writeInt32(TENSOR_DATA_TYPE, dataType);
          c.writeString(TENSOR_NAME, name);
          c.writeByteArray(TENSOR_RAW_DATA, rawLittleEndian);
        });
  }

  private static byte[] encodeNode(Node n) {
    return encode(
        c -> {
          for (String s : n.inputs()) {
            c.writeString(NODE_INPUT, s);
          }
          for (String s : n.outputs()) {
            c.writeString(NODE_OUTPUT, s);
          }
          if (!n.name().isEmpty()) {
            c.writeString(NODE_NAME, n.name());
          }
          c.writeString(NODE_OP_TYPE, n.opType());
          for (Attribute a : n.attributes()) {
            c.writeByteArray(
                NODE_ATTRIBUTE, a.encoded() != null ? a.encoded() : encodeAttribute(a));
          }
          if (!n.domain().isEmpty()) {
            c.writeString(NODE_DOMAIN, n.domain());
          }
        });
  }

  private static byte[] encodeAttribute(Attribute a) {
    return encode(
        c -> {
          c.writeString(ATTR_NAME, a.name());
          c.writeEnum(ATTR_TYPE, a.type());
          switch (a.type()) {
            case Attribute.TYPE_FLOAT -> c.writeFloat(ATTR_F, a.f());
            case Attribute.TYPE_INT -> c.writeInt64(ATTR_I, a.i());
            case Attribute.TYPE_STRING -> c.writeString(ATTR_S, a.s());
            case Attribute.TYPE_FLOATS -> {
              for (float f : a.floats()) {
                c.writeFloat(ATTR_FLOATS, f);
              }
            }
            case Attribute.TYPE_INTS -> {
              for (long v : a.ints()) {
                c.writeInt64(ATTR_INTS, v);
              }
            }
            default ->
                throw new IllegalArgumentException(
                    "attribute " + a.name() + " of type " + a.type() + " cannot be encoded");
          }
        });
  }

  private static byte[] encodeValueInfo(ValueInfo v) {
    byte[] shape =
        encode(
            c -> {
              for (Dim d : v.shape()) {
                c.writeByteArray(
                    SHAPE_DIM,
                    encode(
                        dc -> {
                          if (d.param().isEmpty()) {
                            dc.writeInt64(DIM_VALUE, d.value());
                          } else {
                            dc.writeString(DIM_PARAM, d.param());
                          }
                        }));
              }
            });
    byte[] tensorType =
        encode(
            c -> {
              c.writeInt32(TENSOR_TYPE_ELEM, v.elemType());
              c.writeByteArray(TENSOR_TYPE_SHAPE, shape);
            });
    byte[] type = encode(c -> c.writeByteArray(TYPE_TENSOR, tensorType));
    return encode(
        c -> {
          c.writeString(VALUE_NAME, v.name());
          c.writeByteArray(VALUE_TYPE, type);
        });
  }

  private interface Body {
    void write(CodedOutputStream c) throws IOException;
  }

  private static byte[] encode(Body body) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream c = CodedOutputStream.newInstance(bytes);
      body.write(c);
      c.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array stream does not fail
    }
  }

  // ---------------------------------------------------------------- reading

  /**
   * Decodes a {@code ModelProto}.
   *
   * @throws IOException when the bytes are not a well-formed message
   */
  static OnnxModel readModel(byte[] bytes) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    long ir = 0;
    String producer = "";
    List<Opset> opsets = new ArrayList<>();
    Graph g = null;
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case MODEL_IR_VERSION -> ir = in.readInt64();
        case MODEL_PRODUCER_NAME -> producer = in.readString();
        case MODEL_OPSET_IMPORT -> opsets.add(readOpset(in.readByteArray()));
        case MODEL_GRAPH -> {
          int limit = in.pushLimit(in.readRawVarint32());
          g = readGraph(in);
          in.popLimit(limit);
        }
        default -> in.skipField(tag);
      }
    }
    if (g == null) {
      throw new IOException("the model has no graph (field 7 of ModelProto)");
    }
    return new OnnxModel(
        ir, opsets, producer, g.name, g.nodes, g.initializers, g.inputs, g.outputs, g.valueInfo);
  }

  private static final class Graph {
    String name = "";
    final List<Node> nodes = new ArrayList<>();
    final List<Tensor> initializers = new ArrayList<>();
    final List<ValueInfo> inputs = new ArrayList<>();
    final List<ValueInfo> outputs = new ArrayList<>();
    final List<ValueInfo> valueInfo = new ArrayList<>();
  }

  private static Graph readGraph(CodedInputStream in) throws IOException {
    Graph g = new Graph();
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case GRAPH_NODE -> g.nodes.add(readNode(in.readByteArray()));
        case GRAPH_NAME -> g.name = in.readString();
        case GRAPH_INITIALIZER -> g.initializers.add(readTensor(in.readByteArray()));
        case GRAPH_INPUT -> g.inputs.add(readValueInfo(in.readByteArray()));
        case GRAPH_OUTPUT -> g.outputs.add(readValueInfo(in.readByteArray()));
        case GRAPH_VALUE_INFO -> g.valueInfo.add(readValueInfo(in.readByteArray()));
        default -> in.skipField(tag);
      }
    }
    return g;
  }

  private static Opset readOpset(byte[] bytes) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    String domain = "";
    long version = 0;
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case OPSET_DOMAIN -> domain = in.readString();
        case OPSET_VERSION -> version = in.readInt64();
        default -> in.skipField(tag);
      }
    }
    return new Opset(domain, version);
  }

  private static Node readNode(byte[] bytes) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    List<Attribute> attrs = new ArrayList<>();
    String name = "";
    String op = "";
    String domain = "";
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case NODE_INPUT -> inputs.add(in.readString());
        case NODE_OUTPUT -> outputs.add(in.readString());
        case NODE_NAME -> name = in.readString();
        case NODE_OP_TYPE -> op = in.readString();
        case NODE_ATTRIBUTE -> attrs.add(readAttribute(in.readByteArray()));
        case NODE_DOMAIN -> domain = in.readString();
        default -> in.skipField(tag);
      }
    }
    return new Node(name, op, domain, inputs, outputs, attrs);
  }

  private static Attribute readAttribute(byte[] bytes) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    String name = "";
    int type = 0;
    float f = 0;
    long i = 0;
    String s = "";
    List<Float> floats = new ArrayList<>();
    List<Long> ints = new ArrayList<>();
    int tag;
    while ((tag = in.readTag()) != 0) {
      int wire = WireFormat.getTagWireType(tag);
      switch (WireFormat.getTagFieldNumber(tag)) {
        case ATTR_NAME -> name = in.readString();
        case ATTR_TYPE -> type = in.readEnum();
        case ATTR_F -> f = in.readFloat();
        case ATTR_I -> i = in.readInt64();
        case ATTR_S -> s = in.readString();
        case ATTR_FLOATS -> {
          if (wire == LEN) {
            int limit = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) {
              floats.add(in.readFloat());
            }
            in.popLimit(limit);
          } else {
            floats.add(in.readFloat());
          }
        }
        case ATTR_INTS -> {
          if (wire == LEN) {
            int limit = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) {
              ints.add(in.readInt64());
            }
            in.popLimit(limit);
          } else {
            ints.add(in.readInt64());
          }
        }
        default -> in.skipField(tag);
      }
    }
    if (type == 0) { // IR < 3 files leave the type out; guess it from the field present
      type =
          !ints.isEmpty()
              ? Attribute.TYPE_INTS
              : !floats.isEmpty()
                  ? Attribute.TYPE_FLOATS
                  : !s.isEmpty() ? Attribute.TYPE_STRING : i != 0 ? Attribute.TYPE_INT : 0;
    }
    return new Attribute(name, type, f, i, s, floats, ints, bytes);
  }

  private static Tensor readTensor(byte[] bytes) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    List<Long> dims = new ArrayList<>();
    int dataType = 0;
    String name = "";
    int tag;
    while ((tag = in.readTag()) != 0) {
      int wire = WireFormat.getTagWireType(tag);
      switch (WireFormat.getTagFieldNumber(tag)) {
        case TENSOR_DIMS -> {
          if (wire == LEN) {
            int limit = in.pushLimit(in.readRawVarint32());
            while (in.getBytesUntilLimit() > 0) {
              dims.add(in.readInt64());
            }
            in.popLimit(limit);
          } else {
            dims.add(in.readInt64());
          }
        }
        case TENSOR_DATA_TYPE -> dataType = in.readInt32();
        case TENSOR_NAME -> name = in.readString();
        default -> in.skipField(tag);
      }
    }
    return new Tensor(name, dataType, dims, bytes);
  }

  /**
   * The tensor of an encoded {@code TENSOR} attribute (a {@code Constant} node's value), or null.
   */
  static Tensor attributeTensor(byte[] encodedAttribute) {
    if (encodedAttribute == null) {
      return null;
    }
    try {
      CodedInputStream in = CodedInputStream.newInstance(encodedAttribute);
      int tag;
      while ((tag = in.readTag()) != 0) {
        if (WireFormat.getTagFieldNumber(tag) == ATTR_T) {
          return readTensor(in.readByteArray());
        }
        in.skipField(tag);
      }
      return null;
    } catch (IOException e) {
      throw new IllegalStateException("malformed attribute: " + e.getMessage(), e);
    }
  }

  /**
   * The values of a FLOAT, INT32 or INT64 tensor as doubles (from {@code raw_data} or the typed
   * field), or null for another type or a count that does not match its dims.
   */
  static double[] decodeNumbers(Tensor t) {
    int count = (int) t.elements();
    if (t.dataType() == OnnxModel.INT64) {
      long[] v = decodeInt64Values(t.encoded(), count);
      double[] d = new double[count];
      for (int i = 0; i < count; i++) {
        d[i] = v[i];
      }
      return d;
    }
    if (t.dataType() != OnnxModel.FLOAT && t.dataType() != INT32) {
      return null;
    }
    boolean isFloat = t.dataType() == OnnxModel.FLOAT;
    try {
      CodedInputStream in = CodedInputStream.newInstance(t.encoded());
      double[] out = new double[count];
      int n = 0;
      int tag;
      int typed = isFloat ? TENSOR_FLOAT_DATA : TENSOR_INT32_DATA;
      while ((tag = in.readTag()) != 0) {
        int field = WireFormat.getTagFieldNumber(tag);
        if (field == TENSOR_RAW_DATA) {
          ByteBuffer b = ByteBuffer.wrap(in.readByteArray()).order(ByteOrder.LITTLE_ENDIAN);
          while (b.remaining() >= 4 && n < count) {
            out[n++] = isFloat ? b.getFloat() : b.getInt();
          }
        } else if (field == typed && WireFormat.getTagWireType(tag) == LEN) {
          int limit = in.pushLimit(in.readRawVarint32());
          while (in.getBytesUntilLimit() > 0 && n < count) {
            out[n++] = isFloat ? in.readFloat() : in.readInt32();
          }
          in.popLimit(limit);
        } else if (field == typed) {
          double v = isFloat ? in.readFloat() : in.readInt32();
          if (n < count) {
            out[n++] = v;
          }
        } else {
          in.skipField(tag);
        }
      }
      return n == count ? out : null;
    } catch (IOException e) {
      throw new IllegalStateException("malformed tensor: " + e.getMessage(), e);
    }
  }

  private static final int INT32 = 6;

  /** The INT64 values of an encoded tensor, from {@code raw_data} or {@code int64_data}. */
  static long[] decodeInt64Values(byte[] encoded, int count) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(encoded);
      long[] out = new long[count];
      int n = 0;
      int tag;
      while ((tag = in.readTag()) != 0) {
        int field = WireFormat.getTagFieldNumber(tag);
        if (field == TENSOR_RAW_DATA) {
          ByteBuffer b = ByteBuffer.wrap(in.readByteArray()).order(ByteOrder.LITTLE_ENDIAN);
          while (b.remaining() >= 8 && n < count) {
            out[n++] = b.getLong();
          }
        } else if (field == TENSOR_INT64_DATA && WireFormat.getTagWireType(tag) == LEN) {
          int limit = in.pushLimit(in.readRawVarint32());
          while (in.getBytesUntilLimit() > 0 && n < count) {
            out[n++] = in.readInt64();
          }
          in.popLimit(limit);
        } else if (field == TENSOR_INT64_DATA) {
          long v = in.readInt64();
          if (n < count) {
            out[n++] = v;
          }
        } else {
          in.skipField(tag);
        }
      }
      if (n != count) {
        throw new IllegalStateException("tensor holds " + n + " INT64 values, expected " + count);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("malformed tensor: " + e.getMessage(), e);
    }
  }

  private static ValueInfo readValueInfo(byte[] bytes) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    String name = "";
    int[] elem = {0};
    List<Dim> dims = new ArrayList<>();
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case VALUE_NAME -> name = in.readString();
        case VALUE_TYPE -> readType(in.readByteArray(), elem, dims);
        default -> in.skipField(tag);
      }
    }
    return new ValueInfo(name, elem[0], dims);
  }

  private static void readType(byte[] bytes, int[] elem, List<Dim> dims) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (WireFormat.getTagFieldNumber(tag) != TYPE_TENSOR) {
        in.skipField(tag); // sequences, maps, optionals: no shape for the inspector
        continue;
      }
      CodedInputStream t = CodedInputStream.newInstance(in.readByteArray());
      int ttag;
      while ((ttag = t.readTag()) != 0) {
        switch (WireFormat.getTagFieldNumber(ttag)) {
          case TENSOR_TYPE_ELEM -> elem[0] = t.readInt32();
          case TENSOR_TYPE_SHAPE -> {
            CodedInputStream s = CodedInputStream.newInstance(t.readByteArray());
            int stag;
            while ((stag = s.readTag()) != 0) {
              if (WireFormat.getTagFieldNumber(stag) != SHAPE_DIM) {
                s.skipField(stag);
                continue;
              }
              dims.add(readDim(s.readByteArray()));
            }
          }
          default -> t.skipField(ttag);
        }
      }
    }
  }

  private static Dim readDim(byte[] bytes) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    Dim d = Dim.param("?");
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case DIM_VALUE -> d = Dim.of(in.readInt64());
        case DIM_PARAM -> d = Dim.param(in.readString());
        default -> in.skipField(tag);
      }
    }
    return d;
  }
}
