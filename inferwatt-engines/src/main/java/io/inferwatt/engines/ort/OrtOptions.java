package io.inferwatt.engines.ort;

import io.inferwatt.core.BadInputException;
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
 * @param variedImages images in the generated set, and the most images taken from {@code inputsDir}
 * @param profileDir where ONNX Runtime writes its profile files (deleted after parsing); empty =
 *     the temporary folder
 * @param provider the execution provider; CUDA and TensorRT need the GPU build ({@code -Pgpu})
 */
public record OrtOptions(
    int intraOpThreads,
    boolean optimize,
    int asyncInFlight,
    Optional<Path> inputsDir,
    long inputSeed,
    int variedImages,
    Optional<Path> profileDir,
    Provider provider) {

  /** Where ONNX Runtime runs the graph. */
  public enum Provider {
    /** The CPU build's only provider (the default). */
    CPU("cpu"),
    /** {@code CUDAExecutionProvider}: CUDA 12 and cuDNN 9 at run time. */
    CUDA("cuda"),
    /**
     * {@code TensorrtExecutionProvider} (CUDA for the nodes TensorRT does not take): also TensorRT
     * 10.
     */
    TENSORRT("tensorrt");

    private final String id;

    Provider(String id) {
      this.id = id;
    }

    /** The name in {@code --engine onnxruntime:ID}. */
    public String id() {
      return id;
    }

    /** The provider named {@code id}: {@code cpu}, {@code cuda} or {@code tensorrt}. */
    public static Provider parse(String id) {
      for (Provider p : values()) {
        if (p.id.equals(id)) {
          return p;
        }
      }
      throw new BadInputException(
          "execution provider '" + id + "' is not one of cpu, cuda, tensorrt");
    }
  }

  public OrtOptions {
    if (intraOpThreads < 0) {
      throw new BadInputException("intra-op threads " + intraOpThreads + " is negative");
    }
    if (asyncInFlight < 1) {
      throw new BadInputException("requests in flight " + asyncInFlight + " is not >= 1");
    }
    if (variedImages < 1) {
      throw new BadInputException("varied images " + variedImages + " is not >= 1");
    }
  }

  /**
   * ONNX Runtime's thread default, graph optimisation on, 2 requests in flight, 16 generated
   * images.
   */
  public static OrtOptions defaults() {
    return new OrtOptions(0, true, 2, Optional.empty(), 1, 16, Optional.empty(), Provider.CPU);
  }

  public OrtOptions withIntraOpThreads(int n) {
    return new OrtOptions(
        n, optimize, asyncInFlight, inputsDir, inputSeed, variedImages, profileDir, provider);
  }

  public OrtOptions withOptimize(boolean on) {
    return new OrtOptions(
        intraOpThreads,
        on,
        asyncInFlight,
        inputsDir,
        inputSeed,
        variedImages,
        profileDir,
        provider);
  }

  public OrtOptions withAsyncInFlight(int n) {
    return new OrtOptions(
        intraOpThreads, optimize, n, inputsDir, inputSeed, variedImages, profileDir, provider);
  }

  public OrtOptions withInputsDir(Path dir) {
    return new OrtOptions(
        intraOpThreads,
        optimize,
        asyncInFlight,
        Optional.of(dir),
        inputSeed,
        variedImages,
        profileDir,
        provider);
  }

  public OrtOptions withProfileDir(Path dir) {
    return new OrtOptions(
        intraOpThreads,
        optimize,
        asyncInFlight,
        inputsDir,
        inputSeed,
        variedImages,
        Optional.of(dir),
        provider);
  }

  public OrtOptions withProvider(Provider p) {
    return new OrtOptions(
        intraOpThreads, optimize, asyncInFlight, inputsDir, inputSeed, variedImages, profileDir, p);
  }
}
