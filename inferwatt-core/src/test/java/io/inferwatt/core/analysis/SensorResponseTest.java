package io.inferwatt.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.inferwatt.core.BadInputException;
import org.junit.jupiter.api.Test;

class SensorResponseTest {

  @Test
  void parsesAndWritesEveryShape() {
    assertThat(SensorResponse.parse("instant")).isEqualTo(SensorResponse.INSTANT);
    assertThat(SensorResponse.parse("boxcar:1.1ms")).isEqualTo(SensorResponse.boxcar(1_100_000));
    assertThat(SensorResponse.parse("lowpass:500us")).isEqualTo(SensorResponse.lowPass(500_000));
    SensorResponse both = SensorResponse.parse("boxcar:1.1ms+lowpass:0.5ms");
    assertThat(both).isEqualTo(new SensorResponse(1_100_000, 500_000));
    assertThat(both.kind()).isEqualTo("boxcar+lowpass");
    assertThat(both.spec()).isEqualTo("boxcar:1.1ms+lowpass:0.5ms");
    assertThat(SensorResponse.parse(both.spec())).isEqualTo(both);
  }

  @Test
  void refusesWhatItCannotRead() {
    for (String bad :
        new String[] {"boxcar", "boxcar:1.1", "lowpass:-1ms", "rc:1ms", "lowpass:1ms+boxcar:1ms"}) {
      assertThatThrownBy(() -> SensorResponse.parse(bad))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("sensor response");
    }
  }

  @Test
  void cumulativeWeightsRiseFromZeroToOne() {
    SensorResponse box = SensorResponse.boxcar(1_000_000);
    assertThat(box.cumulative(500_000)).isCloseTo(0.5, within(1e-12));
    SensorResponse low = SensorResponse.lowPass(1_000_000);
    assertThat(low.cumulative(1_000_000)).isCloseTo(1 - Math.exp(-1), within(1e-12));
    SensorResponse both = new SensorResponse(1_000_000, 500_000);
    // the series filter's weights integrate numerically to its cumulative response
    double sum = 0;
    int n = 200_000;
    double dt = 10_000_000.0 / n;
    for (int i = 0; i < n; i++) {
      double s = (i + 0.5) * dt;
      // density of boxcar ⊛ exponential at s
      double h =
          s < 1e6
              ? -Math.expm1(-s / 5e5) / 1e6
              : (Math.exp(-(s - 1e6) / 5e5) - Math.exp(-s / 5e5)) / 1e6;
      sum += h * dt;
      if (i == n / 4 - 1) {
        assertThat(both.cumulative(s + dt / 2)).isCloseTo(sum, within(1e-6));
      }
    }
    assertThat(both.cumulative(10_000_000)).isCloseTo(sum, within(1e-6));
    assertThat(both.cumulative(1e12)).isCloseTo(1, within(1e-12));
  }
}
