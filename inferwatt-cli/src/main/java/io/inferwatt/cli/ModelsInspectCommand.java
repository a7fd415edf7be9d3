package io.inferwatt.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.engines.onnx.ModelSummary;
import io.inferwatt.engines.onnx.ModelSummary.NodeSummary;
import io.inferwatt.engines.onnx.OnnxInspector;
import io.inferwatt.engines.onnx.OnnxIo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code models inspect FILE [--format json]}. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = "Nodes, shapes, parameters and MACs of an ONNX file.")
final class ModelsInspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE")
  Path file;

  @Mixin FormatOption output;

  @Override
  public Integer call() throws Exception {
    ModelSummary s = OnnxInspector.inspect(OnnxIo.read(ModelsCommand.checkedInput(file)));
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      out.println(ModelsCommand.JSON.writeValueAsString(json(s)));
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
    ObjectNode o = ModelsCommand.JSON.createObjectNode();
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
      shapes(l.putArray("input_shapes"), n.inputShapes());
      shapes(l.putArray("output_shapes"), n.outputShapes());
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

  /** Each shape as an array of its dimensions. */
  private static void shapes(ArrayNode into, List<List<Long>> shapes) {
    for (List<Long> sh : shapes) {
      ArrayNode a = into.addArray();
      sh.forEach(a::add);
    }
  }
}
