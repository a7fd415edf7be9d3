package io.inferwatt.engines.onnx;

import static io.inferwatt.engines.onnx.ShapeInference.MAX_VALUES;
import static io.inferwatt.engines.onnx.ShapeStep.axis;
import static io.inferwatt.engines.onnx.ShapeStep.one;
import static io.inferwatt.engines.onnx.ShapeStep.toLongs;

import io.inferwatt.engines.onnx.OnnxModel.Tensor;
import java.util.Arrays;

/**
 * Shapes and values of the operators that shape arithmetic is made of ({@link ShapeInference}'s
 * part): {@code Shape}, {@code Gather}, {@code Constant} and {@code ConstantOfShape}, so that a
 * {@code Shape → Gather → Unsqueeze → Concat → Reshape} chain gives {@code Reshape} its target.
 */
final class ConstantShapes {
  private ConstantShapes() {}

  /**
   * {@code Shape} (from {@code start} to {@code end}); its value where every dimension is known.
   */
  static long[][] shape(ShapeStep ctx, long[] x) {
    if (x == null) {
      return null;
    }
    int from = axis(ctx.n.attrInt("start", 0), x.length);
    int to =
        ctx.n.attribute("end").isPresent() ? axis(ctx.n.attrInt("end", 0), x.length) : x.length;
    from = Math.max(0, Math.min(from, x.length));
    to = Math.max(from, Math.min(to, x.length));
    long[] part = Arrays.copyOfRange(x, from, to);
    boolean known = true;
    for (long d : part) {
      known &= d >= 0;
    }
    if (known) {
      ctx.put(Arrays.stream(part).asDoubleStream().toArray());
    }
    return one(new long[] {part.length});
  }

  /** {@code Gather} along {@code axis}; gathers the values of a 1-d constant. */
  static long[][] gather(ShapeStep ctx, long[] x) {
    long[] idx = ctx.shape(1);
    if (x == null || idx == null) {
      return null;
    }
    int axis = axis(ctx.n.attrInt("axis", 0), x.length);
    long[] out = new long[x.length - 1 + idx.length];
    System.arraycopy(x, 0, out, 0, axis);
    System.arraycopy(idx, 0, out, axis, idx.length);
    System.arraycopy(x, axis + 1, out, axis + idx.length, x.length - axis - 1);
    double[] data = ctx.value(0);
    double[] ix = ctx.value(1);
    if (data != null && ix != null && x.length == 1) {
      double[] g = new double[ix.length];
      for (int i = 0; i < ix.length; i++) {
        int at = (int) ix[i];
        g[i] = data[at < 0 ? at + data.length : at];
      }
      ctx.put(g);
    }
    return one(out);
  }

  /** {@code ConstantOfShape}: the shape its constant input gives. */
  static long[][] constantOfShape(ShapeStep ctx, long[] x) {
    double[] shape = ctx.value(0);
    return shape == null ? null : one(toLongs(shape));
  }

  /** {@code Constant}: its tensor or scalar attribute, kept as a value. */
  static long[][] constant(ShapeStep ctx) {
    var a = ctx.n.attributes().isEmpty() ? null : ctx.n.attributes().get(0);
    if (a == null) {
      return null;
    }
    switch (a.name()) {
      case "value" -> {
        Tensor t = ProtoCodec.attributeTensor(a.encoded());
        if (t == null) {
          return null;
        }
        if (t.elements() <= MAX_VALUES) {
          ctx.put(ProtoCodec.decodeNumbers(t));
        }
        return one(OnnxInspector.toArray(t.dims()));
      }
      case "value_int" -> {
        ctx.put(new double[] {a.i()});
        return one(new long[0]);
      }
      case "value_float" -> {
        ctx.put(new double[] {a.f()});
        return one(new long[0]);
      }
      case "value_ints" -> {
        ctx.put(a.ints().stream().mapToDouble(Long::doubleValue).toArray());
        return one(new long[] {a.ints().size()});
      }
      case "value_floats" -> {
        ctx.put(a.floats().stream().mapToDouble(Float::doubleValue).toArray());
        return one(new long[] {a.floats().size()});
      }
      default -> {
        return null;
      }
    }
  }
}
