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
 * <p>Architectures follow torchvision: at width 1 and 224 pixels the parameter and MAC counts of
 * the four paper networks equal the published ones; the other families are in {@link Families}.
 * Every full network takes {@code input} of shape 1×3×R×R (R = 224 unless asked) and gives logits
 * of shape 1×1000 (no softmax; use {@link OnnxGraphs#withBatch} for other batch sizes).
 */
public final class Networks {

  /** The input tensor's name in every model built here. */
  public static final String INPUT = "input";

  private static final List<String> NAMES = Families.NAMES;

  /** The resolution a network is built at unless its name says otherwise. */
  public static final int RESOLUTION = 224;

  /**
   * A network name with its build parameters: {@code FAMILY[-wWIDTH][-rRESOLUTION]}, e.g. {@code
   * mobilenetv3small-w0.5-r160}.
   *
   * @param family one of {@link #names()}
   * @param width the width multiplier (channels scaled, rounded to a multiple of 8)
   * @param resolution input height and width in pixels
   */
  public record Variant(String family, double width, int resolution) {
    /** The canonical name: the family alone at width 1 and resolution 224. */
    public String name() {
      String w = width == 1 ? "" : "-w" + trim(width);
      String r = resolution == RESOLUTION ? "" : "-r" + resolution;
      return family + w + r;
    }

    private static String trim(double d) {
      String t = String.format(Locale.ROOT, "%.4f", d);
      return t.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
  }

  private static final java.util.regex.Pattern VARIANT =
      java.util.regex.Pattern.compile(
          "([a-z0-9]+)(?:-w(\\d{1,3}(?:\\.\\d{1,4})?))?(?:-r(\\d{1,5}))?");

  private Networks() {}

  /** Names accepted by {@link #build}. */
  public static List<String> names() {
    return NAMES;
  }

  /**
   * The network a name stands for, if it is one: a family name, optionally with {@code -wWIDTH} and
   * {@code -rRESOLUTION}.
   */
  public static java.util.Optional<Variant> variant(String name) {
    if (name == null) {
      return java.util.Optional.empty();
    }
    java.util.regex.Matcher m = VARIANT.matcher(name.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      String k = key(name);
      return Families.ALL.containsKey(k)
          ? java.util.Optional.of(new Variant(k, 1, RESOLUTION))
          : java.util.Optional.empty();
    }
    String family = key(m.group(1));
    if (!Families.ALL.containsKey(family)) {
      return java.util.Optional.empty();
    }
    double w = m.group(2) == null ? 1 : Double.parseDouble(m.group(2));
    int r = m.group(3) == null ? RESOLUTION : Integer.parseInt(m.group(3));
    return java.util.Optional.of(new Variant(family, w, r));
  }

  /**
   * Two 1×1 convolutions of {@code channels} channels on an 8×8 input, a ReLU between them: the
   * smallest graph whose convolutions an engine's layout pass may rewrite (ONNX Runtime's NCHWc
   * blocks), so that the pass can be asked which channel counts it takes.
   */
  public static OnnxModel pointwisePair(int channels) {
    GraphBuilder g = new GraphBuilder("pointwise-pair", 1);
    String x = g.input(INPUT, 1, channels, 8, 8);
    String y = g.relu(g.conv(x, channels, 1, 1, 1));
    return g.build(g.conv(y, channels, 1, 1, 1));
  }

  /**
   * Builds a network by name ({@link #names()}, case and dashes ignored, or a {@link Variant} name)
   * with random weights from {@code seed}.
   *
   * @throws BadInputException for an unknown name (the message lists the known ones)
   */
  public static OnnxModel build(String name, long seed) {
    Variant v = variant(name).orElseGet(() -> new Variant(known(name), 1, RESOLUTION));
    return build(v.family(), seed, v.width(), v.resolution());
  }

  /**
   * Builds a family at a width multiplier and input resolution, with random weights from {@code
   * seed}.
   *
   * @param width channels multiplier, 0.125 to 4
   * @param resolution input height and width, 32 to 1024
   * @throws BadInputException for an unknown family or a width or resolution out of range
   */
  public static OnnxModel build(String family, long seed, double width, int resolution) {
    Variant v = checked(family, width, resolution);
    return Families.ALL
        .get(v.family())
        .build(new GraphBuilder(v.name(), seed), new Families.Scale(width, resolution));
  }

  /**
   * A network's graph without weight values (each initializer holds its shape only): what {@link
   * io.inferwatt.engines.models.Zoo} derives the layer list from, cheaply. {@code name} may be a
   * {@link Variant} name.
   */
  public static OnnxModel structure(String name) {
    Variant v = variant(name).orElseGet(() -> new Variant(known(name), 1, RESOLUTION));
    checked(v.family(), v.width(), v.resolution());
    return Families.ALL
        .get(v.family())
        .build(GraphBuilder.structure(v.name()), new Families.Scale(v.width(), v.resolution()));
  }

  private static Variant checked(String family, double width, int resolution) {
    String k = known(family);
    if (!(width >= 0.125 && width <= 4)) {
      throw new BadInputException("width multiplier " + width + " is not in 0.125..4");
    }
    if (resolution < 32 || resolution > 1024) {
      throw new BadInputException("resolution " + resolution + " is not in 32..1024");
    }
    return new Variant(k, width, resolution);
  }

  private static String known(String name) {
    String k = key(name);
    if (!Families.ALL.containsKey(k)) {
      throw unknown(name);
    }
    return k;
  }

  /** MobileNetV1 (α = 1): 4,231,976 parameters, 568.7 M MACs. */
  public static OnnxModel mobileNetV1(long seed) {
    return build("mobilenetv1", seed);
  }

  static OnnxModel mobileNetV1(GraphBuilder g, Families.Scale sc) {
    String x = Families.input(g, sc);
    x = g.layer("conv0").relu6(g.batchNorm(g.conv(x, sc.ch(32), 3, 2, 1)));
    int[][] dwStridePwOut = {
      {1, 64}, {2, 128}, {1, 128}, {2, 256}, {1, 256}, {2, 512}, {1, 512}, {1, 512}, {1, 512},
      {1, 512}, {1, 512}, {2, 1024}, {1, 1024}
    };
    for (int i = 0; i < dwStridePwOut.length; i++) {
      int[] b = dwStridePwOut[i];
      int c = (int) g.shape(x)[1];
      x = g.layer("block" + (i + 1) + ".dw").relu6(g.batchNorm(g.conv(x, c, 3, b[0], c)));
      x = g.layer("block" + (i + 1) + ".pw").relu6(g.batchNorm(g.conv(x, sc.ch(b[1]), 1, 1, 1)));
    }
    return head(g, x);
  }

  /** MobileNetV2 (torchvision, width 1.0): 3,504,872 parameters, 300.8 M MACs. */
  public static OnnxModel mobileNetV2(long seed) {
    return build("mobilenetv2", seed);
  }

  static OnnxModel mobileNetV2(GraphBuilder g, Families.Scale sc) {
    String x = Families.input(g, sc);
    x = g.layer("conv0").relu6(g.batchNorm(g.conv(x, sc.ch(32), 3, 2, 1)));
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
        int out = sc.ch(s[1]);
        String p = "block" + block++ + ".";
        String y = x;
        if (s[0] != 1) {
          y = g.layer(p + "expand").relu6(g.batchNorm(g.conv(y, hidden, 1, 1, 1)));
        }
        y = g.layer(p + "dw").relu6(g.batchNorm(g.conv(y, hidden, 3, stride, hidden)));
        y = g.layer(p + "project").batchNorm(g.conv(y, out, 1, 1, 1));
        x = stride == 1 && in == out ? g.layer(p + "add").add(x, y) : y;
      }
    }
    int last = sc.width() > 1 ? sc.ch(1280) : 1280;
    x = g.layer("conv_last").relu6(g.batchNorm(g.conv(x, last, 1, 1, 1)));
    return head(g, x);
  }

  /** ResNet18 (torchvision): 11,689,512 parameters, 1,814.1 M MACs. */
  public static OnnxModel resNet18(long seed) {
    return build("resnet18", seed);
  }

  /** ResNet50 v1.5 (torchvision): 25,557,032 parameters, 4,089.2 M MACs. */
  public static OnnxModel resNet50(long seed) {
    return build("resnet50", seed);
  }

  static OnnxModel resNet(GraphBuilder g, Families.Scale sc, int[] blocks, boolean bottleneck) {
    String x = Families.input(g, sc);
    x = g.layer("conv1").relu(g.batchNorm(g.conv(x, sc.ch(64), 7, 2, 3, 1, false)));
    x = g.layer("maxpool").maxPool(x, 3, 2, 1);
    int[] widths = {64, 128, 256, 512};
    for (int stage = 0; stage < 4; stage++) {
      int w = sc.ch(widths[stage]);
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

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
  }

  private static BadInputException unknown(String name) {
    return new BadInputException(
        "network '"
            + name
            + "' is not one of "
            + String.join(", ", NAMES)
            + " (optionally -wWIDTH and -rRESOLUTION, e.g. mobilenetv2-w0.5-r160)");
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

  /**
   * The structure (no weight values) of one convolution with bias, named {@code layer} "conv", on a
   * 1×{@code in}×{@code h}×{@code w} input, padded so that the output is {@code ceil(size /
   * stride)} (the extra pad at the end): what the virtual board's {@code conv-k...} networks derive
   * from.
   */
  public static OnnxModel singleConvStructure(
      String name, int kernel, int stride, int in, int out, int h, int w) {
    GraphBuilder g = GraphBuilder.structure(name);
    String x = g.input(INPUT, 1, in, h, w);
    return g.build(g.layer("conv").convSame(x, out, kernel, stride, 1, true));
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
