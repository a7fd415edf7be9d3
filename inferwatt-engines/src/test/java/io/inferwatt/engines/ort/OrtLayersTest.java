package io.inferwatt.engines.ort;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.engines.onnx.LayerGraph;
import io.inferwatt.engines.onnx.Networks;
import io.inferwatt.engines.onnx.OnnxIo;
import io.inferwatt.engines.onnx.OnnxModel;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ONNX Runtime's kernels, as its fully optimised graph runs them on this machine's CPU (NCHWc
 * layout, its own Conv+BatchNorm+activation and Conv+Add fusions, Swish as {@code QuickGelu}),
 * mapped onto the layers {@link LayerGraph} derives from the same file. Real sessions, small
 * networks; no duration is asserted, only how the measured kernel times are shared out.
 */
class OrtLayersTest {

  @TempDir static Path dir;

  /** A run's kernels from a real profiled session (the third run, kernels warm). */
  private static OrtProfile.Run profiledRun(OnnxModel model, Path file) throws Exception {
    OnnxIo.write(model, file);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
      o.setIntraOpNumThreads(1);
      o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      o.enableProfiling(dir.resolve("p").toString());
      try (OrtSession s = env.createSession(file.toString(), o)) {
        List<Long> dims = model.inputs().get(0).dims();
        long[] shape = {1, dims.get(1), dims.get(2), dims.get(3)};
        int n = (int) (shape[1] * shape[2] * shape[3]);
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[n]), shape)) {
          for (int i = 0; i < 3; i++) {
            s.run(Map.of(Networks.INPUT, t)).close();
          }
        }
        List<OrtProfile.Run> runs = OrtProfile.read(Path.of(s.endProfiling())).runs();
        assertThat(runs).hasSize(3);
        return runs.get(2);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "resnet18-w0.25-r64",
        "mobilenetv3small-w0.5-r64",
        "efficientnetb0-w0.25-r64",
        "vgg11-w0.125-r32",
        "shufflenetv2-w0.5-r64",
        "densenet121-w0.25-r32"
      })
  void everyKernelLandsInALayerAndTheLayersAddUpToTheKernels(String name) throws Exception {
    OnnxModel model = Networks.build(name, 7);
    OrtProfile.Run run = profiledRun(model, dir.resolve(name + ".onnx"));
    LayerGraph.Covered covered = LayerGraph.covered(model, name);
    OrtLayers map = new OrtLayers(model, covered);

    List<OrtLayers.Time> times = map.map(run);
    List<LayerSpec> layers = covered.network().layers();
    assertThat(times).hasSize(layers.size());
    assertThat(map.layers()).isEqualTo(layers);

    // only ONNX Runtime's layout conversions are named after no node of the file
    Set<String> unnamed = new HashSet<>();
    for (OrtProfile.NodeTime k : run.nodes()) {
      if (map.layerOf(k.name()) < 0) {
        unnamed.add(k.opType());
      }
    }
    assertThat(unnamed).isSubsetOf("ReorderInput", "ReorderOutput");
    assertThat(map.unmatched())
        .isEqualTo((int) run.nodes().stream().filter(k -> map.layerOf(k.name()) < 0).count());

    // every kernel counted once: the layers after the input reformat add up to the kernels' sum
    long kernels = 0;
    long kernelTime = 0;
    for (int l = 1; l < times.size(); l++) {
      kernels += times.get(l).kernels();
      kernelTime += times.get(l).durUs();
    }
    assertThat(kernels).isEqualTo(run.nodes().size());
    assertThat(kernelTime).isEqualTo(run.nodeSumUs());
    // the input reformat: the run's time before its first kernel
    long first = run.nodes().stream().mapToLong(OrtProfile.NodeTime::tsUs).min().orElseThrow();
    assertThat(times.get(0)).isEqualTo(new OrtLayers.Time(run.tsUs(), first - run.tsUs(), 0));

    // every layer that computes (a convolution or the classifier) got a kernel of its own
    List<String> noKernel = new ArrayList<>();
    for (int l = 1; l < layers.size(); l++) {
      String type = layers.get(l).type();
      if (times.get(l).kernels() == 0) {
        noKernel.add(type);
      } else {
        assertThat(times.get(l).startUs()).isBetween(run.tsUs(), run.tsUs() + run.durUs());
      }
    }
    // what ONNX Runtime runs inside another layer's kernel: additions after a convolution,
    // reshapes it folds away, two slices of one tensor it runs as one Split
    assertThat(noKernel).isSubsetOf("Add", "Shuffle", "Activation", "ElementWise", "Slice");
  }

  @org.junit.jupiter.api.Test
  void aResidualAdditionRunsInsideTheConvolutionBeforeIt() throws Exception {
    String name = "resnet18-w0.25-r64";
    OnnxModel model = Networks.build(name, 7);
    OrtProfile.Run run = profiledRun(model, dir.resolve("add-" + name + ".onnx"));
    LayerGraph.Covered covered = LayerGraph.covered(model, name);
    // the fusion belongs to ONNX Runtime's NCHWc layout, which it uses on x86-64 only
    org.assertj.core.api.Assumptions.assumeThat(run.nodes())
        .anyMatch(k -> k.name().endsWith("_nchwc"));
    List<OrtLayers.Time> times = new OrtLayers(model, covered).map(run);
    List<LayerSpec> layers = covered.network().layers();
    int adds = 0;
    for (int l = 0; l < layers.size(); l++) {
      if (layers.get(l).type().equals("Add")) {
        adds++;
        assertThat(times.get(l)).isEqualTo(new OrtLayers.Time(-1, 0, 0));
      }
    }
    assertThat(adds).isEqualTo(8);
  }

  /**
   * The rule {@code predict} uses ({@link OrtFusion#runInside}: {@code LayerGraph}'s {@code
   * sumInto} and the NCHWc block) names exactly the layers a real session runs inside another
   * layer's kernel: the additions that get no kernel, each fused into the convolution the rule
   * names (that layer did get its kernel). Widths 0.75 and 0.5 give channel counts that are no
   * multiple of the block, where ONNX Runtime keeps the addition apart.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "resnet18-w0.25-r64",
        "resnet50-w0.25-r64",
        "resnet50-w0.75-r32",
        "mobilenetv3large-w0.5-r64",
        "mobilenetv3large-w0.75-r64",
        "mobilenetv2-w0.5-r64",
        "efficientnetb0-w0.25-r64",
        "mnasnet-w0.75-r64",
        "regnetx400mf-w0.5-r64"
      })
  void theFusionRuleNamesTheAdditionsThatGetNoKernel(String name) throws Exception {
    OnnxModel model = Networks.build(name, 7);
    OrtProfile.Run run = profiledRun(model, dir.resolve("rule-" + name + ".onnx"));
    org.assertj.core.api.Assumptions.assumeThat(run.nodes())
        .anyMatch(k -> k.name().endsWith("_nchwc"));
    LayerGraph.Covered covered = LayerGraph.covered(model, name);
    List<OrtLayers.Time> times = new OrtLayers(model, covered).map(run);
    List<LayerSpec> layers = covered.network().layers();
    Map<Integer, String> rule = OrtFusion.runInside(covered.network(), OrtFusion.hostBlockSize());
    Set<Integer> noKernelAdds = new java.util.TreeSet<>();
    for (int l = 0; l < layers.size(); l++) {
      if (layers.get(l).type().equals("Add") && times.get(l).kernels() == 0) {
        noKernelAdds.add(l);
      }
    }
    assertThat(rule.keySet()).isEqualTo(noKernelAdds);
    for (Map.Entry<Integer, String> e : rule.entrySet()) {
      int conv =
          java.util.stream.IntStream.range(0, layers.size())
              .filter(l -> layers.get(l).name().equals(e.getValue()))
              .findFirst()
              .orElseThrow();
      assertThat(layers.get(conv).type()).isIn("Conv", "DepthwiseConv");
      assertThat(times.get(conv).kernels()).isPositive();
    }
  }

  /**
   * The naming rules on a made-up run of MobileNetV2's nodes (names as ONNX Runtime writes them).
   */
  @org.junit.jupiter.api.Test
  void kernelsAreMatchedByNameTensorPrefixOrNeighbour() {
    OnnxModel model = Networks.structure("mobilenetv2");
    LayerGraph.Covered covered = LayerGraph.covered(model, "mobilenetv2");
    List<String> names = covered.network().layers().stream().map(LayerSpec::name).toList();
    OrtLayers map = new OrtLayers(model, covered);
    String conv0Out = model.nodes().get(covered.nodes().get(1).get(2)).outputs().get(0); // Clip's
    List<OrtProfile.NodeTime> k =
        List.of(
            new OrtProfile.NodeTime("ReorderInput", "ReorderInput", "", 110, 5),
            new OrtProfile.NodeTime(conv0Out + "_nchwc", "Conv", "", 115, 40),
            new OrtProfile.NodeTime("block1.dw/Clip_token_7", "Clip", "", 155, 3),
            new OrtProfile.NodeTime("block1.project/Conv/SomeFusion/", "FusedConv", "", 158, 20),
            new OrtProfile.NodeTime("ReorderOutput_token_2", "ReorderOutput", "", 178, 2),
            new OrtProfile.NodeTime("fused fc/Gemm", "FusedGemm", "", 180, 9));
    List<OrtLayers.Time> t = map.map(new OrtProfile.Run(100, 95, 1, k));
    assertThat(map.unmatched()).isEqualTo(2);
    assertThat(names.get(1)).isEqualTo("conv0");
    assertThat(t.get(0)).isEqualTo(new OrtLayers.Time(100, 10, 0)); // before the first kernel
    assertThat(t.get(1)).isEqualTo(new OrtLayers.Time(110, 45, 2)); // its reorder and its conv
    assertThat(t.get(names.indexOf("block1.dw"))).isEqualTo(new OrtLayers.Time(155, 3, 1));
    assertThat(t.get(names.indexOf("block1.project"))).isEqualTo(new OrtLayers.Time(158, 22, 2));
    assertThat(t.get(names.indexOf("fc"))).isEqualTo(new OrtLayers.Time(180, 9, 1));
    assertThat(t.stream().mapToLong(OrtLayers.Time::durUs).sum()).isEqualTo(10 + 79);
    assertThat(map.layerOf("no-such-node")).isEqualTo(-1);
  }
}
