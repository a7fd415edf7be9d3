package io.inferwatt.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModelNameTest {

  @Test
  void everyFormParsesAndWritesItsNameBack() {
    for (String name :
        new String[] {
          "mobilenetv2", "resnet18-prefix5", "mobilenetv2-layer12", "conv-k3-s2-c16x32-112x112"
        }) {
      assertThat(ModelName.parse(name))
          .hasValueSatisfying(m -> assertThat(m.name()).isEqualTo(name));
    }
    assertThat(ModelName.parse("conv-k3-s2-c16x32-112x100"))
        .contains(new ModelName.Conv(3, 2, 16, 32, 112, 100));
    assertThat(ModelName.parse("resnet18-prefix5")).contains(new ModelName.Prefix("resnet18", 5));
    assertThat(ModelName.parse("resnet18-layer0")).contains(new ModelName.Layer("resnet18", 0));
  }

  @Test
  void anythingElseHasNoForm() {
    assertThat(ModelName.parse(null)).isEmpty();
    assertThat(ModelName.parse("")).isEmpty();
    assertThat(ModelName.parse("MobileNet V2")).isEmpty();
    assertThat(ModelName.parse("conv-k3-s1-c3x8")).isEmpty();
    // a number that no int holds is no name, not an overflow
    assertThat(ModelName.parse("conv-k99999999999-s1-c3x8-8x8")).isEmpty();
  }
}
