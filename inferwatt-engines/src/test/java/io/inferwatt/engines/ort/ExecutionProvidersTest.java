package io.inferwatt.engines.ort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import ai.onnxruntime.OrtProvider;
import io.inferwatt.engines.onnx.Networks;
import io.inferwatt.engines.onnx.OnnxIo;
import io.inferwatt.engines.ort.OrtOptions.Provider;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU execution providers' messages; the default build is CPU-only, so they cannot load here.
 */
class ExecutionProvidersTest {
  @TempDir Path dir;

  @Test
  void theCpuBuildSaysHowToGetTheGpuProviders() {
    assumeThat(ai.onnxruntime.OrtEnvironment.getAvailableProviders())
        .as("a CPU-only ONNX Runtime")
        .doesNotContain(OrtProvider.CUDA);
    Path model = dir.resolve("c.onnx");
    OnnxIo.write(Networks.conv(3, 1, 3, 4, 8, 1, 1), model);
    for (Provider p : new Provider[] {Provider.CUDA, Provider.TENSORRT}) {
      assertThatThrownBy(
              () ->
                  OrtRecorder.open(model, OrtOptions.defaults().withProvider(p), Optional.empty()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("onnxruntime:" + p.id())
          .hasMessageContaining("CPU-only")
          .hasMessageContaining("mvn -Pgpu package")
          .hasMessageNotContaining("\n");
    }
  }

  @Test
  void aGpuBuildWithoutTheLibrariesNamesThem() {
    String m =
        ExecutionProviders.missing(
            Provider.TENSORRT,
            EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA, OrtProvider.TENSOR_RT),
            "libnvinfer.so.10: cannot open shared object file\nmore");
    assertThat(m)
        .contains(
            "TENSOR_RT provider did not load (libnvinfer.so.10: cannot open shared object file)")
        .contains("LD_LIBRARY_PATH")
        .contains("TensorRT 10")
        .doesNotContain("\n");
    assertThat(Provider.parse("cuda")).isEqualTo(Provider.CUDA);
    assertThatThrownBy(() -> Provider.parse("rocm")).hasMessageContaining("cpu, cuda, tensorrt");
  }
}
