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
   * @throws BadInputException for an unknown name (the message lists the known ones)
   */
  public static OnnxModel build(String name, long seed) {
    return switch (key(name)) {
      case "mobilenetv1" -> mobileNetV1(seed);
      case "mobilenetv2" -> mobileNetV2(seed);
      case "resnet18" -> resNet18(seed);
      case "resnet50" -> resNet50(seed);
      default -> throw unknown(name);
    };
  }

  /** MobileNetV1 (α = 1): 4,231,976 parameters, 568.7 M MACs. */
  public static OnnxModel mobileNetV1(long seed) {
    return mobileNetV1(new GraphBuilder("mobilenetv1", seed));
  }

  private static OnnxModel mobileNetV1(GraphBuilder g) {
    String x = g.input(INPUT, 1, 3, 224, 224);
    x = g.layer("conv0").relu(g.batchNorm(g.conv(x, 32, 3, 2, 1)));
    int[][] dwStridePwOut = {
      {1, 64}, {2, 128}, {1, 128}, {2, 256}, {1, 256}, {2, 512}, {1, 512}, {1, 512}, {1, 512},
      {1, 512}, {1, 512}, {2, 1024}, {1, 1024}
    };
    for (int i = 0; i < dwStridePwOut.length; i++) {
      int[] b = dwStridePwOut[i];
      int c = (int) g.shape(x)[1];
      x = g.layer("block" + (i + 1) + ".dw").relu(g.batchNorm(g.conv(x, c, 3, b[0], c)));
      x = g.layer("block" + (i + 1) + ".pw").relu(g.batchNorm(g.conv(x, b[1], 1, 1, 1)));
    }
    return head(g, x);
  }

  /** MobileNetV2 (torchvision, width 1.0): 3,504,872 parameters, 300.8 M MACs. */
  public static OnnxModel mobileNetV2(long seed) {
    return mobileNetV2(new GraphBuilder("mobilenetv2", seed));
  }

  private static OnnxModel mobileNetV2(GraphBuilder g) {
    String x = g.input(INPUT, 1, 3, 224, 224);
    x = g.layer("conv0").relu6(g.batchNorm(g.conv(x, 32, 3, 2, 1)));
    int[][] tcns = {
      {1, 16, 1, 1},
      {6, 24, 2, 2},
      {6, 32, 3, 2},
      {6, 64, 4, 2},
      {6, 96, 3, 1},
      {6, 160, 3, 2},
      {6, 320, 1, 1}
    };
    int block = 1;
    for (int[] s : tcns) {
      for (int r = 0; r < s[2]; r++) {
        int stride = r == 0 ? s[3] : 1;
        int in = (int) g.shape(x)[1];
        int hidden = in * s[0];
        String p = "block" + block++ + ".";
        String y = x;
        if (s[0] != 1) {
          y = g.layer(p + "expand").relu6(g.batchNorm(g.conv(y, hidden, 1, 1, 1)));
        }
        y = g.layer(p + "dw").relu6(g.batchNorm(g.conv(y, hidden, 3, stride, hidden)));
        y = g.layer(p + "project").batchNorm(g.conv(y, s[1], 1, 1, 1));
        x = stride == 1 && in == s[1] ? g.layer(p + "add").add(x, y) : y;
      }
    }
    x = g.layer("conv_last").relu6(g.batchNorm(g.conv(x, 1280, 1, 1, 1)));
    return head(g, x);
  }

  /** ResNet18 (torchvision): 11,689,512 parameters, 1,814.1 M MACs. */
  public static OnnxModel resNet18(long seed) {
    return resNet(new GraphBuilder("resnet18", seed), new int[] {2, 2, 2, 2}, false);
  }

  /** ResNet50 v1.5 (torchvision): 25,557,032 parameters, 4,089.2 M MACs. */
  public static OnnxModel resNet50(long seed) {
    return resNet(new GraphBuilder("resnet50", seed), new int[] {3, 4, 6, 3}, true);
  }

  private static OnnxModel resNet(GraphBuilder g, int[] blocks, boolean bottleneck) {
    String x = g.input(INPUT, 1, 3, 224, 224);
    x = g.layer("conv1").relu(g.batchNorm(g.conv(x, 64, 7, 2, 3, 1, false)));
    x = g.layer("maxpool").maxPool(x, 3, 2, 1);
    int[] widths = {64, 128, 256, 512};
    for (int stage = 0; stage < 4; stage++) {
      int w = widths[stage];
      int out = bottleneck ? 4 * w : w;
      for (int b = 0; b < blocks[stage]; b++) {
        int stride = b == 0 && stage > 0 ? 2 : 1;
        int in = (int) g.shape(x)[1];
        String p = "layer" + (stage + 1) + "." + b + ".";
        String y;
        if (bottleneck) {
          y = g.layer(p + "conv1").relu(g.batchNorm(g.conv(x, w, 1, 1, 1)));
          y = g.layer(p + "conv2").relu(g.batchNorm(g.conv(y, w, 3, stride, 1)));
          y = g.layer(p + "conv3").batchNorm(g.conv(y, out, 1, 1, 1));
        } else {
          y = g.layer(p + "conv1").relu(g.batchNorm(g.conv(x, w, 3, stride, 1)));
          y = g.layer(p + "conv2").batchNorm(g.conv(y, w, 3, 1, 1));
        }
        String shortcut =
            stride != 1 || in != out
                ? g.layer(p + "downsample").batchNorm(g.conv(x, out, 1, stride, 1))
                : x;
        x = g.layer(p + "add").relu(g.add(y, shortcut));
      }
    }
    return head(g, x);
  }

  private static OnnxModel head(GraphBuilder g, String x) {
    x = g.layer("pool").globalAveragePool(x);
    x = g.layer("flatten").flatten(x);
    x = g.layer("fc").gemm(x, 1000);
    return g.build(x);
  }

  /**
   * A network's graph without weight values (each initializer holds its shape only): what {@link
   * io.inferwatt.engines.models.Zoo} derives the layer list from, cheaply.
   */
  public static OnnxModel structure(String name) {
    String key = key(name);
    return switch (key) {
      case "mobilenetv1" -> mobileNetV1(GraphBuilder.structure(key));
      case "mobilenetv2" -> mobileNetV2(GraphBuilder.structure(key));
      case "resnet18" -> resNet(GraphBuilder.structure(key), new int[] {2, 2, 2, 2}, false);
      case "resnet50" -> resNet(GraphBuilder.structure(key), new int[] {3, 4, 6, 3}, true);
      default -> throw unknown(name);
    };
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
  }

  private static BadInputException unknown(String name) {
    return new BadInputException(
        "network '" + name + "' is not one of " + String.join(", ", NAMES));
  }

  // ------------------------------------------------------------------ single layers

  /**
   * A network of one convolution (no bias) on a 1×{@code in}×{@code size}×{@code size} input,
   * padded by {@code kernel / 2} so that the size stays unless {@code stride} > 1.
   *
   * @param groups 1 for a dense convolution, {@code in} for a depthwise one
   * @throws BadInputException for a non-positive value or channels not divisible by groups
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
