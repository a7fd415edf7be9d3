package io.inferwatt.engines.onnx;

import static io.inferwatt.engines.onnx.ShapeStep.axis;
import static io.inferwatt.engines.onnx.ShapeStep.contains;
import static io.inferwatt.engines.onnx.ShapeStep.doubles;
import static io.inferwatt.engines.onnx.ShapeStep.one;
import static io.inferwatt.engines.onnx.ShapeStep.product;
import static io.inferwatt.engines.onnx.ShapeStep.toLongs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shapes of the operators that rearrange a tensor without computing on it ({@link ShapeInference}'s
 * part): {@code Flatten}, {@code Reshape}, {@code Concat}, {@code Transpose}, {@code Squeeze},
 * {@code Unsqueeze}, {@code Split} and {@code Slice}; where the input is a small constant (shape
 * arithmetic), its value is carried through.
 */
final class LayoutShapes {
  private LayoutShapes() {}

  /** {@code Flatten}: two dimensions, split at {@code axis}. */
  static long[][] flatten(ShapeStep ctx, long[] x) {
    if (x == null) {
      return null;
    }
    int axis = axis(ctx.n.attrInt("axis", 1), x.length);
    return one(new long[] {product(x, 0, axis), product(x, axis, x.length)});
  }

  /** {@code Reshape}: the target from a constant input; 0 keeps a dimension, -1 takes the rest. */
  static long[][] reshape(ShapeStep ctx, long[] x) {
    double[] target = ctx.value(1);
    if (x == null || target == null) {
      return null;
    }
    long[] out = new long[target.length];
    int minus = -1;
    long knownProduct = 1;
    for (int i = 0; i < target.length; i++) {
      long d = target[i] == 0 && ctx.n.attrInt("allowzero", 0) == 0 ? x[i] : (long) target[i];
      out[i] = d;
      if (d == -1) {
        minus = i;
      } else {
        knownProduct *= d;
      }
    }
    if (minus >= 0) {
      long total = product(x, 0, x.length);
      out[minus] = total < 0 || knownProduct <= 0 ? -1 : total / knownProduct;
    }
    ctx.put(ctx.value(0));
    return one(out);
  }

  /** {@code Concat} along {@code axis}; joins the values of 1-d constants. */
  static long[][] concat(ShapeStep ctx, long[] x) {
    if (x == null) {
      return null;
    }
    int axis = axis(ctx.n.attrInt("axis", 1), x.length);
    long[] out = x.clone();
    List<Double> joined = new ArrayList<>();
    boolean values = true;
    for (int k = 0; k < ctx.in.size(); k++) {
      long[] o = ctx.shape(k);
      if (o == null || o.length != x.length) {
        return null;
      }
      if (k > 0) {
        out[axis] = out[axis] < 0 || o[axis] < 0 ? -1 : out[axis] + o[axis];
      }
      double[] val = ctx.value(k);
      if (val == null) {
        values = false;
      } else {
        for (double d : val) {
          joined.add(d);
        }
      }
    }
    if (values && x.length == 1) {
      ctx.put(joined.stream().mapToDouble(Double::doubleValue).toArray());
    }
    return one(out);
  }

  /** {@code Transpose} by {@code perm} (reversed without it). */
  static long[][] transpose(ShapeStep ctx, long[] x) {
    if (x == null) {
      return null;
    }
    List<Long> perm = ctx.n.attrInts("perm");
    long[] out = new long[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = perm.isEmpty() ? x[x.length - 1 - i] : x[perm.get(i).intValue()];
    }
    return one(out);
  }

  /** {@code Squeeze}: the given axes, or every dimension of 1. */
  static long[][] squeeze(ShapeStep ctx, long[] x) {
    if (x == null) {
      return null;
    }
    long[] axes = ctx.axes(1);
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      boolean drop = axes == null ? x[i] == 1 : contains(axes, i, x.length);
      if (!drop) {
        out.add(x[i]);
      }
    }
    ctx.put(ctx.value(0));
    return one(OnnxInspector.toArray(out));
  }

  /** {@code Unsqueeze}: a 1 inserted at each of the axes. */
  static long[][] unsqueeze(ShapeStep ctx, long[] x) {
    long[] axes = ctx.axes(1);
    if (x == null || axes == null) {
      return null;
    }
    int rank = x.length + axes.length;
    long[] out = new long[rank];
    int j = 0;
    for (int i = 0; i < rank; i++) {
      out[i] = contains(axes, i, rank) ? 1 : x[j++];
    }
    ctx.put(ctx.value(0));
    return one(out);
  }

  /** {@code Split} along {@code axis}: the given sizes, or equal parts. */
  static long[][] split(ShapeStep ctx, long[] x) {
    if (x == null) {
      return null;
    }
    int axis = axis(ctx.n.attrInt("axis", 0), x.length);
    int parts = ctx.n.outputs().size();
    long[] split =
        ctx.n.attribute("split").isPresent()
            ? OnnxInspector.toArray(ctx.n.attrInts("split"))
            : ctx.value(1) == null ? null : toLongs(ctx.value(1));
    long[][] out = new long[parts][];
    for (int k = 0; k < parts; k++) {
      out[k] = x.clone();
      if (split != null) {
        out[k][axis] = split[k];
      } else if (x[axis] >= 0) {
        long each = (x[axis] + parts - 1) / parts;
        out[k][axis] = Math.min(each, x[axis] - each * k);
      } else {
        out[k][axis] = -1;
      }
    }
    return out;
  }

  /** {@code Slice}: starts, ends, axes and steps from attributes (opset < 10) or inputs. */
  static long[] slice(ShapeStep ctx, long[] x) {
    if (x == null) {
      return null;
    }
    double[] starts;
    double[] ends;
    double[] axesV;
    double[] steps = null;
    if (ctx.n.attribute("starts").isPresent()) { // opset < 10
      starts = doubles(ctx.n.attrInts("starts"));
      ends = doubles(ctx.n.attrInts("ends"));
      axesV = ctx.n.attribute("axes").isPresent() ? doubles(ctx.n.attrInts("axes")) : null;
    } else {
      starts = ctx.value(1);
      ends = ctx.value(2);
      axesV = ctx.value(3);
      steps = ctx.value(4);
    }
    if (starts == null || ends == null) {
      return null;
    }
    long[] out = x.clone();
    for (int i = 0; i < starts.length; i++) {
      int a = axesV == null ? i : axis((long) axesV[i], x.length);
      long dim = x[a];
      if (dim < 0) {
        out[a] = -1;
        continue;
      }
      long step = steps == null ? 1 : (long) steps[i];
      long st = clamp((long) starts[i], dim, step);
      long en = clamp(ends[i] > 9e18 ? Long.MAX_VALUE : (long) ends[i], dim, step);
      out[a] =
          step > 0
              ? Math.max(0, (en - st + step - 1) / step)
              : Math.max(0, (st - en - step - 1) / -step);
    }
    double[] val = ctx.value(0);
    if (val != null && x.length == 1 && (steps == null || steps[0] == 1) && out[0] >= 0) {
      long st = clamp((long) starts[0], x[0], 1);
      ctx.put(Arrays.copyOfRange(val, (int) st, (int) (st + out[0])));
    }
    return out;
  }

  private static long clamp(long i, long dim, long step) {
    long j = i < 0 ? i + dim : i;
    return step > 0 ? Math.max(0, Math.min(j, dim)) : Math.max(-1, Math.min(j, dim - 1));
  }
}
