package io.inferwatt.engines.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.engines.onnx.OnnxModel.Attribute;
import io.inferwatt.engines.onnx.OnnxModel.Dim;
import io.inferwatt.engines.onnx.OnnxModel.Node;
import io.inferwatt.engines.onnx.OnnxModel.Opset;
import io.inferwatt.engines.onnx.OnnxModel.Tensor;
import io.inferwatt.engines.onnx.OnnxModel.ValueInfo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The derivation of layer lists from any ONNX graph. When it replaced the derivation from {@code
 * <layer>/<Op>} node names, the four built-in networks were derived both ways and every layer was
 * equal; {@code ZooTest} checks the derived lists against the published parameter and MAC counts.
 * Here: graphs as PyTorch's exporter writes them (symbolic batch, shape arithmetic, unnamed layers,
 * Swish as {@code x·Sigmoid(x)}).
 */
class LayerGraphTest {

  @Test
  void aNodeWithoutLayerNameIsALayerOfItsOwn() {
    // one depthwise 3×3 convolution, stride 2, 8 channels at 16×16, no bias
    NetworkSpec n = LayerGraph.derive(Networks.conv(3, 2, 8, 8, 16, 8, 1));
    assertThat(n.layers()).hasSize(2);
    assertThat(n.layers().get(0))
        .isEqualTo(
            new LayerSpec(
                "input_reformat",
                "Reformat",
                List.of(8, 16, 16),
                List.of(8, 16, 16),
                0,
                0,
                0,
                0,
                0));
    LayerSpec c = n.layers().get(1);
    assertThat(c.type()).isEqualTo("DepthwiseConv");
    assertThat(c.outputShape()).containsExactly(8, 8, 8);
    assertThat(c.macs()).isEqualTo(3L * 3 * 8 * 8 * 8);
    assertThat(c.params()).isEqualTo(3L * 3 * 8);
  }

  @Test
  void aConvolutionFusesItsBatchNormAndActivation() {
    NetworkSpec n = LayerGraph.derive(Networks.structure("mobilenetv2"));
    LayerSpec stem = n.layers().get(1);
    assertThat(stem.name()).isEqualTo("conv0");
    // 3×3×3×32 weights, and the batch norm's scale and shift (not its running statistics)
    assertThat(stem.params()).isEqualTo(3L * 3 * 3 * 32 + 2 * 32);
    assertThat(n.layers().stream().map(LayerSpec::type))
        .doesNotContain("BatchNormalization", "Clip", "Relu");
  }

  @Test
  void eachLayerNamesTheNodesItCoversAndEveryComputingNodeIsInExactlyOne() {
    OnnxModel m = Networks.structure("mobilenetv2");
    LayerGraph.Covered c = LayerGraph.covered(m, "mobilenetv2");
    assertThat(c.network()).isEqualTo(LayerGraph.derive(m, "mobilenetv2"));
    assertThat(c.nodes()).hasSize(c.network().layers().size());
    assertThat(c.nodes().get(0)).isEmpty(); // the input reformat
    assertThat(c.nodes().get(1).stream().map(i -> m.nodes().get(i).name()))
        .containsExactly("conv0/Conv", "conv0/BatchNormalization", "conv0/Clip");
    List<Integer> all = new ArrayList<>();
    c.nodes().forEach(all::addAll);
    assertThat(all).doesNotHaveDuplicates().hasSize(m.nodes().size());
  }

  /** A graph as {@code torch.onnx.export(..., dynamic_axes={"x": {0: "batch"}})} writes it. */
  static OnnxModel exported() {
    List<Node> n = new ArrayList<>();
    List<Tensor> init = new ArrayList<>();
    init.add(Tensor.floats("w", List.of(16L, 3L, 3L, 3L), new float[16 * 27]));
    init.add(Tensor.floats("b", List.of(16L), new float[16]));
    for (String p : List.of("scale", "shift", "mean", "var")) {
      init.add(Tensor.floats(p, List.of(16L), new float[16]));
    }
    init.add(Tensor.floats("fc.w", List.of(16L, 10L), new float[160]));
    init.add(Tensor.floats("fc.b", List.of(10L), new float[10]));
    init.add(Tensor.int64s("zero", List.of(1L), new long[] {0}));
    init.add(Tensor.int64s("minus1", List.of(1L), new long[] {-1}));
    n.add(
        node(
            "/conv/Conv",
            "Conv",
            List.of("x", "w", "b"),
            "c",
            Attribute.ofInts("kernel_shape", 3, 3),
            Attribute.ofInts("pads", 1, 1, 1, 1),
            Attribute.ofInts("strides", 2, 2)));
    n.add(
        node(
            "/bn/BatchNormalization",
            "BatchNormalization",
            List.of("c", "scale", "shift", "mean", "var"),
            "bn"));
    n.add(node("/act/Sigmoid", "Sigmoid", List.of("bn"), "sg"));
    n.add(node("/act/Mul", "Mul", List.of("bn", "sg"), "sw"));
    n.add(node("/pool/GlobalAveragePool", "GlobalAveragePool", List.of("sw"), "gp"));
    // flatten through shape arithmetic: Reshape(gp, Concat(Gather(Shape(gp), 0), [-1]))
    n.add(node("/Shape", "Shape", List.of("gp"), "shape"));
    n.add(node("/Gather", "Gather", List.of("shape", "zero"), "batch"));
    n.add(
        node(
            "/Concat", "Concat", List.of("batch", "minus1"), "target", Attribute.ofInt("axis", 0)));
    n.add(node("/Reshape", "Reshape", List.of("gp", "target"), "flat"));
    n.add(node("/fc/MatMul", "MatMul", List.of("flat", "fc.w"), "mm"));
    n.add(node("/fc/Add", "Add", List.of("mm", "fc.b"), "logits"));
    n.add(node("", "Softmax", List.of("logits"), "y", Attribute.ofInt("axis", -1)));
    return new OnnxModel(
        7,
        List.of(new Opset("", 13)),
        "pytorch",
        "exported",
        n,
        init,
        List.of(
            new ValueInfo(
                "x",
                OnnxModel.FLOAT,
                List.of(Dim.param("batch"), Dim.of(3), Dim.of(32), Dim.of(32)))),
        List.of(new ValueInfo("y", OnnxModel.FLOAT, List.of(Dim.param("batch"), Dim.of(10)))),
        List.of());
  }

  private static Node node(String name, String op, List<String> in, String out, Attribute... a) {
    return new Node(name, op, "", in, List.of(out), List.of(a));
  }

  @Test
  void anExportedGraphWithASymbolicBatchIsDerivedPerInput() {
    NetworkSpec n = LayerGraph.derive(exported());
    assertThat(n.layers().stream().map(LayerSpec::type))
        .containsExactly("Reformat", "Conv", "Pool", "Shuffle", "Gemm", "Softmax");
    LayerSpec conv = n.layers().get(1);
    assertThat(conv.name()).isEqualTo("/conv");
    assertThat(conv.inputShape()).containsExactly(3, 32, 32);
    assertThat(conv.outputShape()).containsExactly(16, 16, 16);
    // Conv + BatchNormalization + Swish in one layer: weights, bias, BN scale and shift
    assertThat(conv.params()).isEqualTo(16L * 27 + 16 + 2 * 16);
    assertThat(conv.macs()).isEqualTo(16L * 27 * 16 * 16);
    assertThat(conv.kernel()).isEqualTo(3);
    assertThat(conv.stride()).isEqualTo(2);
    LayerSpec flat = n.layers().get(3);
    assertThat(flat.outputShape()).containsExactly(16);
    LayerSpec fc = n.layers().get(4);
    assertThat(fc.macs()).isEqualTo(160);
    assertThat(fc.params()).isEqualTo(170); // MatMul weight and its bias Add
    assertThat(n.layers().get(5).name()).isEqualTo("Softmax_11");
  }

  @Test
  void theInspectorCountsMacsOfASymbolicBatchPerInput() {
    ModelSummary s = OnnxInspector.inspect(exported());
    assertThat(s.macs()).isEqualTo(16L * 27 * 16 * 16 + 160);
    assertThat(s.inputs().get(0).dims()).containsExactly(-1L, 3L, 32L, 32L);
  }

  @Test
  void anOperatorNoLayerIsDerivedFromIsNamedWithItsNode() {
    OnnxModel m = exported();
    List<Node> nodes = new ArrayList<>(m.nodes());
    nodes.set(4, node("/pool/Weird", "NonMaxSuppression", List.of("sw"), "gp"));
    OnnxModel bad =
        new OnnxModel(
            m.irVersion(),
            m.opsets(),
            m.producerName(),
            m.graphName(),
            nodes,
            m.initializers(),
            m.inputs(),
            m.outputs(),
            m.valueInfo());
    assertThatThrownBy(() -> LayerGraph.derive(bad))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(
            "model exported: node /pool/Weird (#4) has op NonMaxSuppression, which no layer is"
                + " derived from (supported: ");
  }

  @Test
  void aSymbolicSizeOtherThanTheBatchIsRefused() {
    OnnxModel m = exported();
    OnnxModel bad =
        new OnnxModel(
            m.irVersion(),
            m.opsets(),
            m.producerName(),
            m.graphName(),
            m.nodes(),
            m.initializers(),
            List.of(
                new ValueInfo(
                    "x",
                    OnnxModel.FLOAT,
                    List.of(Dim.param("batch"), Dim.of(3), Dim.param("h"), Dim.of(32)))),
            m.outputs(),
            m.valueInfo());
    assertThatThrownBy(() -> LayerGraph.derive(bad))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("symbolic size other than the batch");
  }

  /** The layer named {@code name} of {@code net}. */
  private static LayerSpec named(NetworkSpec net, String name) {
    return net.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void aLayerSaysWhichActivationItApplies() {
    NetworkSpec eff = LayerGraph.derive(Networks.build("efficientnetb0-w0.25-r64", 7), "e");
    NetworkSpec v3 = LayerGraph.derive(Networks.build("mobilenetv3large-w0.5-r64", 7), "m");
    NetworkSpec res = LayerGraph.derive(Networks.build("resnet18-w0.25-r64", 7), "r");
    // Swish (x·Sigmoid(x)) after a convolution, and the squeeze-excitation's gate
    assertThat(eff.layers())
        .filteredOn(l -> l.type().equals("DepthwiseConv"))
        .allMatch(l -> l.activation().equals("Swish"));
    assertThat(eff.layers()).anyMatch(l -> l.activation().equals("Sigmoid"));
    assertThat(v3.layers()).anyMatch(l -> l.activation().equals("HardSwish"));
    assertThat(v3.layers()).anyMatch(l -> l.activation().equals("HardSigmoid"));
    // a projection carries none; a ResNet's convolutions and its additions a ReLU
    assertThat(eff.layers())
        .filteredOn(l -> l.name().endsWith("project"))
        .isNotEmpty()
        .allMatch(l -> l.activation().isEmpty());
    assertThat(res.layers())
        .filteredOn(l -> l.type().equals("Add"))
        .isNotEmpty()
        .allMatch(l -> l.activation().equals("Relu"));
    assertThat(res.layers().get(0).activation()).isEmpty(); // the input reformat
  }

  @Test
  void aResidualAdditionNamesTheConvolutionItCanRunIn() {
    NetworkSpec res = LayerGraph.derive(Networks.build("resnet18-w0.25-r64", 7), "r");
    List<LayerSpec> adds = res.layers().stream().filter(l -> l.type().equals("Add")).toList();
    assertThat(adds).hasSize(8);
    for (LayerSpec a : adds) {
      LayerSpec conv = named(res, a.sumInto());
      assertThat(conv.type()).isEqualTo("Conv");
      assertThat(conv.activation()).isEmpty();
      assertThat(conv.outputShape()).isEqualTo(a.outputShape());
    }
    // a convolution with an activation, or a tensor used twice, takes no addition in
    NetworkSpec plain = LayerGraph.derive(Networks.build("mobilenetv1-w0.25-r64", 7), "p");
    assertThat(plain.layers()).allMatch(l -> l.sumInto().isEmpty());
  }
}
