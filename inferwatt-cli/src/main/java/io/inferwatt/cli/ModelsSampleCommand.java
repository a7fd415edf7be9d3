package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import io.inferwatt.engines.onnx.LayerSample;
import io.inferwatt.engines.onnx.OnnxIo;
import io.inferwatt.engines.onnx.SampleManifest;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code models sample --count N --seed S --out DIR [--kind single|multi|extra] [--focus CSV]}. */
@Command(
    name = "sample",
    mixinStandardHelpOptions = true,
    description =
        "Draw single-layer or small multi-layer training networks from the layer space (seeded,"
            + " space-filling) into a folder, with a manifest.csv; a plan names them as"
            + " model: [sample:DIR].")
final class ModelsSampleCommand implements Callable<Integer> {
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
          "single (one engine layer each), multi (blocks of 2-6 layers) or extra (EfficientNet's"
              + " MBConv with Swish, DenseNet's units over wide concatenations)"
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
              throw new UncheckedIOException("cannot write " + out + "/" + SampleManifest.FILE, e);
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
        k.label(),
        out,
        SampleManifest.FILE,
        totals[1] / 1e6,
        totals[2]);
    return 0;
  }
}
