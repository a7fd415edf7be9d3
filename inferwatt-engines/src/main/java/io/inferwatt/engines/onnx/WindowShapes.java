package io.inferwatt.engines.onnx;

import static io.inferwatt.engines.onnx.ShapeStep.axis;
import static io.inferwatt.engines.onnx.ShapeStep.one;
import static io.inferwatt.engines.onnx.ShapeStep.toLongs;

import java.util.Arrays;
import java.util.List;

/**
 * Shapes of the operators that slide a window over the spatial dimensions or resize them ({@link
 * ShapeInference}'s part): convolutions, pools, global pools, {@code Pad} and {@code Resize}/{@code
 * Upsample}.
 */
final class WindowShapes {
  private WindowShapes() {}

  /** {@code Conv}: the output channels from the weights, the spatial size from the window. */
  static long[][] conv(ShapeStep ctx, long[] x) {
    long[] w = ctx.shape(1);
    if (x == null || w == null || x.length < 3) {
      return null;
    }
    long[] out = new long[x.length];
    out[0] = x[0];
    out[1] = w[0];
    spatial(ctx, x, kernel(ctx, w), out);
    return one(out);
  }

  /** The windowed pools: the channels kept, the spatial size from the window. */
  static long[][] pool(ShapeStep ctx, long[] x) {
    if (x == null || x.length < 3) {
      return null;
    }
    long[] out = new long[x.length];
    out[0] = x[0];
    out[1] = x[1];
    spatial(ctx, x, OnnxInspector.toArray(ctx.n.attrInts("kernel_shape")), out);
    return one(out);
  }

  /** The global pools: every spatial dimension becomes 1. */
  static long[][] globalPool(ShapeStep ctx, long[] x) {
    if (x == null) {
      return null;
    }
    long[] out = x.clone();
    for (int i = 2; i < out.length; i++) {
      out[i] = 1;
    }
    return one(out);
  }

  /** {@code Pad}: pads from the attribute (older opsets) or the input, on all or the given axes. */
  static long[][] pad(ShapeStep ctx, long[] x) {
    double[] pads =
        ctx.n.attribute("pads").isPresent()
            ? ctx.n.attrInts("pads").stream().mapToDouble(Long::doubleValue).toArray()
            : ctx.value(1);
    if (x == null || pads == null) {
      return null;
    }
    long[] axes = ctx.in.size() > 3 ? ctx.axes(3) : null;
    long[] out = x.clone();
    int count = axes == null ? x.length : axes.length;
    for (int i = 0; i < count; i++) {
      int a = axes == null ? i : axis(axes[i], x.length);
      out[a] = x[a] < 0 ? -1 : x[a] + (long) pads[i] + (long) pads[i + count];
    }
    return one(out);
  }

  /** {@code Resize}/{@code Upsample}: sizes, else scales (input or attribute). */
  static long[][] resize(ShapeStep ctx, long[] x) {
    if (x == null) {
      return null;
    }
    double[] sizes = ctx.value(3);
    if (sizes != null && sizes.length == x.length) {
      return one(toLongs(sizes));
    }
    double[] scales =
        ctx.n.opType().equals("Upsample") || ctx.in.size() == 2 ? ctx.value(1) : ctx.value(2);
    if (scales == null && ctx.n.attribute("scales").isPresent()) {
      scales = ctx.n.attribute("scales").get().floats().stream().mapToDouble(f -> f).toArray();
    }
    if (scales == null || scales.length != x.length) {
      return null;
    }
    long[] out = new long[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] < 0 ? -1 : (long) Math.floor(x[i] * scales[i]);
    }
    return one(out);
  }

  static long[] kernel(ShapeStep ctx, long[] w) {
    List<Long> ks = ctx.n.attrInts("kernel_shape");
    return ks.isEmpty() ? Arrays.copyOfRange(w, 2, w.length) : OnnxInspector.toArray(ks);
  }

  /** Fills the spatial dimensions of {@code out} for a convolution or pool. */
  static void spatial(ShapeStep ctx, long[] x, long[] kernel, long[] out) {
    int dims = x.length - 2;
    List<Long> strides = ctx.n.attrInts("strides");
    List<Long> pads = ctx.n.attrInts("pads");
    List<Long> dil = ctx.n.attrInts("dilations");
    String autoPad = ctx.n.attrString("auto_pad", "NOTSET");
    boolean ceil = ctx.n.attrInt("ceil_mode", 0) == 1;
    for (int i = 0; i < dims; i++) {
      long size = x[i + 2];
      long st = strides.isEmpty() ? 1 : strides.get(i);
      long d = dil.isEmpty() ? 1 : dil.get(i);
      long k = (kernel[i] - 1) * d + 1;
      if (size < 0) {
        out[i + 2] = -1;
      } else if (autoPad.startsWith("SAME")) {
        out[i + 2] = (size + st - 1) / st;
      } else if (autoPad.equals("VALID")) {
        out[i + 2] = (size - k) / st + 1;
      } else {
        long p = pads.isEmpty() ? 0 : pads.get(i) + pads.get(i + dims);
        long span = size + p - k;
        long o = (ceil ? (span + st - 1) / st : span / st) + 1;
        if (ceil && (o - 1) * st >= size + (pads.isEmpty() ? 0 : pads.get(i))) {
          o--; // the last window must start inside the input or its leading pad
        }
        out[i + 2] = o;
      }
    }
  }
}
