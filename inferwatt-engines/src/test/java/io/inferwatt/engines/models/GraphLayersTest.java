package io.inferwatt.engines.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.engines.onnx.Networks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GraphLayersTest {

  @ParameterizedTest
  @ValueSource(strings = {"mobilenetv1", "mobilenetv2", "resnet18", "resnet50"})
  void theLayersDerivedFromTheGraphAreTheHandWrittenOnes(String name) {
    NetworkSpec derived = GraphLayers.derive(Networks.structure(name));
    NetworkSpec written = Zoo.network(name);
    assertThat(derived.layers()).hasSameSizeAs(written.layers());
    for (int i = 0; i < written.layers().size(); i++) {
      assertThat(derived.layers().get(i)).as("layer %d", i).isEqualTo(written.layers().get(i));
    }
    assertThat(derived).isEqualTo(written);
  }
}
