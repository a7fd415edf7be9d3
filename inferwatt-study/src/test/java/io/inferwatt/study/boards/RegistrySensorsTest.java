package io.inferwatt.study.boards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.hardware.sensors.BoardSensors;
import io.inferwatt.hardware.sensors.Reading;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry's boards found through {@code ServiceLoader}, as the measurement API finds them. */
class RegistrySensorsTest {

  @TempDir Path root;

  @Test
  void theVirtualNanoIsFoundByNameAsOneSimulatedLiveSource() throws Exception {
    BoardSensors.Found f = BoardSensors.open("sim:nano", root);
    try (var d = f.sensors()) {
      assertThat(f.board()).isEqualTo("sim:nano");
      assertThat(f.simulated()).isTrue();
      assertThat(d.present()).hasSize(1);
      Thread.sleep(5);
      Reading r = d.present().get(0).read();
      assertThat(r.powerMw()[0]).isGreaterThan(r.powerMw()[2]).isPositive();
    }
    BoardSensors.Found local = BoardSensors.open("local", root);
    try (var d = local.sensors()) {
      assertThat(local.simulated()).isFalse();
      assertThat(d.present()).isEmpty(); // an empty tree has no sensor
    }
  }

  @Test
  void anUnknownBoardNamesTheKnownOnes() {
    assertThatThrownBy(() -> BoardSensors.open("sim:nanoo", root))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("board 'sim:nanoo' is not known")
        .hasMessageContaining("sim:nano")
        .hasMessageContaining("local");
  }
}
