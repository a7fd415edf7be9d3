package io.inferwatt.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A layer's median duration: exact up to {@link SlotMedians#CAPACITY} cycles, from a seeded uniform
 * sample beyond, in memory that stops growing there.
 */
class SlotMediansTest {

  @Test
  void theMedianOfFewCyclesIsExactAndLeavesAnOutlierOut() {
    SlotMedians m = new SlotMedians();
    for (long d : new long[] {30, 10, 20, 1_000}) {
      m.add(0, d); // even count: the mean of the two middle ones
    }
    for (long d : new long[] {5, 9, 7}) {
      m.add(3, d);
    }
    assertThat(m.medianNs(0)).isEqualTo(25.0);
    assertThat(m.medianNs(3)).isEqualTo(7.0);
    assertThat(m.medianNs(1)).isNaN(); // a slot that never ran
    assertThat(m.medianNs(40)).isNaN();
  }

  @Test
  void beyondItsCapacityASlotKeepsASampleWhoseMedianIsCloseAndRepeatable() {
    int n = 200_000;
    SlotMedians a = new SlotMedians();
    SlotMedians b = new SlotMedians();
    // durations 0..n-1 in random order
    List<Long> d = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      d.add(i);
    }
    Collections.shuffle(d, new Random(7));
    for (long x : d) {
      a.add(2, x);
      b.add(2, x);
    }
    // a uniform sample of 1 024: the rank of its median is within ±3 standard errors (±4.7 %)
    assertThat(a.medianNs(2)).isCloseTo(n / 2.0, within(0.047 * n));
    assertThat(a.medianNs(2)).isNotEqualTo(n / 2.0 - 0.5); // a sample, not every duration
    assertThat(b.medianNs(2)).isEqualTo(a.medianNs(2)); // the same recording, the same median
  }
}
