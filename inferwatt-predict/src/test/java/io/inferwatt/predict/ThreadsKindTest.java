package io.inferwatt.predict;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.core.BadInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Training runs at a chosen ONNX Runtime thread count and at the engine's own are not mixed. */
class ThreadsKindTest {

  @Test
  void runsAllWithOrAllWithoutThreadsAreFitted() {
    assertThatCode(
            () ->
                Fitter.requireOneThreadsKind(
                    List.of(Map.of("threads", "1", "batch", "1"), Map.of("threads", "2"))))
        .doesNotThrowAnyException();
    assertThatCode(
            () -> Fitter.requireOneThreadsKind(List.of(Map.of("batch", "1"), Map.of("batch", "2"))))
        .doesNotThrowAnyException();
  }

  @Test
  void aRunWithoutThreadsBesideRunsWithIsRefusedWithTheCounts() {
    assertThatThrownBy(
            () ->
                Fitter.requireOneThreadsKind(
                    List.of(Map.of("threads", "1"), Map.of("threads", "1"), Map.of("batch", "1"))))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(
            "2 of the 3 training runs were measured at a chosen ONNX Runtime thread count"
                + " (setting threads) and 1 at the engine's own");
  }
}
