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
    float[] out =
        NetworksTest.runOnce(OnnxIo.toBytes(m), Networks.INPUT, new long[] {1, 3, 64, 64});
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

  /** torchvision's parameter counts (GoogLeNet without its auxiliary heads). */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
    "resnet34, 21797672",
    "resnet101, 44549160",
    "squeezenet, 1235496",
    "shufflenetv2, 2278604",
    "mnasnet, 4383312",
    "mobilenetv3small, 2542856",
    "mobilenetv3large, 5483032",
    "efficientnetb0, 5288548",
    "googlenet, 6624904",
    "regnetx400mf, 5495976",
    "densenet121, 7978856",
    "vgg11, 132863336",
    "vgg16, 138357544"
  })
  void atWidthOneThe224NetworksHaveTheirPublishedParameterCounts(String family, long params) {
    assertThat(OnnxInspector.inspect(Networks.structure(family)).parameters())
        .as(family)
        .isEqualTo(params);
  }
}
