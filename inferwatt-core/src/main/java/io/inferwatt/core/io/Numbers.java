package io.inferwatt.core.io;

/**
 * Numbers parsed straight from bytes, without making a string: the readers' hot path. Only the
 * plain shapes are handled; anything else says so ({@code NaN}, or false) and the caller falls back
 * to {@link Double#parseDouble} or {@link Long#parseLong}, so results are always theirs.
 */
final class Numbers {

  private static final double[] POW10 = new double[23];

  static {
    double p = 1;
    for (int i = 0; i < POW10.length; i++) {
      POW10[i] = p;
      p *= 10;
    }
  }

  private Numbers() {}

  /**
   * The decimal {@code [-]digits[.digits][e[+-]digits]} in {@code b[from, to)}, or NaN when it has
   * another shape or cannot be parsed exactly here. Exact (the same double as {@link
   * Double#parseDouble}): a mantissa below 2<sup>53</sup> and a power of ten up to 22 are both
   * exact doubles, and one multiplication or division of exact values is correctly rounded.
   */
  static double parseDouble(byte[] b, int from, int to) {
    int i = from;
    boolean neg = false;
    if (i < to && (b[i] == '-' || b[i] == '+')) {
      neg = b[i] == '-';
      i++;
    }
    long m = 0;
    int digits = 0;
    int scale = 0;
    int intDigits = 0;
    while (i < to && b[i] >= '0' && b[i] <= '9') {
      if (digits < 18) {
        m = m * 10 + (b[i] - '0');
        if (m != 0) {
          digits++;
        }
      } else {
        return Double.NaN;
      }
      i++;
      intDigits++;
    }
    int fracDigits = 0;
    if (i < to && b[i] == '.') {
      i++;
      while (i < to && b[i] >= '0' && b[i] <= '9') {
        if (digits >= 18) {
          return Double.NaN;
        }
        m = m * 10 + (b[i] - '0');
        if (m != 0) {
          digits++;
        }
        scale++;
        i++;
        fracDigits++;
      }
    }
    if (intDigits + fracDigits == 0) {
      return Double.NaN;
    }
    if (i < to && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      boolean eneg = false;
      if (i < to && (b[i] == '-' || b[i] == '+')) {
        eneg = b[i] == '-';
        i++;
      }
      int e = 0;
      int ed = 0;
      while (i < to && b[i] >= '0' && b[i] <= '9' && ed < 4) {
        e = e * 10 + (b[i] - '0');
        i++;
        ed++;
      }
      if (ed == 0) {
        return Double.NaN;
      }
      scale += eneg ? e : -e;
    }
    if (i != to || m >= 1L << 53) {
      return Double.NaN;
    }
    double v;
    if (scale == 0 || m == 0) {
      v = m;
    } else if (scale > 0 && scale <= 22) {
      v = m / POW10[scale];
    } else if (scale < 0 && -scale <= 22) {
      v = m * POW10[-scale];
      if (Double.isInfinite(v)) {
        return Double.NaN;
      }
    } else {
      return Double.NaN;
    }
    return neg ? -v : v;
  }
}
