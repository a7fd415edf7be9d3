package io.inferwatt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.core.BadInputException;
import io.inferwatt.engines.onnx.LayerGraph;
import io.inferwatt.engines.onnx.LayerSample;
import io.inferwatt.engines.onnx.ModelSummary;
import io.inferwatt.engines.onnx.ModelSummary.NodeSummary;
import io.inferwatt.engines.onnx.Networks;
import io.inferwatt.engines.onnx.OnnxGraphs;
import io.inferwatt.engines.onnx.OnnxInspector;
import io.inferwatt.engines.onnx.OnnxIo;
import io.inferwatt.engines.onnx.OnnxModel;
import io.inferwatt.engines.onnx.SampleManifest;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code inferwatt models}: the built-in networks and the model generators (single layers, the
 * first k nodes of a model, one node), and an inspector for any ONNX file.
 */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description =
        "Write the built-in networks, single layers, training samples and parts of models as ONNX;"
            + " inspect ONNX files.",
    subcommands = {
      ModelsCommand.ListCommand.class,
      ModelsCommand.BuildCommand.class,
      ModelsCommand.PrefixCommand.class,
      ModelsCommand.NodeCommand.class,
      ModelsCommand.InspectCommand.class,
      ModelsCommand.SampleCommand.class
    })
final class ModelsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  static Path checkedInput(Path file) {
    return Checks.inputFile("the model", file);
  }

  /** The most weights an ONNX file can hold without external data: 2 GiB of 4-byte floats. */
  static final long MAX_WEIGHTS = (1L << 31) / Float.BYTES - 1;

  /**
   * Refuses a generated layer whose weights an ONNX file cannot hold or this JVM cannot build (the
   * weights are held about three times while the file is written).
   */
  static void checkWeights(double weights, String change) {
    long heapBytes = Runtime.getRuntime().maxMemory();
    if (weights > MAX_WEIGHTS) {
      throw new BadInputException(
          String.format(
              Locale.ROOT,
              "the layer would have %.3g weights, over the %,d (2 GiB) an ONNX file can hold; %s",
              weights,
              MAX_WEIGHTS,
              change));
    }
    if (3 * weights * Float.BYTES > heapBytes) {
      throw new BadInputException(
          String.format(
              Locale.ROOT,
              "the layer's %.3g weights need about %d MiB to build, over this JVM's %d MiB"
                  + " (INFERWATT_JAVA_OPTS=-Xmx...); %s",
              weights,
              Math.round(3 * weights * Float.BYTES / (1 << 20)),
              heapBytes >> 20,
              change));
    }
  }

  /** Writes {@code m} to {@code out}, refusing an {@code out} that is {@code input}. */
  static void write(OnnxModel m, Path out, PrintWriter w) {
    try {
      OnnxIo.write(m, out);
    } catch (UncheckedIOException e) {
      throw IoErrors.failure("write the model to", out, e.getCause(), "choose another --out");
    }
    ModelSummary s = OnnxInspector.inspect(m);
    w.printf(
        Locale.ROOT,
        "wrote %s: %d nodes, %,d parameters, %.1f M MACs%n",
        out,
        s.nodes(),
        s.parameters(),
        s.macs() / 1e6);
  }

  /** {@code models list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the built-in networks and layer generators.")
  static final class ListCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          "%-16s  %6s  %6s  %12s  %10s%n", "network", "nodes", "layers", "parameters", "MACs (M)");
      for (String name : Networks.names()) {
        OnnxModel m = Networks.structure(name);
        ModelSummary s = OnnxInspector.inspect(m);
        out.printf(
            Locale.ROOT,
            "%-16s  %6d  %6d  %,12d  %10.1f%n",
            name,
            s.nodes(),
            LayerGraph.derive(m).layers().size(),
            s.parameters(),
            s.macs() / 1e6);
      }
      out.println();
      out.println(
          "generators: conv (--kernel --stride --in --out --size [--groups]), layer --type "
              + String.join("|", Networks.layerTypes())
              + " (--channels --size [--out])");
      out.println(
          "input 1x3x224x224 (--resolution), channels x --width, random weights from --seed"
              + " (latency and power do not depend on trained values); layers: as an engine fuses"
              + " them (what the virtual boards run)");
      return 0;
    }
  }

  /** {@code models build NAME --out FILE}. */
  @Command(
      name = "build",
      mixinStandardHelpOptions = true,
      description =
          "Write a network (see models list; --width, --resolution) or a single layer (conv, layer) as ONNX.")
  static final class BuildCommand implements Callable<Integer> {
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
          checkWeights(
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
            checkWeights((double) channels * features, "use a smaller --channels or --features");
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
          checkWeights(
              LayerGraph.derive(Networks.structure(v.name())).params(),
              "use a smaller --width or --resolution");
          m = Networks.build(v.family(), seed, v.width(), v.resolution());
        }
      }
      write(m, out, spec.commandLine().getOut());
      return 0;
    }

    private void require(Integer v, String option) {
      if (v == null) {
        throw new BadInputException(name + " needs " + option);
      }
    }
  }

  /** {@code models prefix MODEL --nodes k --out FILE}. */
  @Command(
      name = "prefix",
      mixinStandardHelpOptions = true,
      description = "Write the first k nodes of an ONNX model as a model of its own.")
  static final class PrefixCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.onnx")
    Path model;

    @Option(names = "--nodes", required = true, description = "nodes to keep, from the first")
    int nodes;

    @Option(
        names = "--out",
        required = true,
        description = "the ONNX file to write (an existing file is replaced)")
    Path out;

    @Override
    public Integer call() {
      new OutputCheck().input("the model", model).outputMakingFolders("--out", out).check();
      write(
          OnnxGraphs.prefix(OnnxIo.read(checkedInput(model)), nodes),
          out,
          spec.commandLine().getOut());
      return 0;
    }
  }

  /** {@code models node MODEL --index i --out FILE}. */
  @Command(
      name = "node",
      mixinStandardHelpOptions = true,
      description = "Write one node of an ONNX model, with its real shapes, as a model.")
  static final class NodeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.onnx")
    Path model;

    @Option(
        names = "--index",
        required = true,
        description = "the node's index (0-based; see models inspect)")
    int index;

    @Option(
        names = "--out",
        required = true,
        description = "the ONNX file to write (an existing file is replaced)")
    Path out;

    @Override
    public Integer call() {
      new OutputCheck().input("the model", model).outputMakingFolders("--out", out).check();
      write(
          OnnxGraphs.node(OnnxIo.read(checkedInput(model)), index),
          out,
          spec.commandLine().getOut());
      return 0;
    }
  }

  /** {@code models sample --count N --seed S --out DIR [--kind single|multi] [--focus CSV]}. */
  @Command(
      name = "sample",
      mixinStandardHelpOptions = true,
      description =
          "Draw single-layer or small multi-layer training networks from the layer space (seeded,"
              + " space-filling) into a folder, with a manifest.csv; a plan names them as"
              + " model: [sample:DIR].")
  static final class SampleCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--count", required = true, description = "networks to draw, 1 to 100000")
    int count;

    @Option(
        names = "--seed",
        defaultValue = "1",
        description = "seed of the design and the weights (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
        names = "--out",
        required = true,
        description = "the folder to write (created; must not hold a sample already)")
    Path out;

    @Option(
        names = "--kind",
        defaultValue = "single",
        description =
            "single (one engine layer each) or multi (blocks of 2-6 layers)"
                + " (default: ${DEFAULT-VALUE})")
    String kind;

    @Option(
        names = "--focus",
        description =
            "per-type errors of a fitted model (layer_type,median_abs_error_pct): draw more"
                + " of the types it errs most on")
    Path focus;

    @Override
    public Integer call() throws Exception {
      LayerSample.Kind k = LayerSample.Kind.parse(kind);
      new OutputCheck().input("--focus", focus).outputFolder("--out", out).check();
      Map<String, Double> errors =
          focus == null ? Map.of() : SampleManifest.focus(Checks.inputFile("--focus", focus));
      if (java.nio.file.Files.exists(out.resolve(SampleManifest.FILE))) {
        throw new BadInputException(
            "--out "
                + out
                + " already holds a sample ("
                + SampleManifest.FILE
                + "); choose another folder");
      }
      try {
        java.nio.file.Files.createDirectories(out);
      } catch (java.io.IOException e) {
        throw IoErrors.failure("create the folder", out, e, "choose another --out");
      }
      PrintWriter w = spec.commandLine().getOut();
      long[] totals = new long[3];
      try (java.io.BufferedWriter manifest = SampleManifest.create(out)) {
        LayerSample.draw(
            count,
            seed,
            k,
            errors,
            (entry, model) -> {
              try {
                OnnxIo.write(model, out.resolve(entry.file()));
                manifest.write(SampleManifest.line(entry));
                manifest.newLine();
              } catch (java.io.IOException e) {
                throw new UncheckedIOException(
                    "cannot write " + out + "/" + SampleManifest.FILE, e);
              }
              totals[0]++;
              totals[1] += entry.macs();
              totals[2] += entry.params();
            });
      }
      w.printf(
          Locale.ROOT,
          "wrote %d %s-layer networks to %s (%s): %.1f M MACs, %,d parameters in all%n",
          totals[0],
          k == LayerSample.Kind.SINGLE ? "single" : "multi",
          out,
          SampleManifest.FILE,
          totals[1] / 1e6,
          totals[2]);
      return 0;
    }
  }

  /** {@code models inspect FILE [--format json]}. */
  @Command(
      name = "inspect",
      mixinStandardHelpOptions = true,
      description = "Nodes, shapes, parameters and MACs of an ONNX file.")
  static final class InspectCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Mixin FormatOption output;

    @Override
    public Integer call() throws Exception {
      ModelSummary s = OnnxInspector.inspect(OnnxIo.read(checkedInput(file)));
      PrintWriter out = spec.commandLine().getOut();
      if (output.json()) {
        out.println(JSON.writeValueAsString(json(s)));
        return 0;
      }
      out.printf(
          Locale.ROOT,
          "%s: graph %s, IR %d, opset %d%n",
          file,
          s.graphName(),
          s.irVersion(),
          s.opset());
      out.printf(
          Locale.ROOT,
          "%d nodes, %,d parameters, %.1f M MACs per input%n",
          s.nodes(),
          s.parameters(),
          s.macs() / 1e6);
      out.printf(
          "%5s  %-28s  %-18s  %-20s  %10s  %12s%n",
          "index", "name", "type", "output", "params", "MACs");
      for (NodeSummary n : s.layers()) {
        String shape = n.outputShapes().isEmpty() ? "?" : shape(n.outputShapes().get(0));
        out.printf(
            Locale.ROOT,
            "%5d  %-28s  %-18s  %-20s  %,10d  %,12d%n",
            n.index(),
            n.name(),
            n.layerType(),
            shape,
            n.parameters(),
            n.macs());
      }
      return 0;
    }

    static String shape(List<Long> dims) {
      if (dims.isEmpty()) {
        return "?";
      }
      StringBuilder b = new StringBuilder();
      for (long d : dims) {
        b.append(b.length() == 0 ? "" : "x").append(d < 0 ? "?" : Long.toString(d));
      }
      return b.toString();
    }

    static ObjectNode json(ModelSummary s) {
      ObjectNode o = JSON.createObjectNode();
      o.put("graph", s.graphName());
      o.put("ir_version", s.irVersion());
      o.put("opset", s.opset());
      o.put("nodes", s.nodes());
      o.put("parameters", s.parameters());
      o.put("macs", s.macs());
      ArrayNode inputs = o.putArray("inputs");
      s.inputs()
          .forEach(
              v -> {
                ObjectNode i = inputs.addObject();
                i.put("name", v.name());
                ArrayNode d = i.putArray("shape");
                v.dims().forEach(d::add);
              });
      ArrayNode layers = o.putArray("layers");
      for (NodeSummary n : s.layers()) {
        ObjectNode l = layers.addObject();
        l.put("index", n.index());
        l.put("name", n.name());
        l.put("op", n.opType());
        l.put("type", n.layerType());
        ArrayNode ins = l.putArray("input_shapes");
        n.inputShapes()
            .forEach(
                sh -> {
                  ArrayNode a = ins.addArray();
                  sh.forEach(a::add);
                });
        ArrayNode outs = l.putArray("output_shapes");
        n.outputShapes()
            .forEach(
                sh -> {
                  ArrayNode a = outs.addArray();
                  sh.forEach(a::add);
                });
        l.put("parameters", n.parameters());
        l.put("macs", n.macs());
        if (n.kernel() > 0) {
          l.put("kernel", n.kernel());
          l.put("stride", n.stride());
        }
        if (n.groups() > 0) {
          l.put("groups", n.groups());
        }
      }
      return o;
    }
  }
}
