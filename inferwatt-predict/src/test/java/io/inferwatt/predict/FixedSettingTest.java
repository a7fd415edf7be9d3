package io.inferwatt.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.core.BadInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A numeric setting every training run had at one value (ONNX Runtime's {@code threads} of a plan
 * measured at one thread): an input like the others, its value the default, and another value
 * refused rather than extrapolated.
 */
class FixedSettingTest {
  private static final FeatureSpace SPACE =
      FeatureSpace.of(
          List.of(
              Map.of("batch", "1", "threads", "1", "mode", "sync"),
              Map.of("batch", "4", "threads", "1", "mode", "sync")));

  @Test
  void aSingleValueIsANumericInputWhoseOtherValuesAreRefused() {
    assertThat(SPACE.numeric()).containsEntry("threads", true).containsEntry("batch", true);
    assertThat(SPACE.fixed()).containsExactly("threads");
    assertThat(SPACE.names()).contains("log_threads");
    assertThat(SPACE.resolve(Map.of())).containsEntry("threads", "1");
    assertThat(SPACE.resolve(Map.of("threads", "1.0"))).containsEntry("threads", "1.0");
    // a setting measured at several values is still interpolated (and extrapolated) as before
    assertThat(SPACE.resolve(Map.of("batch", "8"))).containsEntry("batch", "8");
    assertThatThrownBy(() -> SPACE.resolve(Map.of("threads", "2")))
        .isInstanceOf(BadInputException.class)
        .hasMessage(
            "setting threads=2 was never measured; the models know threads=1 only (every training"
                + " run had it), so they cannot tell what another value does");
  }

  @Test
  void theStoredModelsKeepItAndModelsStoredBeforeItRefuseNothing() {
    FeatureSpace back = FeatureSpace.fromJson(SPACE.toJson());
    assertThat(back).isEqualTo(SPACE);
    assertThatThrownBy(() -> back.resolve(Map.of("threads", "4")))
        .hasMessageContaining("threads=4 was never measured");
    var old = SPACE.toJson();
    old.remove("fixed");
    assertThat(FeatureSpace.fromJson(old).resolve(Map.of("threads", "4")))
        .containsEntry("threads", "4");
  }
}
