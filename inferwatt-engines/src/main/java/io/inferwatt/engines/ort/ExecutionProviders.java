package io.inferwatt.engines.ort;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.inferwatt.engines.ort.OrtOptions.Provider;
import java.util.Set;

/**
 * Adds ONNX Runtime's GPU execution providers to a session, and says in one line what is missing
 * where they cannot load. The default build carries the CPU-only {@code onnxruntime} jar; the
 * {@code -Pgpu} build swaps in {@code onnxruntime_gpu} (Linux x86-64 only), whose providers load
 * CUDA, cuDNN and TensorRT from the system at run time.
 */
final class ExecutionProviders {

  private ExecutionProviders() {}

  /** Appends {@code p} to {@code o} (nothing for the CPU, ONNX Runtime's fallback anyway). */
  static void add(OrtSession.SessionOptions o, Provider p) throws OrtException {
    switch (p) {
      case CPU -> {}
      case CUDA -> o.addCUDA(0);
      case TENSORRT -> {
        o.addTensorrt(0);
        o.addCUDA(0); // the nodes TensorRT does not take run on CUDA rather than the CPU
      }
    }
  }

  /**
   * Checks that {@code p} loads on this machine, before anything is measured.
   *
   * @throws IllegalStateException with {@link #missing} as the message
   */
  static void probe(Provider p) {
    if (p == Provider.CPU) {
      return;
    }
    Set<OrtProvider> available;
    try {
      available = ai.onnxruntime.OrtEnvironment.getAvailableProviders();
    } catch (RuntimeException | LinkageError e) {
      available = Set.of();
    }
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      add(o, p);
    } catch (OrtException | RuntimeException | LinkageError e) {
      throw new IllegalStateException(missing(p, available, String.valueOf(e.getMessage())), e);
    }
  }

  /**
   * The one-line message for a provider that did not load.
   *
   * @param available the providers this ONNX Runtime build was compiled with
   * @param error what ONNX Runtime said
   */
  static String missing(Provider p, Set<OrtProvider> available, String error) {
    OrtProvider wanted = p == Provider.CUDA ? OrtProvider.CUDA : OrtProvider.TENSOR_RT;
    String libs =
        p == Provider.CUDA
            ? "the CUDA 12 runtime and cuDNN 9 (libcudart.so.12, libcublas.so.12, libcudnn.so.9)"
            : "TensorRT 10 (libnvinfer.so.10, libnvonnxparser.so.10) besides the CUDA 12 runtime and cuDNN 9";
    if (!available.contains(wanted)) {
      return "onnxruntime:"
          + p.id()
          + " needs ONNX Runtime's GPU build, and this one is CPU-only: build inferwatt with"
          + " 'mvn -Pgpu package' (com.microsoft.onnxruntime:onnxruntime_gpu 1.23.2, Linux x86-64 only; on Jetson an"
          + " ONNX Runtime GPU build from the Jetson Zoo), and install "
          + libs;
    }
    String first = error.strip().lines().findFirst().orElse("");
    return "onnxruntime:"
        + p.id()
        + ": ONNX Runtime's "
        + wanted.name()
        + " provider did not load ("
        + first
        + "); it needs "
        + libs
        + " on the library path (LD_LIBRARY_PATH) and an NVIDIA driver";
  }
}
