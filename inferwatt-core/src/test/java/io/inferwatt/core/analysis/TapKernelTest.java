package io.inferwatt.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TapKernelTest {

  @Test
  void evenWeightsOnInnerKnotsAreABoxcarWithSoftEdges() {
    // knots 0..4 of 1 µs, weight on 1..3: density rises over [0, 1], flat to 3, falls to 4
    TapKernel k = new TapKernel(1000, new double[] {0, 1, 1, 1, 0});
    assertThat(k.lengthNs()).isEqualTo(4000);
    assertThat(k.cumulative(0)).isZero();
    assertThat(k.cumulative(4000)).isEqualTo(1);
    assertThat(k.cumulative(2000)).isCloseTo(0.5, within(1e-12));
    assertThat(k.cumulative(1000)).isCloseTo(1.0 / 6, within(1e-12));
    // a trapezoid of base 4 and top 2: variance (4² + 2²)/24 → width √(12·var) = √10
    assertThat(k.equivalentWidthNs()).isCloseTo(1000 * Math.sqrt(10), within(1e-6));
  }

  @Test
  void weightsAreClippedAtZeroAndScaledToOne() {
    TapKernel k = new TapKernel(500, new double[] {-1, 2, 2});
    assertThat(k.weights()).containsExactly(0, 0.5, 0.5);
    assertThat(k.spec()).isEqualTo("kernel:3x0.0005ms[0.000,0.500,0.500]");
    WindowKernel w = new WindowKernel(k);
    assertThat(w.lagWeight(0, 1000)).isCloseTo(1, within(1e-12));
  }

  @Test
  void nonNegativeLeastSquaresKeepsTheBoundActive() {
    // minimise (x − a)ᵀ(x − a) with a = (1, −2): x = (1, 0)
    double[] x = Nnls.solve(new double[][] {{1, 0}, {0, 1}}, new double[] {1, -2});
    assertThat(x[0]).isCloseTo(1, within(1e-12));
    assertThat(x[1]).isZero();
  }
}
