package io.inferwatt.engines.onnx;

import io.inferwatt.core.BadInputException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sample's {@code manifest.csv} (one line per model file, what {@link LayerSample} drew) and the
 * focus file of adaptive resampling ({@code layer_type,median_abs_error_pct}).
 */
public final class SampleManifest {

  /** The manifest's file name in a sample's folder. */
  public static final String FILE = "manifest.csv";

  /** The manifest's header. */
  public static final String HEADER =
      "file,kind,stratum,layer_type,kernel,stride,in_channels,out_channels,size,layers,macs,params";

  /** The focus file's header. */
  public static final String FOCUS_HEADER = "layer_type,median_abs_error_pct";

  private SampleManifest() {}

  /** One manifest line. */
  public static String line(LayerSample.Entry e) {
    return String.join(
        ",",
        e.file(),
        e.kind(),
        e.stratum(),
        e.layerType(),
        Integer.toString(e.kernel()),
        Integer.toString(e.stride()),
        Integer.toString(e.inChannels()),
        Integer.toString(e.outChannels()),
        Integer.toString(e.size()),
        Integer.toString(e.layers()),
        Long.toString(e.macs()),
        Long.toString(e.params()));
  }

  /** Opens {@code dir/manifest.csv} for writing, its header written. */
  public static BufferedWriter create(Path dir) {
    try {
      BufferedWriter w = Files.newBufferedWriter(dir.resolve(FILE), StandardCharsets.UTF_8);
      w.write(HEADER);
      w.newLine();
      return w;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write " + dir.resolve(FILE) + ": " + e.getMessage(), e);
    }
  }

  /**
   * The model files a sample lists, in order (names relative to {@code dir}).
   *
   * @throws BadInputException when the manifest is missing, malformed or names a missing file
   */
  public static List<String> files(Path dir) {
    Path m = dir.resolve(FILE);
    List<String> lines;
    try {
      lines = Files.readAllLines(m, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BadInputException(
          "sample " + dir + ": cannot read " + m + " (write one with inferwatt models sample)");
    }
    if (lines.isEmpty() || !lines.get(0).startsWith("file,")) {
      throw new BadInputException(m + ": not a sample manifest (its header must start with file,)");
    }
    List<String> out = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String l = lines.get(i).trim();
      if (l.isEmpty()) {
        continue;
      }
      String f = l.split(",", 2)[0];
      if (!f.endsWith(".onnx") || f.contains("/") || f.contains("..")) {
        throw new BadInputException(
            m + " line " + (i + 1) + ": " + f + " is not a model file name");
      }
      if (!Files.isRegularFile(dir.resolve(f))) {
        throw new BadInputException(m + " line " + (i + 1) + ": " + f + " is missing");
      }
      out.add(f);
    }
    if (out.isEmpty()) {
      throw new BadInputException(m + " lists no model");
    }
    return out;
  }

  /**
   * Per layer type, the median absolute error in percent, from a focus file.
   *
   * @throws BadInputException for a missing file, another header, a bad number or a type listed
   *     twice
   */
  public static Map<String, Double> focus(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BadInputException("--focus " + file + ": cannot read it (" + e.getMessage() + ")");
    }
    if (lines.isEmpty() || !lines.get(0).trim().equals(FOCUS_HEADER)) {
      throw new BadInputException("--focus " + file + ": the first line must be " + FOCUS_HEADER);
    }
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      String l = lines.get(i).trim();
      if (l.isEmpty()) {
        continue;
      }
      String[] p = l.split(",");
      double v;
      try {
        v = p.length == 2 ? Double.parseDouble(p[1].trim()) : Double.NaN;
      } catch (NumberFormatException e) {
        v = Double.NaN;
      }
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new BadInputException(
            String.format(
                Locale.ROOT,
                "--focus %s line %d: '%s' is not TYPE,ERROR_PCT with a finite error >= 0",
                file,
                i + 1,
                l));
      }
      if (m.put(p[0].trim(), v) != null) {
        throw new BadInputException(
            "--focus " + file + " line " + (i + 1) + ": " + p[0] + " twice");
      }
    }
    return m;
  }
}
