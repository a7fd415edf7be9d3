package io.inferwatt.engines.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ZooTest {

  @ParameterizedTest(name = "{0}: {1} params, {2} MACs, {3} layers")
  @CsvSource({
    "mobilenetv1, 4231976, 568700000, 31",
    "mobilenetv2, 3504872, 300800000, 66",
    "resnet18, 11689512, 1814100000, 33",
    "resnet50, 25557032, 4089200000, 74"
  })
  void matchesThePublishedCounts(String name, long params, long macs, int layers) {
    NetworkSpec n = Zoo.network(name);
    assertThat(n.name()).isEqualTo(name);
    assertThat(n.params()).isEqualTo(params);
    assertThat((double) n.macs())
        .isCloseTo(macs, org.assertj.core.data.Percentage.withPercentage(0.1));
    assertThat(n.layers()).hasSize(layers);
  }

  @ParameterizedTest
  @CsvSource({"mobilenetv1", "mobilenetv2", "resnet18", "resnet50"})
  void isLaidOutAsAnEngineRunsIt(String name) {
    NetworkSpec n = Zoo.network(name);
    List<LayerSpec> l = n.layers();
    int last = l.size() - 1;
    assertThat(n.inputShape()).containsExactly(3, 224, 224);
    assertThat(l.get(0).type()).isEqualTo("Reformat");
    assertThat(l.get(0).inputShape()).containsExactly(3, 224, 224);
    assertThat(l.get(last).type()).isEqualTo("Gemm");
    assertThat(l.get(last).outputShape()).containsExactly(1000);
    assertThat(l.get(last - 1).type()).isEqualTo("Shuffle");
    assertThat(l.get(last - 2).type()).isEqualTo("Pool");
    assertThat(l.get(last - 2).inputShape().subList(1, 3)).containsExactly(7, 7);
    // shapes chain from layer to layer, except around residual branches
    for (int i = 1; i < l.size(); i++) {
      LayerSpec prev = l.get(i - 1);
      LayerSpec cur = l.get(i);
      if (!cur.name().endsWith("downsample") && !prev.name().endsWith("downsample")) {
        assertThat(cur.inputShape()).as(cur.name()).isEqualTo(prev.outputShape());
      }
    }
    assertThat(l.stream().map(LayerSpec::name).distinct().count()).isEqualTo(l.size());
    assertThat(l.stream().map(LayerSpec::type))
        .allMatch(
            t ->
                List.of("Reformat", "Conv", "DepthwiseConv", "Add", "Pool", "Shuffle", "Gemm")
                    .contains(t));
  }

  @Test
  void mobileNetV2HasTheTorchvisionBlocks() {
    NetworkSpec n = Zoo.network("mobilenetv2");
    assertThat(n.layers().stream().filter(l -> l.type().equals("Add")).count()).isEqualTo(10);
    assertThat(n.layers().stream().filter(l -> l.type().equals("DepthwiseConv")).count())
        .isEqualTo(17);
    LayerSpec stem = n.layers().get(1);
    assertThat(stem.kernel()).isEqualTo(3);
    assertThat(stem.stride()).isEqualTo(2);
    assertThat(stem.outputShape()).containsExactly(32, 112, 112);
    LayerSpec lastConv = n.layers().get(n.layers().size() - 4);
    assertThat(lastConv.outputShape()).containsExactly(1280, 7, 7);
  }

  @Test
  void resNetsUseProjectionShortcuts() {
    assertThat(
            Zoo.network("resnet18").layers().stream().filter(l -> l.name().endsWith("downsample")))
        .hasSize(3);
    assertThat(
            Zoo.network("resnet50").layers().stream().filter(l -> l.name().endsWith("downsample")))
        .hasSize(4);
    LayerSpec conv1 = Zoo.network("resnet50").layers().get(1);
    assertThat(conv1.kernel()).isEqualTo(7);
    assertThat(conv1.outputShape()).containsExactly(64, 112, 112);
  }

  @Test
  void theFastestLayersAreReformatAndShuffleSized() {
    NetworkSpec n = Zoo.network("mobilenetv2");
    LayerSpec shuffle = n.layers().get(n.layers().size() - 2);
    assertThat(shuffle.inputShape()).containsExactly(1280, 1, 1);
    assertThat(shuffle.outputShape()).containsExactly(1280);
    assertThat(shuffle.macs()).isZero();
    assertThat(shuffle.params()).isZero();
  }

  @Test
  void namesAreListedAndUnknownOnesRefused() {
    assertThat(Zoo.names())
        .contains("mobilenetv1", "mobilenetv2", "resnet18", "resnet50", "vgg16", "googlenet")
        .isSorted();
    assertThat(Zoo.network("MobileNetV2").name()).isEqualTo("mobilenetv2");
    assertThat(Zoo.network("mobilenetv2-w0.5-r160").name()).isEqualTo("mobilenetv2-w0.5-r160");
    assertThat(Zoo.network("mobilenetv2-w0.5-r160").inputShape()).containsExactly(3, 160, 160);
    assertThatThrownBy(() -> Zoo.network("alexnet"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alexnet")
        .hasMessageContaining("mobilenetv1, mobilenetv2");
  }

  @Test
  void singleConvKeepsTheSizeAtStrideOne() {
    NetworkSpec n = Zoo.singleConv(3, 1, 3, 16, 224, 224);
    assertThat(n.layers()).hasSize(2);
    assertThat(n.layers().get(0).type()).isEqualTo("Reformat");
    LayerSpec c = n.layers().get(1);
    assertThat(c.type()).isEqualTo("Conv");
    assertThat(c.outputShape()).containsExactly(16, 224, 224);
    assertThat(c.macs()).isEqualTo(3L * 3 * 3 * 16 * 224 * 224);
    assertThat(c.params()).isEqualTo(3L * 3 * 3 * 16 + 16);
    assertThat(Zoo.singleConv(5, 5, 3, 3, 224, 224).layers().get(1).outputShape())
        .containsExactly(3, 45, 45);
    assertThat(Zoo.singleConv(4, 1, 3, 3, 224, 224).layers().get(1).outputShape())
        .containsExactly(3, 224, 224);
    assertThatThrownBy(() -> Zoo.singleConv(0, 1, 3, 3, 224, 224))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void prefixTakesTheFirstLayers() {
    NetworkSpec full = Zoo.network("mobilenetv2");
    NetworkSpec p = Zoo.prefix(full, 3);
    assertThat(p.layers()).containsExactlyElementsOf(full.layers().subList(0, 3));
    assertThat(p.name()).isEqualTo("mobilenetv2-prefix3");
    assertThatThrownBy(() -> Zoo.prefix(full, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Zoo.prefix(full, 67))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1..66");
  }
}
