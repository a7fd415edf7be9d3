package io.inferwatt.engines.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtException;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every network family builds at a small width and resolution, ONNX Runtime runs the file once (the
 * test that the graph is valid), and the layer derivation reads the same file: its MACs agree with
 * the inspector's per-node count and no BatchNormalization or activation is left unfused after a
 * convolution.
 */
class FamiliesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "squeezenet",
        "shufflenetv2",
        "mnasnet",
        "mobilenetv3small",
        "mobilenetv3large",
        "efficientnetb0",
        "googlenet",
        "regnetx400mf",
        "densenet121",
        "vgg11",
        "vgg16",
        "resnet34",
        "resnet101",
        "mobilenetv1",
        "mobilenetv2"
      })
  void eachFamilyRunsInOnnxRuntimeAndDerivesItsLayers(String family) throws OrtException {
    OnnxModel m = Networks.build(family, 3, 0.25, 64);
    float[] out = NetworksTest.runOnce(OnnxIo.toBytes(m), Networks.INPUT, new long[] {1, 3, 64, 64});
    assertThat(out).hasSize(1000);
    for (float v : out) {
      assertThat(Float.isFinite(v)).as(family).isTrue();
    }
    NetworkSpec n = LayerGraph.derive(m);
    assertThat(n.name()).isEqualTo(family + "-w0.25-r64");
    assertThat(n.inputShape()).containsExactly(3, 64, 64);
    assertThat(n.layers().get(0).type()).isEqualTo("Reformat");
    assertThat(n.macs()).isEqualTo(OnnxInspector.inspect(m).macs());
    assertThat(n.layers().get(n.layers().size() - 1).outputShape()).containsExactly(1000);
    // the structure (no weights) derives the same layers as the built file
    assertThat(LayerGraph.derive(Networks.structure(family + "-w0.25-r64")).layers())
        .isEqualTo(n.layers());
    for (LayerSpec l : n.layers()) {
      assertThat(l.macs()).as(l.name()).isGreaterThanOrEqualTo(0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"resnet34", "resnet101", "vgg16", "googlenet", "densenet121"})
  void atWidthOneThe224NetworksHaveTheirPublishedSize(String family) {
    NetworkSpec n = LayerGraph.derive(Networks.structure(family));
    long params = n.params();
    // torchvision: resnet34 21.80 M, resnet101 44.55 M, vgg16 138.36 M, googlenet 6.62 M
    // (without aux heads), densenet121 7.98 M
    double expected =
        switch (family) {
          case "resnet34" -> 21.80e6;
          case "resnet101" -> 44.55e6;
          case "vgg16" -> 138.36e6;
          case "googlenet" -> 6.62e6;
          default -> 7.98e6;
        };
    assertThat((double) params).as(family).isCloseTo(expected, org.assertj.core.data.Offset.offset(0.01 * expected));
  }
}
