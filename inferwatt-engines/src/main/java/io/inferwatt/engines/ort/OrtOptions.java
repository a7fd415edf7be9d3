package io.inferwatt.engines.ort;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How the ONNX Runtime engine runs a model.
 *
 * @param intraOpThreads threads ONNX Runtime uses inside one operator; 0 = its default (one per
 *     core)
 * @param optimize whether ONNX Runtime fuses and rewrites the graph ({@code ORT_ENABLE_ALL}); off =
 *     every ONNX node runs and is profiled as written ({@code ORT_DISABLE_ALL})
 * @param asyncInFlight requests in flight in {@code async} mode (each on its own pool thread)
 * @param inputsDir folder of images for the {@code varied} input kind; empty = a generated set
 * @param inputSeed seed of the random image ({@code fixed-random}) and of the generated set
 * @param variedImages images in the generated set, and the most images taken from {@code
 *     inputsDir}
 * @param profileDir where ONNX Runtime writes its profile files (deleted after parsing); empty =
 *     the temporary folder
 */
public record OrtOptions(
    int intraOpThreads,
    boolean optimize,
    int asyncInFlight,
    Optional<Path> inputsDir,
    long inputSeed,
    int variedImages,
    Optional<Path> profileDir) {

  public OrtOptions {
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intra-op threads " + intraOpThreads + " is negative");
    }
    if (asyncInFlight < 1) {
      throw new IllegalArgumentException("requests in flight " + asyncInFlight + " is not >= 1");
    }
    if (variedImages < 1) {
      throw new IllegalArgumentException("varied images " + variedImages + " is not >= 1");
    }
  }

  /** ONNX Runtime's thread default, graph optimisation on, 2 requests in flight, 16 generated images. */
  public static OrtOptions defaults() {
    return new OrtOptions(0, true, 2, Optional.empty(), 1, 16, Optional.empty());
  }

  public OrtOptions withIntraOpThreads(int n) {
    return new OrtOptions(n, optimize, asyncInFlight, inputsDir, inputSeed, variedImages, profileDir);
  }

  public OrtOptions withOptimize(boolean on) {
    return new OrtOptions(intraOpThreads, on, asyncInFlight, inputsDir, inputSeed, variedImages, profileDir);
  }

  public OrtOptions withAsyncInFlight(int n) {
    return new OrtOptions(intraOpThreads, optimize, n, inputsDir, inputSeed, variedImages, profileDir);
  }

  public OrtOptions withInputsDir(Path dir) {
    return new OrtOptions(intraOpThreads, optimize, asyncInFlight, Optional.of(dir), inputSeed, variedImages, profileDir);
  }

  public OrtOptions withProfileDir(Path dir) {
    return new OrtOptions(intraOpThreads, optimize, asyncInFlight, inputsDir, inputSeed, variedImages, Optional.of(dir));
  }
}
