package io.inferwatt.engines.ort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.Phases;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.feed.ClockAlignment;
import io.inferwatt.engines.feed.SampleFeed;
import io.inferwatt.engines.onnx.Networks;
import io.inferwatt.engines.onnx.OnnxIo;
import io.inferwatt.engines.onnx.OnnxModel;
import io.inferwatt.hardware.Recorder;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX Runtime recorder on this machine's CPU, with MobileNetV2 from the builder. No test
 * asserts a duration; the layer-sum check compares two measures of the same inferences.
 */
class OrtRecorderTest {

  @TempDir static Path dir;
  static Path mobileNetV2;
  static OnnxModel model;

  @BeforeAll
  static void build() {
    model = Networks.mobileNetV2(1);
    mobileNetV2 = dir.resolve("mobilenetv2.onnx");
    OnnxIo.write(model, mobileNetV2);
  }

  private static Workload workload(int batch, ExecutionMode mode, InputKind input) {
    return new Workload(
        new NetworkSpec("mobilenetv2", List.of(3, 224, 224), List.of()), batch, mode, input);
  }

  /** Files under {@code root} this process still holds open (a deleted one included). */
  private static List<String> openFilesUnder(Path root) throws java.io.IOException {
    List<String> out = new ArrayList<>();
    try (var fds = java.nio.file.Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = java.nio.file.Files.readSymbolicLink(fd).toString();
          if (target.startsWith(root.toString())) {
            out.add(target);
          }
        } catch (java.io.IOException e) {
          // closed while we looked
        }
      }
    }
    return out;
  }

  @Test
  void aFailureWhenTheLoggerStartsLeavesNoProfiledSessionOpen(@TempDir Path profiles)
      throws Exception {
    org.assertj.core.api.Assumptions.assumeThat(Path.of("/proc/self/fd")).isDirectory();
    FakeFeed broken =
        new FakeFeed() {
          @Override
          public void start() {
            throw new IllegalStateException("the sensor went away");
          }
        };
    Protocol p = new Protocol(1, 2, 2, 3, 100, 1, 1_000_000L);
    try (OrtRecorder r =
        OrtRecorder.open(
            mobileNetV2, OrtOptions.defaults().withProfileDir(profiles), Optional.of(broken))) {
      assertThatThrownBy(
              () ->
                  r.record(
                      workload(1, ExecutionMode.SYNC, InputKind.BLACK),
                      p,
                      Recorder.ProgressListener.NONE))
          .hasMessageContaining("the sensor went away");
    }
    // a profiled session holds its profile file open until it is closed
    assertThat(openFilesUnder(profiles)).isEmpty();
  }

  @Test
  void everyNodeIsProfiledAndLayerTimesAddUpToTheLatency() {
    Protocol p = new Protocol(2, 3, 3, 6, 100, 1, 20_000_000L);
    FakeFeed feed = new FakeFeed();
    try (OrtRecorder r =
        OrtRecorder.open(
            mobileNetV2, OrtOptions.defaults().withOptimize(false), Optional.of(feed))) {
      Timeline t =
          r.record(
              workload(1, ExecutionMode.SYNC, InputKind.FIXED_RANDOM),
              p,
              Recorder.ProgressListener.NONE);
      EventLog log = t.events();
      assertThat(log.phases())
          .extracting(PhaseEvent::name)
          .containsExactly(Phases.WARMUP, Phases.LATENCY, Phases.POWER, Phases.LAYERS, Phases.IDLE);
      assertThat(log.inferences()).hasSize(2 + 3 + 3 + 6);
      assertThat(t.rails()).containsExactly("in");
      assertThat(t.samples()).isNotEmpty();
      assertThat(r.lastReport().notes()).isEmpty();

      // without graph optimisation every ONNX node runs as written; the events are the layers
      // LayerGraph derives, indexed and named as the network's layer list
      assertThat(r.lastReport().nodesPerInference()).isEqualTo(model.nodes().size());
      List<io.inferwatt.core.model.LayerSpec> specs = r.network("mobilenetv2").layers();
      assertThat(specs)
          .isEqualTo(io.inferwatt.engines.onnx.LayerGraph.derive(model, "mobilenetv2").layers());
      int nodes = specs.size();
      assertThat(log.layerCount()).isEqualTo(6 * nodes);
      for (int i = 0; i < log.layerCount(); i++) {
        assertThat(log.layerName(i)).isEqualTo(specs.get(log.layerIndex(i)).name());
      }
      Map<Long, long[]> sumAndCount = new HashMap<>();
      for (int i = 0; i < log.layerCount(); i++) {
        long[] a = sumAndCount.computeIfAbsent(log.layerSeq(i), k -> new long[3]);
        a[0] += log.layerDurationNs(i);
        a[1]++;
      }
      PhaseEvent layers = log.phases().get(3);
      List<Double> ratios = new ArrayList<>();
      for (InferenceEvent e : log.inferences()) {
        if (!layers.contains(e.startNs())) {
          assertThat(sumAndCount).doesNotContainKey(e.seq());
          continue;
        }
        long[] a = sumAndCount.get(e.seq());
        assertThat(a[1]).isEqualTo(nodes);
        ratios.add((double) a[0] / e.latencyNs());
      }
      ClockAlignment al = r.lastReport().alignments().get(0);
      assertThat(al.consistent()).isTrue();
      // every layer starts inside its inference, within the alignment's uncertainty
      Map<Long, InferenceEvent> bySeq = new HashMap<>();
      log.inferences().forEach(e -> bySeq.put(e.seq(), e));
      for (int i = 0; i < log.layerCount(); i++) {
        InferenceEvent e = bySeq.get(log.layerSeq(i));
        long s = log.layerStartNsOrMin(i);
        assertThat(s)
            .isBetween(e.startNs() - al.uncertaintyNs() - 1000, e.endNs() + al.uncertaintyNs());
      }
      double[] sorted = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double median = sorted[sorted.length / 2];
      // the kernels' sum leaves out only ONNX Runtime's per-run and per-node bookkeeping and JNI
      assertThat(median)
          .as("median layer sum / latency, all %s", Arrays.toString(sorted))
          .isBetween(0.90, 1.0);
    }
  }

  @Test
  void withoutASensorItRecordsLatenciesAndSaysSo() {
    Protocol p = new Protocol(1, 2, 2, 2, 100, 1, 20_000_000L);
    try (OrtRecorder r = OrtRecorder.open(mobileNetV2, OrtOptions.defaults(), Optional.empty())) {
      assertThat(r.rails()).isEmpty();
      assertThat(r.simulated()).isFalse();
      Timeline t =
          r.record(
              workload(2, ExecutionMode.SYNC, InputKind.BLACK), p, Recorder.ProgressListener.NONE);
      assertThat(t.samples()).isEmpty();
      assertThat(t.events().phases())
          .extracting(PhaseEvent::name)
          .containsExactly(Phases.WARMUP, Phases.LATENCY, Phases.LAYERS);
      assertThat(t.events().inferences()).allSatisfy(e -> assertThat(e.batch()).isEqualTo(2));
      assertThat(r.lastReport().notes()).anyMatch(n -> n.contains("no power sensor"));
      // with optimisation on, ONNX Runtime fuses Conv+BN+activation: fewer kernels than nodes
      assertThat(r.lastReport().nodesPerInference()).isBetween(1, model.nodes().size() - 1);
      // one event per layer of the file in each of the 2 layer cycles, fused kernels or not
      assertThat(t.events().layerCount()).isEqualTo(2 * r.network("m").layers().size());
    }
  }

  @Test
  void asyncModeKeepsSeveralRequestsInFlightAndRecordsEach() {
    Protocol p = new Protocol(0, 8, 0, 1, 100, 1, 0);
    try (OrtRecorder r =
        OrtRecorder.open(
            mobileNetV2,
            OrtOptions.defaults().withAsyncInFlight(3).withIntraOpThreads(1),
            Optional.empty())) {
      List<long[]> progress = new ArrayList<>();
      Timeline t =
          r.record(
              workload(1, ExecutionMode.ASYNC, InputKind.VARIED),
              p,
              (phase, done, total) -> progress.add(new long[] {done, total}));
      assertThat(t.events().inferences()).hasSize(9);
      assertThat(t.events().inferences()).extracting(InferenceEvent::seq).doesNotHaveDuplicates();
      assertThat(progress).anyMatch(a -> a[0] == a[1]);
    }
  }

  @Test
  void variedInputsComeFromAFolderOrAGeneratedSet(@TempDir Path images) throws Exception {
    for (int i = 0; i < 3; i++) {
      BufferedImage img = new BufferedImage(40 + i, 30, BufferedImage.TYPE_INT_RGB);
      java.awt.Graphics2D g = img.createGraphics();
      g.setColor(new java.awt.Color(80 * i, 255 - 80 * i, 40));
      g.fillRect(0, 0, img.getWidth(), img.getHeight());
      g.dispose();
      ImageIO.write(img, "png", images.resolve("img" + i + ".png").toFile());
    }
    OrtOptions o = OrtOptions.defaults().withInputsDir(images);
    List<float[]> fromFolder = Inputs.batches(InputKind.VARIED, 1, 3, 8, 8, o);
    assertThat(fromFolder).hasSize(3);
    assertThat(fromFolder.get(0)).hasSize(3 * 8 * 8);
    assertThat(Arrays.equals(fromFolder.get(0), fromFolder.get(1))).isFalse();
    assertThat(Inputs.batches(InputKind.VARIED, 2, 3, 8, 8, OrtOptions.defaults())).hasSize(8);
    assertThat(Inputs.batches(InputKind.BLACK, 1, 3, 8, 8, o).get(0)).containsOnly(0f);
    float[] r1 = Inputs.batches(InputKind.FIXED_RANDOM, 1, 3, 8, 8, o).get(0);
    assertThat(r1).isEqualTo(Inputs.batches(InputKind.FIXED_RANDOM, 1, 3, 8, 8, o).get(0));
    assertThatThrownBy(
            () ->
                Inputs.batches(
                    InputKind.VARIED,
                    1,
                    3,
                    8,
                    8,
                    OrtOptions.defaults().withInputsDir(dir.resolve("none"))))
        .hasMessageContaining("none");
  }

  @Test
  void aModelWithTwoInputsIsRefused(@TempDir Path d) {
    Path f = d.resolve("bad.onnx");
    OnnxModel m = Networks.layer("Relu", 2, 2, 0, 1);
    OnnxModel two =
        new OnnxModel(
            m.irVersion(),
            m.opsets(),
            "",
            "g",
            m.nodes(),
            m.initializers(),
            List.of(m.inputs().get(0), OnnxModel.ValueInfo.floats("other", List.of(1L))),
            m.outputs(),
            List.of());
    OnnxIo.write(two, f);
    assertThatThrownBy(() -> OrtRecorder.open(f, OrtOptions.defaults(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has 2");
  }

  /** A constant 5 W rail sampled every 1 ms over the time the feed ran. */
  static class FakeFeed implements SampleFeed {
    private long startNs;

    @Override
    public List<String> rails() {
      return List.of("in");
    }

    @Override
    public long periodNs() {
      return 1_000_000;
    }

    @Override
    public void start() {
      startNs = System.nanoTime();
    }

    @Override
    public List<PowerSample> stop() {
      long end = System.nanoTime();
      List<PowerSample> out = new ArrayList<>();
      for (long t = startNs; t < end; t += periodNs()) {
        out.add(PowerSample.at(t, 5000));
      }
      return out;
    }
  }
}
