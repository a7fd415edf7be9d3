package io.inferwatt.hardware.sensors;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EpochToMonotonicTest {

  @Test
  void measuresOffsetFromTightestBracket() {
    long[] mono = {0};
    // the monotonic clock advances 100 ns per read; the epoch is monotonic + 1e18 ns
    EpochToMonotonic c =
        EpochToMonotonic.measure(() -> mono[0] += 100, () -> mono[0] + 1_000_000_000_000_000_000L);
    assertThat(c.offsetNs()).isEqualTo(1_000_000_000_000_000_000L - 50);
    assertThat(c.uncertaintyNs()).isEqualTo(50 + 1_000);
    assertThat(c.epochMicrosToMonotonicNs(1_000_000_000_000_000L + 7)).isEqualTo(7_000 + 50);
  }

  @Test
  void realClocksAgreeRoughly() {
    EpochToMonotonic c = EpochToMonotonic.measure();
    long nowUs = java.time.Instant.now().toEpochMilli() * 1000;
    assertThat(Math.abs(c.epochMicrosToMonotonicNs(nowUs) - System.nanoTime()))
        .isLessThan(50_000_000L);
  }
}
