package io.inferwatt.engines.models;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.ModelName;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.engines.onnx.LayerGraph;
import io.inferwatt.engines.onnx.Networks;
import java.util.List;

/**
 * The built-in networks, as an engine like TensorRT runs them: each convolution with its batch norm
 * and activation fused into one {@code Conv} (or {@code DepthwiseConv}) layer, residual {@code Add}
 * layers, {@code Pool}, a {@code Shuffle} (flatten) before the fully connected {@code Gemm}, and an
 * input {@code Reformat} first. Inputs are 3×224×224 unless a name asks for another resolution, and
 * outputs 1000 classes. The catalogue is {@link Networks} (the paper's four networks and the other
 * families): each layer list is derived from that network's ONNX graph ({@link LayerGraph}), so the
 * virtual board runs the same networks as the real ones.
 *
 * <p>Architectures follow torchvision (MobileNetV2, ResNet18, ResNet50 v1.5, the other families)
 * and Howard et al. 2017 (MobileNetV1, α = 1, last depthwise stride 1). Parameters count conv
 * weights, batch-norm scale and shift and FC weight and bias; MACs count convolutions and the FC
 * layer only, so they equal the published counts (MobileNetV1 4,231,976 / 568.7 M; MobileNetV2
 * 3,504,872 / 300.8 M; ResNet18 11,689,512 / 1,814.1 M; ResNet50 25,557,032 / 4,089.2 M).
 */
public final class Zoo {

  private static final List<String> NAMES = Networks.names().stream().sorted().toList();

  private Zoo() {}

  /** The names {@link #network} knows, in alphabetical order. */
  public static List<String> names() {
    return NAMES;
  }

  /**
   * A built-in network, at 3×224×224 unless its name says otherwise.
   *
   * @param name one of {@link #names()}, case-insensitive, optionally with {@code -wWIDTH} (width
   *     multiplier) and {@code -rRESOLUTION} (input size)
   * @throws IllegalArgumentException for an unknown name (the message lists the known ones)
   */
  public static NetworkSpec network(String name) {
    Networks.Variant v =
        Networks.variant(name)
            .orElseThrow(
                () ->
                    new BadInputException(
                        "network '"
                            + name
                            + "' is not one of "
                            + String.join(", ", NAMES)
                            + " (optionally -wWIDTH and -rRESOLUTION)"));
    return LayerGraph.derive(Networks.structure(v.name()));
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
    String name = new ModelName.Conv(kernel, stride, inChannels, outChannels, h, w).name();
    return LayerGraph.derive(
        Networks.singleConvStructure(name, kernel, stride, inChannels, outChannels, h, w), name);
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
    return new NetworkSpec(
        new ModelName.Prefix(network.name(), n).name(), network.inputShape(), first);
  }
}
