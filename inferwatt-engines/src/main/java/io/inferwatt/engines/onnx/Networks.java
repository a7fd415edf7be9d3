package io.inferwatt.engines.onnx;

import io.inferwatt.core.BadInputException;
import java.util.List;
import java.util.Locale;

/**
 * The networks of the paper and single-layer networks, built as ONNX graphs (IR 7, opset 13) with
 * random weights from a seed, so that every model is available offline and the same seed gives the
 * same file. Latency and power do not depend on trained weight values, only on shapes and data
 * flow; the weights are scaled so that activations stay finite (see {@code docs/models.md}).
 *
 * <p>Architectures follow torchvision exactly (reference sheet §5): parameter and MAC counts equal
 * the published ones. Every full network takes {@code input} of shape 1×3×224×224 and gives logits
 * of shape 1×1000 (no softmax; use {@link OnnxGraphs#withBatch} for other batch sizes).
 */
public final class Networks {

  /** The input tensor's name in every model built here. */
  public static final String INPUT = "input";

  private static final List<String> NAMES =
      List.of("mobilenetv1", "mobilenetv2", "resnet18", "resnet50");

  private Networks() {}

  /** Names accepted by {@link #build}. */
  public static List<String> names() {
    return NAMES;
  }

  /**
   * Builds a network by name ({@code mobilenetv1}, {@code mobilenetv2}, {@code resnet18}, {@code
   * resnet50}; case and dashes ignored).
   *
   * @throws IllegalArgumentException for an unknown name (the message lists the known ones)
   */
  public static OnnxModel build(String name, long seed) {
    String key = name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    return switch (key) {
      case "mobilenetv1" -> mobileNetV1(seed);
      case "mobilenetv2" -> mobileNetV2(seed);
      case "resnet18" -> resNet18(seed);
      case "resnet50" -> resNet50(seed);
      default ->
          throw new BadInputException(
              "network '" + name + "' is not one of " + String.join(", ", NAMES));
    };
  }

  /** MobileNetV1 (α = 1): 4,231,976 parameters, 568.7 M MACs. */
  public static OnnxModel mobileNetV1(long seed) {
    GraphBuilder g = new GraphBuilder("mobilenetv1", seed);
    String x = g.input(INPUT, 1, 3, 224, 224);
    x = g.relu(g.batchNorm(g.conv(x, 32, 3, 2, 1)));
    int[][] dwStridePwOut = {
      {1, 64}, {2, 128}, {1, 128}, {2, 256}, {1, 256}, {2, 512}, {1, 512}, {1, 512}, {1, 512},
      {1, 512}, {1, 512}, {2, 1024}, {1, 1024}
    };
    for (int[] b : dwStridePwOut) {
      int c = (int) g.shape(x)[1];
      x = g.relu(g.batchNorm(g.conv(x, c, 3, b[0], c)));
      x = g.relu(g.batchNorm(g.conv(x, b[1], 1, 1, 1)));
    }
    return head(g, x);
  }

  /** MobileNetV2 (torchvision, width 1.0): 3,504,872 parameters, 300.8 M MACs. */
  public static OnnxModel mobileNetV2(long seed) {
    GraphBuilder g = new GraphBuilder("mobilenetv2", seed);
    String x = g.input(INPUT, 1, 3, 224, 224);
    x = g.relu6(g.batchNorm(g.conv(x, 32, 3, 2, 1)));
    int[][] tcns = {
      {1, 16, 1, 1},
      {6, 24, 2, 2},
      {6, 32, 3, 2},
      {6, 64, 4, 2},
      {6, 96, 3, 1},
      {6, 160, 3, 2},
      {6, 320, 1, 1}
    };
    for (int[] s : tcns) {
      for (int r = 0; r < s[2]; r++) {
        int stride = r == 0 ? s[3] : 1;
        int in = (int) g.shape(x)[1];
        int hidden = in * s[0];
        String y = x;
        if (s[0] != 1) {
          y = g.relu6(g.batchNorm(g.conv(y, hidden, 1, 1, 1)));
        }
        y = g.relu6(g.batchNorm(g.conv(y, hidden, 3, stride, hidden)));
        y = g.batchNorm(g.conv(y, s[1], 1, 1, 1));
        x = stride == 1 && in == s[1] ? g.add(x, y) : y;
      }
    }
    x = g.relu6(g.batchNorm(g.conv(x, 1280, 1, 1, 1)));
    return head(g, x);
  }

  /** ResNet18 (torchvision): 11,689,512 parameters, 1,814.1 M MACs. */
  public static OnnxModel resNet18(long seed) {
    return resNet("resnet18", seed, new int[] {2, 2, 2, 2}, false);
  }

  /** ResNet50 v1.5 (torchvision): 25,557,032 parameters, 4,089.2 M MACs. */
  public static OnnxModel resNet50(long seed) {
    return resNet("resnet50", seed, new int[] {3, 4, 6, 3}, true);
  }

  private static OnnxModel resNet(String name, long seed, int[] blocks, boolean bottleneck) {
    GraphBuilder g = new GraphBuilder(name, seed);
    String x = g.input(INPUT, 1, 3, 224, 224);
    x = g.relu(g.batchNorm(g.conv(x, 64, 7, 2, 3, 1, false)));
    x = g.maxPool(x, 3, 2, 1);
    int[] widths = {64, 128, 256, 512};
    for (int stage = 0; stage < 4; stage++) {
      int w = widths[stage];
      int out = bottleneck ? 4 * w : w;
      for (int b = 0; b < blocks[stage]; b++) {
        int stride = b == 0 && stage > 0 ? 2 : 1;
        int in = (int) g.shape(x)[1];
        String y;
        if (bottleneck) {
          y = g.relu(g.batchNorm(g.conv(x, w, 1, 1, 1)));
          y = g.relu(g.batchNorm(g.conv(y, w, 3, stride, 1)));
          y = g.batchNorm(g.conv(y, out, 1, 1, 1));
        } else {
          y = g.relu(g.batchNorm(g.conv(x, w, 3, stride, 1)));
          y = g.batchNorm(g.conv(y, w, 3, 1, 1));
        }
        String shortcut = stride != 1 || in != out ? g.batchNorm(g.conv(x, out, 1, stride, 1)) : x;
        x = g.relu(g.add(y, shortcut));
      }
    }
    return head(g, x);
  }

  private static OnnxModel head(GraphBuilder g, String x) {
    x = g.gemm(g.flatten(g.globalAveragePool(x)), 1000);
    return g.build(x);
  }

  // ------------------------------------------------------------------ single layers

  /**
   * A network of one convolution (no bias) on a 1×{@code in}×{@code size}×{@code size} input,
   * padded by {@code kernel / 2} so that the size stays unless {@code stride} > 1.
   *
   * @param groups 1 for a dense convolution, {@code in} for a depthwise one
   * @throws IllegalArgumentException for a non-positive value or channels not divisible by groups
   */
  public static OnnxModel conv(
      int kernel, int stride, int in, int out, int size, int groups, long seed) {
    positive("kernel", kernel);
    positive("stride", stride);
    positive("input channels", in);
    positive("output channels", out);
    positive("size", size);
    positive("groups", groups);
    String name =
        "conv-k"
            + kernel
            + "-s"
            + stride
            + "-i"
            + in
            + "-o"
            + out
            + "-hw"
            + size
            + (groups == 1 ? "" : "-g" + groups);
    GraphBuilder g = new GraphBuilder(name, seed);
    String x = g.input(INPUT, 1, in, size, size);
    return g.build(g.conv(x, out, kernel, stride, groups));
  }

  /** Layer types {@link #layer} builds. */
  public static List<String> layerTypes() {
    return List.of(
        "BatchNormalization", "Relu", "Relu6", "Add", "MaxPool", "GlobalAveragePool", "Gemm");
  }

  /**
   * A network of one layer of another type on a 1×{@code channels}×{@code size}×{@code size} input:
   * {@code BatchNormalization}, {@code Relu}, {@code Relu6} (Clip 0..6), {@code Add} (the input
   * added to itself), {@code MaxPool} (3×3, stride 2, pad 1, as in ResNet), {@code
   * GlobalAveragePool}, or {@code Gemm} ({@code channels} → {@code outFeatures}; input 1×{@code
   * channels}).
   */
  public static OnnxModel layer(String type, int channels, int size, int outFeatures, long seed) {
    positive("channels", channels);
    GraphBuilder g =
        new GraphBuilder(type.toLowerCase(Locale.ROOT) + "-c" + channels + "-hw" + size, seed);
    if (type.equalsIgnoreCase("Gemm")) {
      positive("output features", outFeatures);
      String x = g.input(INPUT, 1, channels);
      return g.build(g.gemm(x, outFeatures));
    }
    positive("size", size);
    String x = g.input(INPUT, 1, channels, size, size);
    String y =
        switch (type.toLowerCase(Locale.ROOT)) {
          case "batchnormalization", "batchnorm", "bn" -> g.batchNorm(x);
          case "relu" -> g.relu(x);
          case "relu6", "clip" -> g.relu6(x);
          case "add" -> g.add(x, x);
          case "maxpool" -> g.maxPool(x, 3, 2, 1);
          case "globalaveragepool", "gap" -> g.globalAveragePool(x);
          default ->
              throw new BadInputException(
                  "layer type '"
                      + type
                      + "' is not one of Conv, "
                      + String.join(", ", layerTypes()));
        };
    return g.build(y);
  }

  private static void positive(String what, int v) {
    if (v < 1) {
      throw new BadInputException(what + " " + v + " is not >= 1");
    }
  }
}
