package io.inferwatt.engines.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The derivation of layer lists from ONNX graphs. Before the hand-written lists of {@link Zoo} were
 * deleted, this test compared the derived list of each of the four networks with them, layer by
 * layer, and found them equal; {@code ZooTest} checks the derived lists against the published
 * parameter and MAC counts.
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
}
