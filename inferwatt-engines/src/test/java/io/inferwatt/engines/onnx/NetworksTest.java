package io.inferwatt.engines.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The built networks have the published parameter and MAC counts, and ONNX Runtime loads and runs
 * every file the builder writes: that is the test that the encoding is right.
 */
class NetworksTest {

  @ParameterizedTest
  @CsvSource({
    "mobilenetv1, 4231976, 568.7",
    "mobilenetv2, 3504872, 300.8",
    "resnet18, 11689512, 1814.1",
    "resnet50, 25557032, 4089.2"
  })
  void countsMatchThePublishedNumbersAndOnnxRuntimeRunsTheFile(
      String name, long params, double megaMacs, @TempDir Path dir) throws OrtException {
    OnnxModel built = Networks.build(name, 42);
    Path file = dir.resolve(name + ".onnx");
    OnnxIo.write(built, file);
    OnnxModel read = OnnxIo.read(file);
    ModelSummary s = OnnxInspector.inspect(read);

    assertThat(s.parameters()).isEqualTo(params);
    assertThat(s.macs() / 1e6).isCloseTo(megaMacs, org.assertj.core.data.Offset.offset(0.05));
    assertThat(s.layers().get(s.nodes() - 1).outputShapes().get(0)).containsExactly(1L, 1000L);

    float[] out =
        runOnce(file.toString(), read.inputs().get(0).name(), new long[] {1, 3, 224, 224});
    assertThat(out).hasSize(1000);
    for (float v : out) {
      assertThat(Float.isFinite(v)).isTrue();
    }
  }

  @Test
  void sameSeedGivesTheSameFileAndAnotherSeedOtherWeights() {
    byte[] a = OnnxIo.toBytes(Networks.layer("Gemm", 64, 0, 10, 7));
    byte[] b = OnnxIo.toBytes(Networks.layer("Gemm", 64, 0, 10, 7));
    byte[] c = OnnxIo.toBytes(Networks.layer("Gemm", 64, 0, 10, 8));
    assertThat(a).isEqualTo(b);
    assertThat(Arrays.equals(a, c)).isFalse();
  }

  @Test
  void singleConvolutionKeepsTheSizeUnlessStrided() throws OrtException {
    OnnxModel same = Networks.conv(3, 1, 16, 32, 56, 1, 1);
    ModelSummary s = OnnxInspector.inspect(same);
    assertThat(s.layers().get(0).outputShapes().get(0)).containsExactly(1L, 32L, 56L, 56L);
    assertThat(s.macs()).isEqualTo(32L * 56 * 56 * 16 * 9);
    assertThat(s.parameters()).isEqualTo(32L * 16 * 9);

    OnnxModel strided = Networks.conv(5, 2, 8, 8, 33, 8, 1);
    ModelSummary t = OnnxInspector.inspect(strided);
    assertThat(t.layers().get(0).outputShapes().get(0)).containsExactly(1L, 8L, 17L, 17L);
    assertThat(t.layers().get(0).layerType()).isEqualTo("DepthwiseConv");
    float[] out = runOnce(OnnxIo.toBytes(strided), Networks.INPUT, new long[] {1, 8, 33, 33});
    assertThat(out).hasSize(8 * 17 * 17);
  }

  @Test
  void everyOtherSingleLayerTypeRuns() throws OrtException {
    for (String type : Networks.layerTypes()) {
      OnnxModel m = Networks.layer(type, 16, 14, 10, 3);
      long[] in = type.equals("Gemm") ? new long[] {1, 16} : new long[] {1, 16, 14, 14};
      float[] out = runOnce(OnnxIo.toBytes(m), Networks.INPUT, in);
      List<Long> declared = m.outputs().get(0).dims();
      assertThat((long) out.length)
          .as(type)
          .isEqualTo(declared.stream().reduce(1L, (x, y) -> x * y));
    }
  }

  @Test
  void badSingleLayerArgumentsAreRefusedWithTheValue() {
    assertThatThrownBy(() -> Networks.conv(3, 1, 6, 8, 10, 4, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("groups 4");
    assertThatThrownBy(() -> Networks.layer("Softsign", 4, 4, 1, 1))
        .hasMessageContaining("Softsign");
    assertThatThrownBy(() -> Networks.build("alexnet", 1)).hasMessageContaining("mobilenetv2");
  }

  @Test
  void prefixIsAModelOfItsOwnAndKeepsResidualBranchesAlive() throws OrtException {
    OnnxModel r18 = Networks.resNet18(5);
    // stem: Conv, BN, Relu, MaxPool; first block: Conv, BN, Relu, Conv, BN (node 8), Add (9)
    OnnxModel p = OnnxGraphs.prefix(r18, 9);
    assertThat(p.nodes()).hasSize(9);
    assertThat(p.outputs()).hasSize(2); // the block's branch and the shortcut (MaxPool output)
    ModelSummary s = OnnxInspector.inspect(p);
    assertThat(s.parameters()).isEqualTo(64L * 3 * 49 + 2 * 64 + 2 * (64L * 64 * 9 + 2 * 64));
    OnnxModel reread = OnnxIo.parse(OnnxIo.toBytes(p), "prefix");
    assertThat(runOnce(OnnxIo.toBytes(reread), Networks.INPUT, new long[] {1, 3, 224, 224}))
        .hasSize(64 * 56 * 56);
    assertThatThrownBy(() -> OnnxGraphs.prefix(r18, 0)).hasMessageContaining("1..");
  }

  @Test
  void oneNodeIsExtractedWithItsRealShapes() throws OrtException {
    OnnxModel v2 = Networks.mobileNetV2(1);
    ModelSummary full = OnnxInspector.inspect(v2);
    int dw = -1;
    for (ModelSummary.NodeSummary n : full.layers()) {
      if (n.layerType().equals("DepthwiseConv") && n.stride() == 2) {
        dw = n.index();
        break;
      }
    }
    OnnxModel one = OnnxGraphs.node(v2, dw);
    assertThat(one.nodes()).hasSize(1);
    List<Long> inShape = one.inputs().get(0).dims();
    assertThat(inShape).isEqualTo(full.layers().get(dw).inputShapes().get(0));
    ModelSummary s = OnnxInspector.inspect(one);
    assertThat(s.macs()).isEqualTo(full.layers().get(dw).macs());
    float[] out =
        runOnce(
            OnnxIo.toBytes(one),
            one.inputs().get(0).name(),
            inShape.stream().mapToLong(Long::longValue).toArray());
    assertThat((long) out.length)
        .isEqualTo(s.layers().get(0).outputShapes().get(0).stream().reduce(1L, (a, b) -> a * b));
  }

  @Test
  void withBatchRebatchesInputsAndOutputs() throws OrtException {
    OnnxModel m = OnnxGraphs.withBatch(Networks.layer("Gemm", 32, 0, 5, 1), 4);
    assertThat(runOnce(OnnxIo.toBytes(m), Networks.INPUT, new long[] {4, 32})).hasSize(20);
  }

  @Test
  void notAnOnnxFileIsAnErrorThatNamesIt() {
    assertThatThrownBy(() -> OnnxIo.parse("hello, world".getBytes(), "x.onnx"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("x.onnx: not an ONNX model");
  }

  static float[] runOnce(String path, String input, long[] shape) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(path, o)) {
      return run(env, session, input, shape);
    }
  }

  static float[] runOnce(byte[] model, String input, long[] shape) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(model, o)) {
      return run(env, session, input, shape);
    }
  }

  private static float[] run(OrtEnvironment env, OrtSession session, String input, long[] shape)
      throws OrtException {
    long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    float[] data = new float[(int) n];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) Math.sin(i * 0.01);
    }
    Map<String, OnnxTensor> in = new HashMap<>();
    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape)) {
      in.put(input, t);
      try (OrtSession.Result r = session.run(in)) {
        OnnxTensor out = (OnnxTensor) r.get(0);
        FloatBuffer fb = out.getFloatBuffer();
        float[] o = new float[fb.remaining()];
        fb.get(o);
        return o;
      }
    }
  }
}
