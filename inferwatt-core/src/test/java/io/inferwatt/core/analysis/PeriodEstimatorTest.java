package io.inferwatt.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PeriodEstimatorTest {

  /** The selection gives the median a sort gives, odd and even counts, with many ties. */
  @Test
  void medianEqualsTheSortedMiddle() {
    Random rnd = new Random(3);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + rnd.nextInt(300);
      long[] v = new long[n];
      PeriodEstimator p = new PeriodEstimator();
      for (int i = 0; i < n; i++) {
        v[i] = 1_600_000 + rnd.nextInt(trial % 2 == 0 ? 5 : 100_000);
        p.add(v[i]);
      }
      Arrays.sort(v);
      double expected = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
      assertThat(p.medianNs()).isEqualTo(expected);
    }
    assertThat(new PeriodEstimator().medianNs()).isNaN();
  }
}
