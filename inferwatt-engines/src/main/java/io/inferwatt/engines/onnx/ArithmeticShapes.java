package io.inferwatt.engines.onnx;

import static io.inferwatt.engines.onnx.ShapeStep.contains;
import static io.inferwatt.engines.onnx.ShapeStep.one;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shapes of the arithmetic operators ({@link ShapeInference}'s part): elementwise operators with
 * numpy broadcasting (and their values, where both inputs are small constants), {@code Gemm},
 * {@code MatMul} and the reductions.
 */
final class ArithmeticShapes {
  private ArithmeticShapes() {}

  /** An elementwise operator over broadcast inputs; two small constants give their value. */
  static long[][] broadcasting(ShapeStep ctx, long[] x) {
    long[] r = x;
    for (int k = 1; k < ctx.in.size(); k++) {
      r = broadcast(r, ctx.shape(k));
    }
    if (ctx.in.size() == 2) {
      ctx.put(arithmetic(ctx.n.opType(), ctx.value(0), ctx.value(1)));
    }
    return one(r);
  }

  /** {@code Gemm}: (M, K) x (K, N), either transposed. */
  static long[][] gemm(ShapeStep ctx, long[] x) {
    long[] b = ctx.shape(1);
    if (x == null || b == null || x.length != 2 || b.length != 2) {
      return null;
    }
    long m = ctx.n.attrInt("transA", 0) == 1 ? x[1] : x[0];
    long nn = ctx.n.attrInt("transB", 0) == 1 ? b[0] : b[1];
    return one(new long[] {m, nn});
  }

  /** The reductions, over {@code axes} (attribute or input), keeping the dimensions or not. */
  static long[][] reduce(ShapeStep ctx, long[] x) {
    if (x == null) {
      return null;
    }
    long[] axes = ctx.n.attribute("axes").isPresent() ? ctx.axesAttr() : ctx.axes(1);
    boolean keep = ctx.n.attrInt("keepdims", 1) == 1;
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      boolean reduced = axes == null || axes.length == 0 || contains(axes, i, x.length);
      if (!reduced) {
        out.add(x[i]);
      } else if (keep) {
        out.add(1L);
      }
    }
    return one(OnnxInspector.toArray(out));
  }

  static double[] arithmetic(String op, double[] a, double[] b) {
    if (a == null || b == null || (a.length != b.length && a.length != 1 && b.length != 1)) {
      return null;
    }
    int len = Math.max(a.length, b.length);
    double[] r = new double[len];
    for (int i = 0; i < len; i++) {
      double x = a[a.length == 1 ? 0 : i];
      double y = b[b.length == 1 ? 0 : i];
      r[i] =
          switch (op) {
            case "Add" -> x + y;
            case "Sub" -> x - y;
            case "Mul" -> x * y;
            case "Div" ->
                y == 0
                    ? Double.NaN
                    : x == Math.rint(x) && y == Math.rint(y)
                        ? (double) ((long) x / (long) y)
                        : x / y;
            default -> Double.NaN;
          };
      if (Double.isNaN(r[i])) {
        return null;
      }
    }
    return r;
  }

  static long[] matMul(long[] x, long[] b) {
    if (x == null || b == null || x.length < 1 || b.length < 1) {
      return null;
    }
    if (b.length == 1) {
      return Arrays.copyOf(x, x.length - 1);
    }
    if (x.length == 1) {
      long[] out = new long[b.length - 1];
      System.arraycopy(b, 0, out, 0, b.length - 2);
      out[b.length - 2] = b[b.length - 1];
      return out;
    }
    long[] batch = broadcast(Arrays.copyOf(x, x.length - 2), Arrays.copyOf(b, b.length - 2));
    long[] out = Arrays.copyOf(batch, batch.length + 2);
    out[batch.length] = x[x.length - 2];
    out[batch.length + 1] = b[b.length - 1];
    return out;
  }

  static long[] broadcast(long[] a, long[] b) {
    if (a == null || b == null) {
      return null;
    }
    int r = Math.max(a.length, b.length);
    long[] out = new long[r];
    for (int i = 0; i < r; i++) {
      long da = i < r - a.length ? 1 : a[i - (r - a.length)];
      long db = i < r - b.length ? 1 : b[i - (r - b.length)];
      out[i] = da == 1 ? db : db == 1 ? da : Math.max(da, db); // -1 (unknown) loses to a size
    }
    return out;
  }
}
