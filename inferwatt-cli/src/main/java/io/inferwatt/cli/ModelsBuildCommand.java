package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import io.inferwatt.engines.onnx.LayerGraph;
import io.inferwatt.engines.onnx.Networks;
import io.inferwatt.engines.onnx.OnnxModel;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code models build NAME --out FILE}. */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description =
        "Write a network (see models list; --width, --resolution) or a single layer (conv, layer) as ONNX.")
final class ModelsBuildCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "a network name, conv, or layer")
  String name;

  @Option(
      names = "--out",
      required = true,
      description = "the ONNX file to write (an existing file is replaced)")
  Path out;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "seed of the random weights (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--width",
      defaultValue = "1",
      description = "network: channel width multiplier, 0.125 to 4 (default: ${DEFAULT-VALUE})")
  double width;

  @Option(
      names = "--resolution",
      defaultValue = "224",
      description = "network: input height and width, 32 to 1024 (default: ${DEFAULT-VALUE})")
  int resolution;

  @Option(names = "--kernel", description = "conv: kernel size")
  Integer kernel;

  @Option(
      names = "--stride",
      defaultValue = "1",
      description = "conv: stride (default: ${DEFAULT-VALUE})")
  int stride;

  @Option(names = "--in", description = "conv: input channels")
  Integer in;

  @Option(
      names = "--out-channels",
      description = "conv: output channels (also --oc)",
      paramLabel = "N")
  Integer outChannels;

  @Option(names = "--oc", hidden = true)
  Integer oc;

  @Option(names = "--size", description = "conv, layer: input height and width")
  Integer size;

  @Option(
      names = "--groups",
      defaultValue = "1",
      description = "conv: groups (= --in for depthwise; default: ${DEFAULT-VALUE})")
  int groups;

  @Option(
      names = "--type",
      description =
          "layer: " + "BatchNormalization, Relu, Relu6, Add, MaxPool, GlobalAveragePool, Gemm")
  String type;

  @Option(names = "--channels", description = "layer: input channels (Gemm: input features)")
  Integer channels;

  @Option(
      names = "--features",
      defaultValue = "1000",
      description = "layer Gemm: output features (default: ${DEFAULT-VALUE})")
  int features;

  @Override
  public Integer call() {
    new OutputCheck().outputMakingFolders("--out", out).check();
    OnnxModel m;
    switch (name.toLowerCase(Locale.ROOT)) {
      case "conv" -> {
        Integer o = outChannels != null ? outChannels : oc;
        require(kernel, "--kernel");
        require(in, "--in");
        require(o, "--out-channels");
        require(size, "--size");
        ModelsCommand.checkWeights(
            (double) o * Math.max(1, in / Math.max(1, groups)) * kernel * kernel,
            "use a smaller --kernel, --in or --out-channels");
        m = Networks.conv(kernel, stride, in, o, size, groups, seed);
      }
      case "layer" -> {
        if (type == null) {
          throw new BadInputException(
              "layer needs --type (one of " + String.join(", ", Networks.layerTypes()) + ")");
        }
        require(channels, "--channels");
        if (!type.equalsIgnoreCase("Gemm")) {
          require(size, "--size");
        }
        if (type.equalsIgnoreCase("Gemm")) {
          ModelsCommand.checkWeights(
              (double) channels * features, "use a smaller --channels or --features");
        }
        m = Networks.layer(type, channels, size == null ? 0 : size, features, seed);
      }
      default -> {
        Networks.structure(name); // refuses an unknown name, listing the known ones
        Networks.Variant x = Networks.variant(name).orElseThrow();
        Networks.Variant v =
            new Networks.Variant(
                x.family(),
                width != 1 ? width : x.width(),
                resolution != Networks.RESOLUTION ? resolution : x.resolution());
        ModelsCommand.checkWeights(
            LayerGraph.derive(Networks.structure(v.name())).params(),
            "use a smaller --width or --resolution");
        m = Networks.build(v.family(), seed, v.width(), v.resolution());
      }
    }
    ModelsCommand.write(m, out, spec.commandLine().getOut());
    return 0;
  }

  private void require(Integer v, String option) {
    if (v == null) {
      throw new BadInputException(name + " needs " + option);
    }
  }
}
