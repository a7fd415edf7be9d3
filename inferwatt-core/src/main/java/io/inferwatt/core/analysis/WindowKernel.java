package io.inferwatt.core.analysis;

/**
 * A candidate sensor response as the fit uses it: a {@link TapKernel}'s taps, or the weights of
 * {@link SensorResponse} cut at {@link #lengthNs} (the boxcar plus {@value #TAILS} time constants,
 * less than 0.25% of the weight lost) and scaled back to a sum of 1.
 */
final class WindowKernel {

  /** Time constants of a low-pass response that the fit keeps. */
  static final double TAILS = 6;

  final SensorResponse response;
  final long lengthNs;

  /** Instant: the power at the reading's instant. */
  final boolean point;

  /** A plain boxcar: weights in proportion to the overlap. */
  final boolean boxcar;

  private final double total;

  /** The non-parametric response, or null for {@link #response}'s shape. */
  final TapKernel taps;

  WindowKernel(SensorResponse response) {
    this.response = response;
    this.taps = null;
    this.lengthNs = response.supportNs(TAILS);
    this.point = lengthNs == 0;
    this.boxcar = response.tauNs() == 0;
    this.total = point ? 1 : response.cumulative(lengthNs);
  }

  /** A non-parametric response ({@link #response} is null). */
  WindowKernel(TapKernel taps) {
    this.response = null;
    this.taps = taps;
    this.lengthNs = taps.lengthNs();
    this.point = false;
    this.boxcar = false;
    this.total = 1;
  }

  static WindowKernel of(long boxcarNs, long tauNs) {
    return new WindowKernel(new SensorResponse(boxcarNs, tauNs));
  }

  /** The response's cumulative weight at {@code lagNs}, before the cut's rescaling. */
  double cumulative(long lagNs) {
    return taps != null ? taps.cumulative(lagNs) : response.cumulative(lagNs);
  }

  /** The weight between two cumulative weights ({@link #cumulative}), rescaled to the cut. */
  double weight(double cumFrom, double cumTo) {
    return (cumTo - cumFrom) / total;
  }

  /** The weight on lags {@code (fromNs, toNs]}, {@code 0 ≤ fromNs ≤ toNs ≤ lengthNs}. */
  double lagWeight(long fromNs, long toNs) {
    return weight(cumulative(fromNs), cumulative(toNs));
  }
}
