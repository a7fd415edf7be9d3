package io.inferwatt.engines.models;

import io.inferwatt.core.BadInputException;
import java.util.Locale;

/**
 * The bounds every built network's layers must keep, checked by both model builders (the layer
 * lists of {@link Zoo} and the ONNX graphs of {@code engines.onnx.Networks}) before anything is
 * allocated, so that an absurd layer ({@code conv-k99999-...}, 10⁵ channels) is refused with its
 * reason in second 0 instead of overflowing an {@code int} or the heap mid-study.
 *
 * <ul>
 *   <li>a kernel must fit its padded input and a stride must be at least 1;
 *   <li>at most {@link #MAX_CHANNELS} channels per tensor (a hundred times the widest layer of the
 *       built-in networks: 2048 in ResNet50);
 *   <li>at most {@link #MAX_TENSOR_ELEMENTS} elements per tensor (weights or activations): the
 *       longest Java array, and so the largest tensor the builders and ONNX Runtime's Java API can
 *       hold;
 *   <li>an ONNX model's weights at most {@link #MAX_ONNX_BYTES} (protobuf cannot encode a larger
 *       message).
 * </ul>
 */
public final class LayerLimits {
  /** Channels a tensor may have. */
  public static final int MAX_CHANNELS = 1 << 16;

  /** Elements one tensor may hold: the longest array a JVM allocates. */
  public static final long MAX_TENSOR_ELEMENTS = Integer.MAX_VALUE - 8;

  /** Bytes of weights an ONNX model may hold: protobuf's limit on one message (2 GiB − 1). */
  public static final long MAX_ONNX_BYTES = Integer.MAX_VALUE;

  private static final String SMALLER = "use a smaller kernel or input, or fewer channels";

  private LayerLimits() {}

  /**
   * Checks a channel count.
   *
   * @param where the network and layer, for the message
   * @throws IllegalArgumentException when it is not in 1..{@link #MAX_CHANNELS}
   */
  public static void channels(String where, String what, long channels) {
    if (channels < 1 || channels > MAX_CHANNELS) {
      throw new BadInputException(
          where
              + ": "
              + what
              + " "
              + channels
              + " is not in 1.."
              + MAX_CHANNELS
              + " (the widest built-in layer has 2048); use fewer channels");
    }
  }

  /**
   * Checks that a square kernel fits the input padded by {@code pad} on each side and that the
   * stride is at least 1.
   *
   * @throws IllegalArgumentException naming the kernel, the padded input and what to change
   */
  public static void kernel(String where, long kernel, long stride, long h, long w, long pad) {
    if (kernel < 1 || stride < 1) {
      throw new BadInputException(
          where + ": kernel " + kernel + " and stride " + stride + " must both be at least 1");
    }
    long ph = h + 2 * pad;
    long pw = w + 2 * pad;
    if (kernel > ph || kernel > pw) {
      throw new BadInputException(
          where
              + ": kernel "
              + kernel
              + " does not fit the "
              + h
              + "x"
              + w
              + " input padded to "
              + ph
              + "x"
              + pw
              + "; use a kernel of at most "
              + Math.min(ph, pw));
    }
  }

  /**
   * The elements of a tensor of {@code dims}, checked against {@link #MAX_TENSOR_ELEMENTS} without
   * overflowing.
   *
   * @param what the tensor ("weights of layer conv", ...), for the message
   * @throws IllegalArgumentException naming the product and the limit
   */
  public static long elements(String where, String what, long... dims) {
    double product = 1;
    StringBuilder shape = new StringBuilder();
    for (long d : dims) {
      if (d < 1) {
        throw new BadInputException(
            where + ": " + what + " has a dimension of " + d + "; every size must be at least 1");
      }
      product *= d;
      shape.append(shape.length() == 0 ? "" : "×").append(d);
    }
    if (product > MAX_TENSOR_ELEMENTS) {
      throw new BadInputException(
          where
              + ": "
              + what
              + " would hold "
              + shape
              + " = "
              + String.format(Locale.ROOT, "%.3g", product)
              + " values, more than one tensor can ("
              + MAX_TENSOR_ELEMENTS
              + "); "
              + SMALLER);
    }
    long n = 1;
    for (long d : dims) {
      n *= d; // exact: the product is below 2^31
    }
    return n;
  }
}
