package io.inferwatt.engines.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtException;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The training sample: a Latin hypercube inside each stratum, shares moved by the focus errors,
 * every drawn network derivable and runnable in ONNX Runtime, the same seed the same sample.
 */
class LayerSampleTest {

  @Test
  void eachDimensionOfTheHypercubeUsesEveryBinOnce() {
    double[][] p = LayerSample.latinHypercube(17, 5, new SplittableRandom(3));
    for (int d = 0; d < 5; d++) {
      Set<Integer> bins = new HashSet<>();
      for (double[] x : p) {
        assertThat(x[d]).isBetween(0.0, 1.0);
        bins.add((int) (x[d] * 17));
      }
      assertThat(bins).hasSize(17);
    }
  }

  @Test
  void theFocusDrawsMoreOfTheTypesWithLargerErrors() {
    Map<String, Integer> plain = perType(120, Map.of());
    Map<String, Integer> focused = perType(120, Map.of("Conv", 20.0, "Pool", 1.0, "Gemm", 4.0));
    assertThat(plain.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(120);
    assertThat(focused.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(120);
    assertThat(focused.get("Conv")).isGreaterThan(plain.get("Conv"));
    assertThat(focused.get("Pool")).isLessThan(plain.get("Pool"));
  }

  private static Map<String, Integer> perType(int count, Map<String, Double> focus) {
    Map<String, Integer> m = new LinkedHashMap<>();
    LayerSample.draw(
        count,
        1,
        LayerSample.Kind.SINGLE,
        focus,
        (e, model) -> m.merge(e.layerType(), 1, Integer::sum));
    return m;
  }

  @Test
  void everyStratumDerivesItsLayerTypeAndRunsInOnnxRuntime() throws OrtException {
    List<LayerSample.Entry> entries = new ArrayList<>();
    List<OnnxModel> models = new ArrayList<>();
    for (LayerSample.Kind kind : LayerSample.Kind.values()) {
      int n = LayerSample.strata(kind).size();
      LayerSample.draw(
          n,
          9,
          kind,
          Map.of(),
          (e, m) -> {
            entries.add(e);
            models.add(m);
          });
    }
    assertThat(entries)
        .hasSize(
            LayerSample.strata(LayerSample.Kind.SINGLE).size()
                + LayerSample.strata(LayerSample.Kind.MULTI).size()
                + LayerSample.strata(LayerSample.Kind.EXTRA).size());
    for (int i = 0; i < entries.size(); i++) {
      LayerSample.Entry e = entries.get(i);
      OnnxModel m = models.get(i);
      NetworkSpec net = LayerGraph.derive(m);
      assertThat(net.layers().stream().map(LayerSpec::type)).as(e.file()).contains(e.layerType());
      if (e.kind().equals("single")
          && !List.of("add", "add-relu", "concat", "mul").contains(e.stratum())) {
        assertThat(net.layers()).as(e.file()).hasSize(2); // the reformat and the layer
      }
      assertThat(net.macs()).isLessThanOrEqualTo(3 * LayerSample.MAX_MACS);
      assertThat(OnnxIo.toBytes(m).length).as(e.file()).isLessThan(9_000_000);
      long[] shape = new long[m.inputs().get(0).shape().size()];
      for (int d = 0; d < shape.length; d++) {
        shape[d] = m.inputs().get(0).dims().get(d);
      }
      float[] out = NetworksTest.runOnce(OnnxIo.toBytes(m), Networks.INPUT, shape);
      assertThat(out.length).as(e.file()).isPositive();
    }
  }

  /**
   * The extra kind: Swish MBConv blocks whose layers carry the Swish (and the gate's sigmoid), and
   * DenseNet units whose 1×1 bottlenecks read wide, odd concatenations at small sizes.
   */
  @Test
  void theExtraBlocksCarrySwishAndWideConcatenations() {
    List<NetworkSpec> mb = new ArrayList<>();
    List<NetworkSpec> dense = new ArrayList<>();
    LayerSample.draw(
        40,
        1,
        LayerSample.Kind.EXTRA,
        Map.of(),
        (e, m) -> (e.stratum().equals("mbconv-swish") ? mb : dense).add(LayerGraph.derive(m)));
    assertThat(mb).hasSize(20);
    assertThat(dense).hasSize(20);
    for (NetworkSpec n : mb) {
      assertThat(n.layers())
          .filteredOn(l -> l.type().equals("DepthwiseConv"))
          .singleElement()
          .matches(l -> l.activation().equals("Swish"));
      assertThat(n.layers()).anyMatch(l -> l.activation().equals("Sigmoid"));
    }
    List<Integer> bottleneckIn = new ArrayList<>();
    for (NetworkSpec n : dense) {
      for (LayerSpec l : n.layers()) {
        if (l.type().equals("Conv") && l.kernel() == 1 && l.name().endsWith("conv1")) {
          bottleneckIn.add(l.inputShape().get(0));
          assertThat(l.inputShape().get(1)).isBetween(3, 40);
        }
      }
    }
    assertThat(bottleneckIn).allMatch(c -> c >= 64 && c % 16 == 0);
    assertThat(bottleneckIn.stream().mapToInt(Integer::intValue).max().orElse(0))
        .isGreaterThan(400);
  }

  @Test
  void theSameSeedDrawsTheSameSample() {
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    LayerSample.draw(30, 5, LayerSample.Kind.MULTI, Map.of(), (e, m) -> a.add(e.toString()));
    LayerSample.draw(30, 5, LayerSample.Kind.MULTI, Map.of(), (e, m) -> b.add(e.toString()));
    assertThat(a).isEqualTo(b);
    assertThatThrownBy(
            () -> LayerSample.draw(0, 1, LayerSample.Kind.SINGLE, Map.of(), (e, m) -> {}))
        .hasMessageContaining("count 0");
  }
}
