package io.inferwatt.hardware.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LogHistogramTest {

  @Test
  void quantilesWithinThreePercent() {
    LogHistogram h = new LogHistogram();
    for (long v = 1; v <= 100_000; v++) {
      h.add(v * 1000);
    }
    assertThat(h.count()).isEqualTo(100_000);
    assertThat(h.mean()).isCloseTo(50_000_500.0, within(1.0));
    assertThat(h.quantile(0.5)).isCloseTo(50_000_000.0, within(1_500_000.0));
    assertThat(h.quantile(0.99)).isCloseTo(99_000_000.0, within(3_000_000.0));
  }

  @Test
  void smallValuesAreExactAndEmptyIsNaN() {
    LogHistogram h = new LogHistogram();
    assertThat(h.quantile(0.5)).isNaN();
    h.add(3);
    h.add(5);
    assertThat(h.quantile(1.0)).isEqualTo(5.0);
    assertThat(h.copy().quantile(0.5)).isEqualTo(3.0);
  }
}
