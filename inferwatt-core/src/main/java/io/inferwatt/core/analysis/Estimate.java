package io.inferwatt.core.analysis;

/**
 * A mean with its two-sided 95% confidence interval (Student's t), in the unit of the field that
 * holds it. Not measured: all NaN and {@code n} = 0.
 *
 * @param mean the mean
 * @param ci95Low lower bound of the 95% confidence interval (NaN below two values)
 * @param ci95High upper bound of the 95% confidence interval (NaN below two values)
 * @param n the number of values behind the mean
 */
public record Estimate(double mean, double ci95Low, double ci95High, long n) {

  public static final Estimate NONE = new Estimate(Double.NaN, Double.NaN, Double.NaN, 0);

  /** The estimate of a mean from {@code n} values with sample variance {@code variance}. */
  public static Estimate of(double mean, double variance, long n) {
    if (n == 0) {
      return NONE;
    }
    if (n < 2 || Double.isNaN(variance)) {
      return new Estimate(mean, Double.NaN, Double.NaN, n);
    }
    double half = StudentT.quantile975(n - 1) * Math.sqrt(variance / n);
    return new Estimate(mean, mean - half, mean + half, n);
  }

  public boolean measured() {
    return n > 0;
  }
}
