package io.inferwatt.engines.onnx;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network families prediction papers evaluate on, after torchvision's architectures, with a
 * width multiplier (channels scaled and rounded to a multiple of 8, of 16 for RegNet's group width)
 * and an input resolution: SqueezeNet 1.1, ShuffleNetV2 ×1.0, MnasNet 1.0, MobileNetV3 small and
 * large, EfficientNet-B0, GoogLeNet (without its auxiliary heads), RegNetX-400MF, DenseNet-121,
 * VGG-11 and VGG-16 (without batch norm), ResNet-34 and ResNet-101. Every network ends in 1000
 * logits; global pooling before the classifier (VGG: its flatten of the last feature map, as in
 * torchvision at 224, so its FC weights grow with the resolution).
 */
final class Families {

  /** Width and resolution of one build. */
  record Scale(double width, int resolution) {
    /** {@code c} channels scaled by the width, a multiple of {@code divisor}, at least one. */
    int ch(int c, int divisor) {
      return width == 1 ? c : divisible(c * width, divisor);
    }

    int ch(int c) {
      return ch(c, 8);
    }
  }

  /**
   * {@code v} rounded to the nearest multiple of {@code divisor}, at least {@code divisor} and not
   * below 90 % of {@code v} (torchvision's {@code _make_divisible}).
   */
  static int divisible(double v, int divisor) {
    int r = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
    return r < 0.9 * v ? r + divisor : r;
  }

  /** A family's graph, drawn into a builder. */
  interface Family {
    OnnxModel build(GraphBuilder g, Scale s);
  }

  static final Map<String, Family> ALL = all();

  private Families() {}

  private static Map<String, Family> all() {
    Map<String, Family> m = new LinkedHashMap<>();
    m.put("mobilenetv1", Networks::mobileNetV1);
    m.put("mobilenetv2", Networks::mobileNetV2);
    m.put("resnet18", (g, s) -> Networks.resNet(g, s, new int[] {2, 2, 2, 2}, false));
    m.put("resnet34", (g, s) -> Networks.resNet(g, s, new int[] {3, 4, 6, 3}, false));
    m.put("resnet50", (g, s) -> Networks.resNet(g, s, new int[] {3, 4, 6, 3}, true));
    m.put("resnet101", (g, s) -> Networks.resNet(g, s, new int[] {3, 4, 23, 3}, true));
    m.put("squeezenet", Families::squeezeNet);
    m.put("shufflenetv2", Families::shuffleNetV2);
    m.put("mnasnet", Families::mnasNet);
    m.put("mobilenetv3small", (g, s) -> mobileNetV3(g, s, false));
    m.put("mobilenetv3large", (g, s) -> mobileNetV3(g, s, true));
    m.put("efficientnetb0", Families::efficientNetB0);
    m.put("googlenet", Families::googLeNet);
    m.put("regnetx400mf", Families::regNetX400mf);
    m.put("densenet121", Families::denseNet121);
    m.put("vgg11", (g, s) -> vgg(g, s, new int[] {1, 1, 2, 2, 2}));
    m.put("vgg16", (g, s) -> vgg(g, s, new int[] {2, 2, 3, 3, 3}));
    return Map.copyOf(m);
  }

  /** The family names, in the order {@code models list} shows them. */
  static final List<String> NAMES =
      List.of(
          "mobilenetv1",
          "mobilenetv2",
          "resnet18",
          "resnet50",
          "resnet34",
          "resnet101",
          "squeezenet",
          "shufflenetv2",
          "mnasnet",
          "mobilenetv3small",
          "mobilenetv3large",
          "efficientnetb0",
          "googlenet",
          "regnetx400mf",
          "densenet121",
          "vgg11",
          "vgg16");

  static String input(GraphBuilder g, Scale s) {
    return g.input(Networks.INPUT, 1, 3, s.resolution(), s.resolution());
  }

  /** Conv (no bias), batch norm, ReLU as one named layer. */
  private static String cbr(
      GraphBuilder g, String layer, String x, int out, int k, int st, int groups) {
    return g.layer(layer).relu(g.batchNorm(g.conv(x, out, k, st, groups)));
  }

  private static OnnxModel classifier(GraphBuilder g, String x) {
    x = g.layer("pool").globalAveragePool(x);
    x = g.layer("flatten").flatten(x);
    return g.build(g.layer("fc").gemm(x, 1000));
  }

  // ------------------------------------------------------------------ SqueezeNet 1.1

  private static OnnxModel squeezeNet(GraphBuilder g, Scale s) {
    String x = input(g, s);
    x = g.layer("conv1").relu(g.conv(x, s.ch(64), 3, 2, 0, 1, true));
    x = g.layer("pool1").maxPoolCeil(x, 3, 2, 0);
    int[][] fires = {
      {16, 64}, {16, 64}, {0}, {32, 128}, {32, 128}, {0}, {48, 192}, {48, 192}, {64, 256}, {64, 256}
    };
    int f = 2;
    int p = 2;
    for (int[] fire : fires) {
      if (fire[0] == 0) {
        x = g.layer("pool" + p++).maxPoolCeil(x, 3, 2, 0);
        continue;
      }
      String n = "fire" + f++ + ".";
      String sq = g.layer(n + "squeeze").relu(g.conv(x, s.ch(fire[0]), 1, 1, 0, 1, true));
      String e1 = g.layer(n + "expand1x1").relu(g.conv(sq, s.ch(fire[1]), 1, 1, 0, 1, true));
      String e3 = g.layer(n + "expand3x3").relu(g.conv(sq, s.ch(fire[1]), 3, 1, 1, 1, true));
      x = g.layer(n + "concat").concat(e1, e3);
    }
    x = g.layer("classifier").relu(g.conv(x, 1000, 1, 1, 0, 1, true));
    x = g.layer("pool").globalAveragePool(x);
    return g.build(g.layer("flatten").flatten(x));
  }

  // ------------------------------------------------------------------ ShuffleNetV2 x1.0

  private static OnnxModel shuffleNetV2(GraphBuilder g, Scale s) {
    String x = input(g, s);
    x = cbr(g, "conv1", x, s.ch(24), 3, 2, 1);
    x = g.layer("maxpool").maxPool(x, 3, 2, 1);
    int[] repeats = {4, 8, 4};
    int[] widths = {116, 232, 464};
    for (int st = 0; st < 3; st++) {
      int out = s.width() == 1 ? widths[st] : s.ch(widths[st] / 2, 4) * 2; // even
      for (int r = 0; r < repeats[st]; r++) {
        String n = "stage" + (st + 2) + "." + r + ".";
        int half = out / 2;
        String left;
        String right;
        if (r == 0) {
          int in = (int) g.shape(x)[1];
          left = g.layer(n + "branch1.dw").batchNorm(g.conv(x, in, 3, 2, in));
          left = cbr(g, n + "branch1.pw", left, half, 1, 1, 1);
          right = x;
        } else {
          long c = g.shape(x)[1];
          left = g.layer(n + "split0").sliceChannels(x, 0, c / 2);
          right = g.layer(n + "split1").sliceChannels(x, c / 2, c);
        }
        int stride = r == 0 ? 2 : 1;
        right = cbr(g, n + "branch2.pw1", right, half, 1, 1, 1);
        right = g.layer(n + "branch2.dw").batchNorm(g.conv(right, half, 3, stride, half));
        right = cbr(g, n + "branch2.pw2", right, half, 1, 1, 1);
        x = g.layer(n + "concat").concat(left, right);
        x = g.layer(n + "shuffle").channelShuffle(x, 2);
      }
    }
    x = cbr(g, "conv5", x, s.width() > 1.5 ? s.ch(1024) : 1024, 1, 1, 1);
    return classifier(g, x);
  }

  // ------------------------------------------------------------------ MnasNet 1.0

  private static OnnxModel mnasNet(GraphBuilder g, Scale s) {
    String x = input(g, s);
    x = cbr(g, "stem", x, s.ch(32), 3, 2, 1);
    int c = (int) g.shape(x)[1];
    x = cbr(g, "stem.dw", x, c, 3, 1, c);
    x = g.layer("stem.pw").batchNorm(g.conv(x, s.ch(16), 1, 1, 1));
    int[][] stacks = { // expansion, kernel, stride, repeats, out
      {3, 3, 2, 3, 24},
      {3, 5, 2, 3, 40},
      {6, 5, 2, 3, 80},
      {6, 3, 1, 2, 96},
      {6, 5, 2, 4, 192},
      {6, 3, 1, 1, 320}
    };
    int block = 1;
    for (int[] st : stacks) {
      for (int r = 0; r < st[3]; r++) {
        x =
            invertedResidual(
                g,
                "block" + block++ + ".",
                x,
                st[0],
                st[1],
                r == 0 ? st[2] : 1,
                s.ch(st[4]),
                Act.RELU,
                0);
      }
    }
    x = cbr(g, "conv_last", x, 1280, 1, 1, 1);
    return classifier(g, x);
  }

  enum Act {
    RELU,
    HARDSWISH,
    SWISH
  }

  private static String act(GraphBuilder g, String x, Act a) {
    return switch (a) {
      case RELU -> g.relu(x);
      case HARDSWISH -> g.hardSwish(x);
      case SWISH -> g.swish(x);
    };
  }

  /**
   * An inverted residual (MobileNetV2/V3, MnasNet, EfficientNet's MBConv): expansion 1×1, depthwise
   * k×k, optional squeeze-excitation of {@code se} channels, projection 1×1, residual when the
   * shape stays.
   */
  private static String invertedResidual(
      GraphBuilder g,
      String n,
      String x,
      double expansion,
      int k,
      int stride,
      int out,
      Act a,
      int se) {
    return invertedResidualTo(
        g, n, x, (int) Math.round(g.shape(x)[1] * expansion), k, stride, out, a, se);
  }

  private static String invertedResidualTo(
      GraphBuilder g, String n, String x, int hidden, int k, int stride, int out, Act a, int se) {
    int in = (int) g.shape(x)[1];
    String y = x;
    if (hidden != in) {
      y = act(g, g.layer(n + "expand").batchNorm(g.conv(y, hidden, 1, 1, 1)), a);
    }
    y = act(g, g.layer(n + "dw").batchNorm(g.conv(y, hidden, k, stride, hidden)), a);
    if (se > 0) {
      y = squeezeExcite(g, n + "se.", y, se, a == Act.SWISH);
    }
    y = g.layer(n + "project").batchNorm(g.conv(y, out, 1, 1, 1));
    return stride == 1 && in == out ? g.layer(n + "add").add(x, y) : y;
  }

  /**
   * Squeeze-excitation: global pool, 1×1 conv (bias) with ReLU (Swish for EfficientNet), 1×1 conv
   * (bias) with a hard sigmoid (sigmoid for EfficientNet), the gate times the input.
   */
  private static String squeezeExcite(
      GraphBuilder g, String n, String x, int squeeze, boolean effnet) {
    int c = (int) g.shape(x)[1];
    String p = g.layer(n + "pool").globalAveragePool(x);
    String f = g.layer(n + "fc1").conv(p, squeeze, 1, 1, 0, 1, true);
    f = effnet ? g.swish(f) : g.relu(f);
    String gate = g.layer(n + "fc2").conv(f, c, 1, 1, 0, 1, true);
    gate = effnet ? g.sigmoid(gate) : g.hardSigmoid(gate);
    return g.layer(n + "scale").mul(x, gate);
  }

  // ------------------------------------------------------------------ MobileNetV3

  private static OnnxModel mobileNetV3(GraphBuilder g, Scale s, boolean large) {
    // kernel, expanded channels, out, squeeze-excite, hard-swish, stride
    int[][] large3 = {
      {3, 16, 16, 0, 0, 1}, {3, 64, 24, 0, 0, 2}, {3, 72, 24, 0, 0, 1}, {5, 72, 40, 1, 0, 2},
      {5, 120, 40, 1, 0, 1}, {5, 120, 40, 1, 0, 1}, {3, 240, 80, 0, 1, 2}, {3, 200, 80, 0, 1, 1},
      {3, 184, 80, 0, 1, 1}, {3, 184, 80, 0, 1, 1}, {3, 480, 112, 1, 1, 1}, {3, 672, 112, 1, 1, 1},
      {5, 672, 160, 1, 1, 2}, {5, 960, 160, 1, 1, 1}, {5, 960, 160, 1, 1, 1}
    };
    int[][] small3 = {
      {3, 16, 16, 1, 0, 2}, {3, 72, 24, 0, 0, 2}, {3, 88, 24, 0, 0, 1}, {5, 96, 40, 1, 1, 2},
      {5, 240, 40, 1, 1, 1}, {5, 240, 40, 1, 1, 1}, {5, 120, 48, 1, 1, 1}, {5, 144, 48, 1, 1, 1},
      {5, 288, 96, 1, 1, 2}, {5, 576, 96, 1, 1, 1}, {5, 576, 96, 1, 1, 1}
    };
    String x = input(g, s);
    x = g.hardSwish(g.layer("stem").batchNorm(g.conv(x, s.ch(16), 3, 2, 1)));
    int block = 1;
    for (int[] b : large ? large3 : small3) {
      int hidden = s.ch(b[1]);
      int se = b[3] == 1 ? divisible(hidden / 4, 8) : 0;
      x =
          invertedResidualTo(
              g,
              "block" + block++ + ".",
              x,
              hidden,
              b[0],
              b[5],
              s.ch(b[2]),
              b[4] == 1 ? Act.HARDSWISH : Act.RELU,
              se);
    }
    int last = 6 * (int) g.shape(x)[1];
    x = g.hardSwish(g.layer("conv_last").batchNorm(g.conv(x, last, 1, 1, 1)));
    x = g.layer("pool").globalAveragePool(x);
    x = g.layer("flatten").flatten(x);
    x = g.layer("fc1").hardSwish(g.gemm(x, large ? 1280 : 1024));
    return g.build(g.layer("fc").gemm(x, 1000));
  }

  // ------------------------------------------------------------------ EfficientNet-B0

  private static OnnxModel efficientNetB0(GraphBuilder g, Scale s) {
    String x = input(g, s);
    x = g.swish(g.layer("stem").batchNorm(g.conv(x, s.ch(32), 3, 2, 1)));
    int[][] stages = { // expansion, kernel, stride, out, repeats
      {1, 3, 1, 16, 1},
      {6, 3, 2, 24, 2},
      {6, 5, 2, 40, 2},
      {6, 3, 2, 80, 3},
      {6, 5, 1, 112, 3},
      {6, 5, 2, 192, 4},
      {6, 3, 1, 320, 1}
    };
    int block = 1;
    for (int[] st : stages) {
      for (int r = 0; r < st[4]; r++) {
        int in = (int) g.shape(x)[1];
        x =
            invertedResidual(
                g,
                "block" + block++ + ".",
                x,
                st[0],
                st[1],
                r == 0 ? st[2] : 1,
                s.ch(st[3]),
                Act.SWISH,
                Math.max(1, in / 4));
      }
    }
    x = g.swish(g.layer("conv_last").batchNorm(g.conv(x, s.ch(1280), 1, 1, 1)));
    return classifier(g, x);
  }

  // ------------------------------------------------------------------ GoogLeNet

  private static OnnxModel googLeNet(GraphBuilder g, Scale s) {
    String x = input(g, s);
    x = cbr(g, "conv1", x, s.ch(64), 7, 2, 1);
    x = g.layer("maxpool1").maxPoolCeil(x, 3, 2, 0);
    x = cbr(g, "conv2", x, s.ch(64), 1, 1, 1);
    x = cbr(g, "conv3", x, s.ch(192), 3, 1, 1);
    x = g.layer("maxpool2").maxPoolCeil(x, 3, 2, 0);
    int[][] inc = {
      {64, 96, 128, 16, 32, 32}, {128, 128, 192, 32, 96, 64}, {0},
      {192, 96, 208, 16, 48, 64}, {160, 112, 224, 24, 64, 64}, {128, 128, 256, 24, 64, 64},
      {112, 144, 288, 32, 64, 64}, {256, 160, 320, 32, 128, 128}, {1},
      {256, 160, 320, 32, 128, 128}, {384, 192, 384, 48, 128, 128}
    };
    String[] names = {"3a", "3b", "", "4a", "4b", "4c", "4d", "4e", "", "5a", "5b"};
    for (int i = 0; i < inc.length; i++) {
      int[] c = inc[i];
      if (c.length == 1) {
        x =
            c[0] == 0
                ? g.layer("maxpool3").maxPoolCeil(x, 3, 2, 0)
                : g.layer("maxpool4").maxPoolCeil(x, 2, 2, 0);
        continue;
      }
      String n = "inception" + names[i] + ".";
      String b1 = cbr(g, n + "b1", x, s.ch(c[0]), 1, 1, 1);
      String b2 = cbr(g, n + "b2.reduce", x, s.ch(c[1]), 1, 1, 1);
      b2 = cbr(g, n + "b2", b2, s.ch(c[2]), 3, 1, 1);
      String b3 = cbr(g, n + "b3.reduce", x, s.ch(c[3]), 1, 1, 1);
      b3 = cbr(g, n + "b3", b3, s.ch(c[4]), 3, 1, 1);
      String b4 = g.layer(n + "b4.pool").maxPoolCeil(x, 3, 1, 1);
      b4 = cbr(g, n + "b4", b4, s.ch(c[5]), 1, 1, 1);
      x = g.layer(n + "concat").concat(b1, b2, b3, b4);
    }
    return classifier(g, x);
  }

  // ------------------------------------------------------------------ RegNetX-400MF

  private static OnnxModel regNetX400mf(GraphBuilder g, Scale s) {
    String x = input(g, s);
    x = cbr(g, "stem", x, s.ch(32), 3, 2, 1);
    int[] depths = {1, 2, 7, 12};
    int[] widths = {32, 64, 160, 400};
    for (int st = 0; st < 4; st++) {
      int w = s.ch(widths[st], 16);
      for (int b = 0; b < depths[st]; b++) {
        int stride = b == 0 ? 2 : 1;
        int in = (int) g.shape(x)[1];
        String n = "s" + (st + 1) + ".b" + (b + 1) + ".";
        String y = cbr(g, n + "a", x, w, 1, 1, 1);
        y = cbr(g, n + "b", y, w, 3, stride, w / 16);
        y = g.layer(n + "c").batchNorm(g.conv(y, w, 1, 1, 1));
        String shortcut =
            stride != 1 || in != w ? g.layer(n + "proj").batchNorm(g.conv(x, w, 1, stride, 1)) : x;
        x = g.layer(n + "add").relu(g.add(y, shortcut));
      }
    }
    return classifier(g, x);
  }

  // ------------------------------------------------------------------ DenseNet-121

  private static OnnxModel denseNet121(GraphBuilder g, Scale s) {
    String x = input(g, s);
    x = cbr(g, "conv0", x, s.ch(64), 7, 2, 1);
    x = g.layer("pool0").maxPool(x, 3, 2, 1);
    int growth = s.ch(32);
    int[] blocks = {6, 12, 24, 16};
    for (int b = 0; b < blocks.length; b++) {
      for (int l = 0; l < blocks[b]; l++) {
        String n = "block" + (b + 1) + ".layer" + (l + 1) + ".";
        String y = g.layer(n + "norm1").relu(g.batchNorm(x));
        y = cbr(g, n + "conv1", y, 4 * growth, 1, 1, 1);
        y = g.layer(n + "conv2").conv(y, growth, 3, 1, 1);
        x = g.layer(n + "concat").concat(x, y);
      }
      if (b < blocks.length - 1) {
        String n = "transition" + (b + 1) + ".";
        int c = (int) g.shape(x)[1];
        x = g.layer(n + "norm").relu(g.batchNorm(x));
        x = g.layer(n + "conv").conv(x, c / 2, 1, 1, 1);
        x = g.layer(n + "pool").averagePool(x, 2, 2, 0);
      }
    }
    x = g.layer("norm5").relu(g.batchNorm(x));
    return classifier(g, x);
  }

  // ------------------------------------------------------------------ VGG

  private static OnnxModel vgg(GraphBuilder g, Scale s, int[] convsPerStage) {
    String x = input(g, s);
    int[] widths = {64, 128, 256, 512, 512};
    int conv = 0;
    for (int st = 0; st < 5; st++) {
      for (int c = 0; c < convsPerStage[st]; c++) {
        x = g.layer("conv" + conv++).relu(g.conv(x, s.ch(widths[st]), 3, 1, 1, 1, true));
      }
      x = g.layer("pool" + (st + 1)).maxPool(x, 2, 2, 0);
    }
    x = g.layer("flatten").flatten(x);
    x = g.layer("fc1").relu(g.gemm(x, s.ch(4096)));
    x = g.layer("fc2").relu(g.gemm(x, s.ch(4096)));
    return g.build(g.layer("fc").gemm(x, 1000));
  }
}
