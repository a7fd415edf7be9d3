package io.inferwatt.engines.models;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The built-in networks, as an engine like TensorRT runs them: each convolution with its batch norm
 * and activation fused into one {@code Conv} (or {@code DepthwiseConv}) layer, residual {@code Add}
 * layers, {@code Pool}, a {@code Shuffle} (flatten) before the fully connected {@code Gemm}, and an
 * input {@code Reformat} first. Inputs are 3×224×224 and outputs 1000 classes.
 *
 * <p>Architectures follow torchvision (MobileNetV2, ResNet18, ResNet50 v1.5) and Howard et al. 2017
 * (MobileNetV1, α = 1, last depthwise stride 1). Parameters count conv weights, batch-norm scale
 * and shift and FC weight and bias; MACs count convolutions and the FC layer only, so they equal
 * the published counts (MobileNetV1 4,231,976 / 568.7 M; MobileNetV2 3,504,872 / 300.8 M; ResNet18
 * 11,689,512 / 1,814.1 M; ResNet50 25,557,032 / 4,089.2 M).
 */
public final class Zoo {

  /** Input channels, height and width of every zoo network. */
  private static final int IN_C = 3;

  private static final int IN_HW = 224;
  private static final int CLASSES = 1000;

  private static final Map<String, Supplier<NetworkSpec>> NETWORKS = new TreeMap<>();

  static {
    NETWORKS.put("mobilenetv1", Zoo::mobileNetV1);
    NETWORKS.put("mobilenetv2", Zoo::mobileNetV2);
    NETWORKS.put("resnet18", () -> resNet("resnet18", false, new int[] {2, 2, 2, 2}));
    NETWORKS.put("resnet50", () -> resNet("resnet50", true, new int[] {3, 4, 6, 3}));
  }

  private Zoo() {}

  /** The names {@link #network} knows, in alphabetical order. */
  public static List<String> names() {
    return List.copyOf(NETWORKS.keySet());
  }

  /**
   * A built-in network at 3×224×224.
   *
   * @param name one of {@link #names()}, case-insensitive
   * @throws IllegalArgumentException for an unknown name (the message lists the known ones)
   */
  public static NetworkSpec network(String name) {
    Supplier<NetworkSpec> s =
        name == null ? null : NETWORKS.get(name.toLowerCase(java.util.Locale.ROOT));
    if (s == null) {
      throw new BadInputException(
          "network '" + name + "' is not one of " + String.join(", ", NETWORKS.keySet()));
    }
    return s.get();
  }

  /**
   * A single-convolution network (paper Fig. 11): the input reformat, then one dense convolution
   * with bias, padding {@code (kernel-1)/2} so that the size stays at stride 1 (the output is
   * {@code ceil(h/stride)} × {@code ceil(w/stride)}). Named {@code
   * conv-k<k>-s<s>-c<in>x<out>-<h>x<w>}.
   *
   * @param kernel square kernel size, at least 1
   * @param stride stride, at least 1
   * @param inChannels input channels, at least 1
   * @param outChannels output channels, at least 1
   * @param h input height in pixels, at least 1
   * @param w input width in pixels, at least 1
   */
  public static NetworkSpec singleConv(
      int kernel, int stride, int inChannels, int outChannels, int h, int w) {
    if (kernel < 1 || stride < 1 || inChannels < 1 || outChannels < 1 || h < 1 || w < 1) {
      throw new BadInputException(
          "single conv needs positive kernel, stride, channels and size, not k="
              + kernel
              + " s="
              + stride
              + " in="
              + inChannels
              + " out="
              + outChannels
              + " h="
              + h
              + " w="
              + w);
    }
    String name =
        "conv-k"
            + kernel
            + "-s"
            + stride
            + "-c"
            + inChannels
            + "x"
            + outChannels
            + "-"
            + h
            + "x"
            + w;
    return new NetBuilder(name, inChannels, h, w)
        .reformat("input_reformat")
        .conv("conv", kernel, stride, outChannels, false, true)
        .build();
  }

  /**
   * The first {@code n} layers of a network, named {@code <name>-prefix<n>} (paper §III.D: a small
   * network made of the first layers of MobileNetV2).
   *
   * @throws IllegalArgumentException when {@code n} is not in 1..layer count
   */
  public static NetworkSpec prefix(NetworkSpec network, int n) {
    int size = network.layers().size();
    if (n < 1 || n > size) {
      throw new BadInputException(
          "prefix length " + n + " is not in 1.." + size + " for " + network.name());
    }
    List<LayerSpec> first = network.layers().subList(0, n);
    return new NetworkSpec(network.name() + "-prefix" + n, network.inputShape(), first);
  }

  private static NetworkSpec mobileNetV1() {
    NetBuilder b = new NetBuilder("mobilenetv1", IN_C, IN_HW, IN_HW);
    b.reformat("input_reformat").conv("conv0", 3, 2, 32, true, false);
    int[][] dwPw = {
      {1, 64}, {2, 128}, {1, 128}, {2, 256}, {1, 256}, {2, 512}, {1, 512}, {1, 512}, {1, 512},
      {1, 512}, {1, 512}, {2, 1024}, {1, 1024}
    };
    for (int i = 0; i < dwPw.length; i++) {
      b.dw("block" + (i + 1) + ".dw", 3, dwPw[i][0]);
      b.conv("block" + (i + 1) + ".pw", 1, 1, dwPw[i][1], true, false);
    }
    return b.globalPool("pool").flatten("flatten").gemm("fc", CLASSES).build();
  }

  private static NetworkSpec mobileNetV2() {
    NetBuilder b = new NetBuilder("mobilenetv2", IN_C, IN_HW, IN_HW);
    b.reformat("input_reformat").conv("conv0", 3, 2, 32, true, false);
    // t (expansion), c (out channels), n (repeats), s (first stride): torchvision's table
    int[][] settings = {
      {1, 16, 1, 1},
      {6, 24, 2, 2},
      {6, 32, 3, 2},
      {6, 64, 4, 2},
      {6, 96, 3, 1},
      {6, 160, 3, 2},
      {6, 320, 1, 1}
    };
    int block = 1;
    for (int[] s : settings) {
      for (int r = 0; r < s[2]; r++) {
        int stride = r == 0 ? s[3] : 1;
        int in = b.channels();
        String p = "block" + block + ".";
        if (s[0] != 1) {
          b.conv(p + "expand", 1, 1, in * s[0], true, false);
        }
        b.dw(p + "dw", 3, stride);
        b.conv(p + "project", 1, 1, s[1], true, false);
        if (stride == 1 && in == s[1]) {
          b.add(p + "add");
        }
        block++;
      }
    }
    b.conv("conv_last", 1, 1, 1280, true, false);
    return b.globalPool("pool").flatten("flatten").gemm("fc", CLASSES).build();
  }

  private static NetworkSpec resNet(String name, boolean bottleneck, int[] blocks) {
    NetBuilder b = new NetBuilder(name, IN_C, IN_HW, IN_HW);
    b.reformat("input_reformat").conv("conv1", 7, 2, 64, true, false).pool("maxpool", 3, 2);
    int[] widths = {64, 128, 256, 512};
    int expansion = bottleneck ? 4 : 1;
    for (int stage = 0; stage < 4; stage++) {
      for (int i = 0; i < blocks[stage]; i++) {
        int stride = stage > 0 && i == 0 ? 2 : 1;
        int inC = b.channels();
        int inH = b.height();
        int inW = b.width();
        int outC = widths[stage] * expansion;
        String p = "layer" + (stage + 1) + "." + i + ".";
        if (bottleneck) {
          b.conv(p + "conv1", 1, 1, widths[stage], true, false);
          b.conv(p + "conv2", 3, stride, widths[stage], true, false);
          b.conv(p + "conv3", 1, 1, outC, true, false);
        } else {
          b.conv(p + "conv1", 3, stride, widths[stage], true, false);
          b.conv(p + "conv2", 3, 1, widths[stage], true, false);
        }
        int outH = b.height();
        int outW = b.width();
        if (stride != 1 || inC != outC) {
          // the projection shortcut runs on the block's input
          b.shape(inC, inH, inW);
          b.conv(p + "downsample", 1, stride, outC, true, false);
        }
        b.shape(outC, outH, outW);
        b.add(p + "add");
      }
    }
    return b.globalPool("pool").flatten("flatten").gemm("fc", CLASSES).build();
  }
}
