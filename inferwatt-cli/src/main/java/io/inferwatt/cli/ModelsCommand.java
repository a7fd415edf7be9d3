package io.inferwatt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.inferwatt.core.BadInputException;
import io.inferwatt.engines.onnx.LayerGraph;
import io.inferwatt.engines.onnx.ModelSummary;
import io.inferwatt.engines.onnx.Networks;
import io.inferwatt.engines.onnx.OnnxGraphs;
import io.inferwatt.engines.onnx.OnnxInspector;
import io.inferwatt.engines.onnx.OnnxIo;
import io.inferwatt.engines.onnx.OnnxModel;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code inferwatt models}: the built-in networks and the model generators (single layers, the
 * first k nodes of a model, one node), and an inspector for any ONNX file. The small subcommands
 * ({@code list}, {@code prefix}, {@code node}) and what the subcommands share sit here; {@code
 * build}, {@code sample} and {@code inspect} have their own classes ({@link ModelsBuildCommand},
 * {@link ModelsSampleCommand}, {@link ModelsInspectCommand}).
 */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description =
        "Write the built-in networks, single layers, training samples and parts of models as ONNX;"
            + " inspect ONNX files.")
final class ModelsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 0;
  }

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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

  /** {@code models prefix MODEL --nodes k --out FILE}. */
  @Command(
      name = "prefix",
      mixinStandardHelpOptions = true,
      description = "Write the first k nodes of an ONNX model as a model of its own.")
  static final class PrefixCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin PartFiles files;

    @Option(names = "--nodes", required = true, description = "nodes to keep, from the first")
    int nodes;

    @Override
    public Integer call() {
      files.write(m -> OnnxGraphs.prefix(m, nodes), spec.commandLine().getOut());
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

    @Mixin PartFiles files;

    @Option(
        names = "--index",
        required = true,
        description = "the node's index (0-based; see models inspect)")
    int index;

    @Override
    public Integer call() {
      files.write(m -> OnnxGraphs.node(m, index), spec.commandLine().getOut());
      return 0;
    }
  }

  /**
   * The model a part is taken from and the file it goes to ({@code models prefix}, {@code node}).
   */
  static final class PartFiles {
    @Parameters(index = "0", paramLabel = "MODEL.onnx")
    Path model;

    @Option(
        names = "--out",
        required = true,
        description = "the ONNX file to write (an existing file is replaced)")
    Path out;

    /** Writes the part {@code part} takes of the model to {@code --out}. */
    void write(UnaryOperator<OnnxModel> part, PrintWriter w) {
      new OutputCheck().input("the model", model).outputMakingFolders("--out", out).check();
      ModelsCommand.write(part.apply(OnnxIo.read(checkedInput(model))), out, w);
    }
  }
}
