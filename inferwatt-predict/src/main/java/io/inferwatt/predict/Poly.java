package io.inferwatt.predict;

/**
 * Polynomial features of degree 2: every column, then every product of two columns (squares too).
 */
final class Poly {

  private Poly() {}

  /** Columns of the expansion of {@code p} inputs. */
  static int size(int p) {
    return p + p * (p + 1) / 2;
  }

  static double[] expand(double[] x) {
    int p = x.length;
    double[] out = new double[size(p)];
    System.arraycopy(x, 0, out, 0, p);
    int k = p;
    for (int i = 0; i < p; i++) {
      for (int j = i; j < p; j++) {
        out[k++] = x[i] * x[j];
      }
    }
    return out;
  }

  /** The name of each expanded column, from the inputs' names. */
  static String[] names(String[] in) {
    String[] out = new String[size(in.length)];
    System.arraycopy(in, 0, out, 0, in.length);
    int k = in.length;
    for (int i = 0; i < in.length; i++) {
      for (int j = i; j < in.length; j++) {
        out[k++] = i == j ? in[i] + "^2" : in[i] + "*" + in[j];
      }
    }
    return out;
  }
}
