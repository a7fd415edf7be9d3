package io.inferwatt.engines.models;

import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a network layer by layer as an engine like TensorRT runs it, tracking the current tensor
 * shape (C, H, W). Convolutions carry their fused batch norm (2 parameters per output channel) and
 * activation; parameters and multiply-accumulates follow the conventions of the reference counts
 * (conv weights, BN scale and shift, FC weight and bias; MACs of conv and FC only). Every layer is
 * checked against {@link LayerLimits} before it is added.
 */
final class NetBuilder {

  private final String name;
  private final List<Integer> inputShape;
  private final List<LayerSpec> layers = new ArrayList<>();
  private int c;
  private int h;
  private int w;

  NetBuilder(String name, int c, int h, int w) {
    LayerLimits.channels(name, "input channels", c);
    LayerLimits.elements(name, "the input", c, h, w);
    this.name = name;
    this.inputShape = List.of(c, h, w);
    this.c = c;
    this.h = h;
    this.w = w;
  }

  int channels() {
    return c;
  }

  int height() {
    return h;
  }

  int width() {
    return w;
  }

  /** Restores the tracked shape (for a residual branch that starts from an earlier tensor). */
  void shape(int channels, int height, int width) {
    c = channels;
    h = height;
    w = width;
  }

  /** The input reformat (FP32 NCHW to the engine's internal format); shape unchanged. */
  NetBuilder reformat(String layer) {
    add(layer, "Reformat", List.of(c, h, w), List.of(c, h, w), 0, 0, 0, 0, 0);
    return this;
  }

  /**
   * A dense convolution with "same"-style padding ({@code (k-1)/2}): output size is {@code
   * ceil(size / stride)}.
   *
   * @param bn whether a batch norm is fused (2 parameters per output channel); otherwise a bias (1
   *     per output channel) when {@code bias}
   */
  NetBuilder conv(String layer, int k, int stride, int out, boolean bn, boolean bias) {
    String where = where(layer);
    LayerLimits.channels(where, "output channels", out);
    LayerLimits.kernel(where, k, stride, h, w, (k - 1) / 2);
    LayerLimits.elements(where, "the weights", out, c, k, k);
    LayerLimits.elements(where, "the output", out, ceilDiv(h, stride), ceilDiv(w, stride));
    int ho = ceilDiv(h, stride);
    int wo = ceilDiv(w, stride);
    long macs = (long) k * k * c * out * ho * wo;
    long params = (long) k * k * c * out + (bn ? 2L * out : 0) + (bias ? out : 0);
    add(layer, "Conv", List.of(c, h, w), List.of(out, ho, wo), k, stride, 1, macs, params);
    c = out;
    h = ho;
    w = wo;
    return this;
  }

  /** A depthwise 3x3-style convolution (groups = channels) with fused batch norm. */
  NetBuilder dw(String layer, int k, int stride) {
    LayerLimits.kernel(where(layer), k, stride, h, w, (k - 1) / 2);
    int ho = ceilDiv(h, stride);
    int wo = ceilDiv(w, stride);
    long macs = (long) k * k * c * ho * wo;
    long params = (long) k * k * c + 2L * c;
    add(layer, "DepthwiseConv", List.of(c, h, w), List.of(c, ho, wo), k, stride, c, macs, params);
    h = ho;
    w = wo;
    return this;
  }

  /** A max or average pooling of size {@code k} and stride {@code stride}, padding (k-1)/2. */
  NetBuilder pool(String layer, int k, int stride) {
    LayerLimits.kernel(where(layer), k, stride, h, w, (k - 1) / 2);
    int ho = ceilDiv(h, stride);
    int wo = ceilDiv(w, stride);
    add(layer, "Pool", List.of(c, h, w), List.of(c, ho, wo), k, stride, 0, 0, 0);
    h = ho;
    w = wo;
    return this;
  }

  /** Global average pooling to 1x1. */
  NetBuilder globalPool(String layer) {
    add(layer, "Pool", List.of(c, h, w), List.of(c, 1, 1), h, h, 0, 0, 0);
    h = 1;
    w = 1;
    return this;
  }

  /** The residual addition of two tensors of the current shape (activation fused). */
  NetBuilder add(String layer) {
    add(layer, "Add", List.of(c, h, w), List.of(c, h, w), 0, 0, 0, 0, 0);
    return this;
  }

  /** Flatten (C, 1, 1) to (C). */
  NetBuilder flatten(String layer) {
    add(layer, "Shuffle", List.of(c, h, w), List.of(c * h * w), 0, 0, 0, 0, 0);
    c = c * h * w;
    h = 1;
    w = 1;
    return this;
  }

  /** Fully connected layer with bias. */
  NetBuilder gemm(String layer, int out) {
    LayerLimits.elements(where(layer), "the weights", out, c);
    long macs = (long) c * out;
    long params = (long) c * out + out;
    add(layer, "Gemm", List.of(c), List.of(out), 0, 0, 0, macs, params);
    c = out;
    return this;
  }

  private void add(
      String layer,
      String type,
      List<Integer> in,
      List<Integer> out,
      int k,
      int stride,
      int groups,
      long macs,
      long params) {
    layers.add(new LayerSpec(layer, type, in, out, k, stride, groups, macs, params));
  }

  NetworkSpec build() {
    return new NetworkSpec(name, inputShape, layers);
  }

  private static int ceilDiv(int a, int b) {
    return (int) ((a + (long) b - 1) / b);
  }

  private String where(String layer) {
    return name + ", layer " + layer;
  }
}
