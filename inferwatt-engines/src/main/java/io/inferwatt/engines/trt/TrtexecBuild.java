package io.inferwatt.engines.trt;

import static io.inferwatt.engines.trt.TrtexecProcess.lastLines;

import io.inferwatt.core.BadInputException;
import io.inferwatt.engines.onnx.OnnxGraphs;
import io.inferwatt.engines.onnx.OnnxIo;
import io.inferwatt.engines.onnx.OnnxModel;
import io.inferwatt.engines.trt.TrtexecProcess.Finished;
import io.inferwatt.engines.trt.TrtexecProcess.PassFailed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * TensorRT's version and the engine of a recording: taken from the cache (keyed by model hash,
 * TensorRT version, batch and precision) or built there by trtexec.
 */
final class TrtexecBuild {

  /** Runs one trtexec process for a recording. */
  interface Launch {
    Finished run(TrtexecRun r, String pass, List<String> argv, boolean mustSucceed);
  }

  private TrtexecBuild() {}

  /** Runs {@code trtexec --help} and reads the version from its banner. */
  static Trtexec.Version version(TrtexecRun r, Path trtexec, Launch launch) {
    Finished f = launch.run(r, "version", List.of(trtexec.toString(), "--help"), false);
    String text = String.join("\n", f.out()) + "\n" + String.join("\n", f.err());
    return Trtexec.parseVersion(text)
        .orElseThrow(
            () ->
                new PassFailed(
                    "cannot tell the TensorRT version from the output of "
                        + trtexec
                        + " --help (no '[TensorRT vNNNN]' banner)",
                    null,
                    0,
                    lastLines(f),
                    null));
  }

  /** Finds the engine in the cache or builds it there. */
  static void engine(
      TrtexecRun r, Path model, TrtexecOptions options, Path trtexec, Launch launch) {
    OnnxModel onnx = OnnxIo.read(model);
    java.util.Set<String> init = new java.util.HashSet<>();
    onnx.initializers().forEach(t -> init.add(t.name()));
    List<OnnxModel.ValueInfo> inputs =
        onnx.inputs().stream().filter(v -> !init.contains(v.name())).toList();
    int batch = r.workload.batch();
    Path source = model;
    if (inputs.size() == 1 && !inputs.get(0).dims().isEmpty()) {
      List<Long> dims = inputs.get(0).dims();
      if (dims.get(0) < 1) { // a dynamic batch: trtexec takes the shape at build and at run
        StringBuilder s = new StringBuilder(inputs.get(0).name()).append(':').append(batch);
        dims.subList(1, dims.size()).forEach(d -> s.append('x').append(d));
        r.shapes = s.toString();
      } else if (dims.get(0) != batch) {
        source = r.work.resolve("model-b" + batch + ".onnx");
        OnnxIo.write(OnnxGraphs.withBatch(onnx, batch), source);
      }
    } else if (batch != 1) {
      throw new BadInputException(model + ": batch " + batch + " needs a model with one input");
    }
    String stem = model.getFileName().toString().replaceFirst("\\.onnx$", "");
    String key =
        stem
            + "-"
            + TrtexecEngine.sha256(model).substring(0, 16)
            + "-trt"
            + r.version
            + "-b"
            + batch
            + "-"
            + options.precision();
    r.engine = options.engineCache().resolve(key + ".engine");
    if (Files.isRegularFile(r.engine)) {
      r.notes.add(
          "engine " + r.engine.getFileName() + " taken from the cache " + options.engineCache());
      return;
    }
    try {
      Files.createDirectories(options.engineCache());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create the engine cache " + options.engineCache() + ": " + e.getMessage(), e);
    }
    Path partial = options.engineCache().resolve(key + ".engine.partial");
    List<String> argv =
        new ArrayList<>(List.of(trtexec.toString(), "--onnx=" + source, "--saveEngine=" + partial));
    if (!options.precision().equals("fp32")) {
      argv.add("--" + options.precision());
    }
    if (r.shapes != null) {
      argv.add("--shapes=" + r.shapes);
    }
    // --skipInference since 8.5 (it replaced --buildOnly, which later releases dropped)
    argv.add(r.version.atLeast(8, 5) ? "--skipInference" : "--buildOnly");
    r.listener.progress("build", 0, 1);
    launch.run(r, "build", argv, true);
    try {
      if (!Files.isRegularFile(partial)) {
        throw new PassFailed(
            "trtexec built no engine: " + partial + " is missing after the build",
            partial,
            0,
            "",
            null);
      }
      // a half-written engine never carries the final name, so a crash mid-build is rebuilt next
      // time
      Files.move(
          partial, r.engine, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot store the engine " + r.engine + ": " + e.getMessage(), e);
    }
    r.built = true;
    r.listener.progress("build", 1, 1);
    r.notes.add("engine built with TensorRT " + r.version + " and cached as " + r.engine);
  }
}
