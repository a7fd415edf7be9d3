package io.inferwatt.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Means and their 95 % confidence intervals against values worked out by hand (sample standard
 * deviation, Student's t from a printed table), not against the formula the code uses.
 */
class EstimateTest {

  @Test
  void fiveValuesGiveTheTextbookInterval() {
    // 1..5: mean 3, sample variance 10 / 4 = 2.5, standard error sqrt(2.5 / 5) = 0.70711;
    // t(0.975, 4 degrees of freedom) = 2.776 (table): half width 1.96293
    RunningStats s = new RunningStats();
    for (double x : new double[] {5, 3, 1, 4, 2}) {
      s.add(x);
    }
    Estimate e = s.estimate();
    assertThat(e.n()).isEqualTo(5);
    assertThat(e.mean()).isCloseTo(3, within(1e-12));
    assertThat(e.ci95Low()).isCloseTo(1.03707, within(1e-4));
    assertThat(e.ci95High()).isCloseTo(4.96293, within(1e-4));
  }

  @Test
  void largeOffsetsDoNotLoseTheVariance() {
    // 10^9 + {4, 7, 13, 16}: mean 10^9 + 10, deviations −6, −3, 3, 6, variance 90 / 3 = 30,
    // standard error sqrt(30 / 4) = 2.73861; t(0.975, 3) = 3.182: half width 8.71425
    RunningStats s = new RunningStats();
    for (double x : new double[] {4, 7, 13, 16}) {
      s.add(1e9 + x);
    }
    Estimate e = s.estimate();
    assertThat(e.mean()).isCloseTo(1e9 + 10, within(1e-6));
    assertThat(e.ci95High() - e.mean()).isCloseTo(8.71425, within(1e-3));
  }

  @Test
  void oneValueHasNoIntervalAndNoneIsNotMeasured() {
    RunningStats one = new RunningStats();
    one.add(42);
    assertThat(one.estimate().mean()).isEqualTo(42);
    assertThat(one.estimate().ci95Low()).isNaN();
    assertThat(one.estimate().ci95High()).isNaN();
    assertThat(new RunningStats().estimate()).isEqualTo(Estimate.NONE);
    assertThat(Estimate.NONE.measured()).isFalse();
  }
}
