package io.inferwatt.engines.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.engines.onnx.Networks;
import org.junit.jupiter.api.Test;

/**
 * Both model builders refuse a layer that does not fit its input or any int-sized tensor with the
 * reason, before allocating anything: {@code conv-k99999-...} and 10⁵ channels are refused in
 * milliseconds, not by an {@code ArithmeticException} or an {@code OutOfMemoryError}.
 */
class LayerLimitsTest {

  @Test
  void theLayerListRefusesAKernelOfTheWeightsNoTensorCanHold() {
    assertThatThrownBy(() -> Zoo.singleConv(99_999, 1, 3, 16, 224, 224))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "conv-k99999-s1-c3x16-224x224, layer conv: the weights would hold 16×3×99999×99999 ="
                + " 4.80e+11 values, more than one tensor can (2147483639); use a smaller kernel or"
                + " input, or fewer channels");
  }

  @Test
  void theLayerListRefusesAbsurdChannelsAndKernelsThatDoNotFit() {
    assertThatThrownBy(() -> Zoo.singleConv(3, 1, 3, 100_000, 224, 224))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "conv-k3-s1-c3x100000-224x224, layer conv: output channels 100000 is not in 1..65536");
    assertThatThrownBy(() -> Zoo.singleConv(3, 1, 100_000, 3, 224, 224))
        .hasMessageStartingWith("conv-k3-s1-c100000x3-224x224: input channels 100000");
    // "same" padding of an even kernel is (k-1)/2: a 4×4 kernel on a 1×1 input padded by 1
    assertThatThrownBy(() -> Zoo.singleConv(4, 1, 3, 3, 1, 1))
        .hasMessage(
            "conv-k4-s1-c3x3-1x1, layer conv: kernel 4 does not fit the 1x1 input padded to 3x3;"
                + " use a kernel of at most 3");
    // 3 × 30 000 × 30 000 = 2.7·10⁹ input values
    assertThatThrownBy(() -> Zoo.singleConv(1, 1, 3, 3, 30_000, 30_000))
        .hasMessageContaining("the input would hold 1×3×30000×30000 = 2.70e+09 values");
    // at the limits it builds
    assertThat(Zoo.singleConv(5, 1, 3, 65_536, 8, 8).layers().get(1).outputShape())
        .containsExactly(65_536, 8, 8);
    assertThat(Zoo.singleConv(3, 1, 3, 3, 1, 1).layers()).hasSize(2);
  }

  @Test
  void theOnnxBuilderSaysWhyInsteadOfIntegerOverflow() {
    assertThatThrownBy(() -> Networks.conv(99_999, 1, 3, 16, 224, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "conv-k99999-s1-i3-o16-hw224, Conv_0: the weights would hold 16×3×99999×99999 ="
                + " 4.80e+11 values, more than one tensor can (2147483639); use a smaller kernel or"
                + " input, or fewer channels");
    assertThatThrownBy(() -> Networks.conv(3, 1, 3, 100_000, 224, 1, 1))
        .hasMessageStartingWith(
            "conv-k3-s1-i3-o100000-hw224, Conv_0: output channels 100000 is not in 1..65536");
    // fits one tensor (2.1·10⁹ values) but not one ONNX file (8.5 GB)
    assertThatThrownBy(() -> Networks.conv(1, 1, 46_000, 46_000, 1, 1, 1))
        .hasMessageStartingWith("conv-k1-s1-i46000-o46000-hw1: the weights reach 8464000000 bytes")
        .hasMessageContaining("more than one ONNX file can hold (2147483647)");
    assertThatThrownBy(() -> Networks.layer("Gemm", 65_536, 0, 65_536, 1))
        .hasMessageContaining("the weights would hold 65536×65536");
  }
}
