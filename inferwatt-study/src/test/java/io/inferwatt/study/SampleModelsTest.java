package io.inferwatt.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.engines.onnx.LayerSample;
import io.inferwatt.engines.onnx.Networks;
import io.inferwatt.engines.onnx.OnnxIo;
import io.inferwatt.engines.onnx.SampleManifest;
import io.inferwatt.engines.sim.VirtualNano;
import java.io.BufferedWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plan names training networks: a drawn sample ({@code sample:KIND:COUNT:SEED}), a sample folder
 * ({@code sample:DIR}), a model file, a family at a width and resolution.
 */
class SampleModelsTest {

  private static Expansion expand(String models) {
    String plan =
        """
        study: s
        board: sim:nano
        base: {model: mobilenetv2}
        sweeps:
          - name: m
            vary: {model: %s}
        """
            .formatted(models);
    return Plans.expand(
        Plans.parse(plan, "t.yaml"), "sim:nano", List.of("sim"), VirtualNano.create(1).knobs());
  }

  @Test
  void aDrawnSampleExpandsToItsMembersWhichDeriveTheSameLayersAsTheWrittenFiles() throws Exception {
    Expansion e = expand("[\"sample:single:12:5\", mobilenetv3small-w0.5-r96]");
    List<String> models = e.configurations().stream().map(c -> c.settings().get("model")).toList();
    assertThat(models).contains("sample-single-n12-s5-i0", "sample-single-n12-s5-i11");
    assertThat(models).contains("mobilenetv3small-w0.5-r96");
    // member 7 is the file models sample writes as its eighth line
    List<LayerSample.Entry> entries = new java.util.ArrayList<>();
    LayerSample.draw(12, 5, LayerSample.Kind.SINGLE, Map.of(), (en, m) -> entries.add(en));
    NetworkSpec n = Models.network("sample-single-n12-s5-i7");
    assertThat(n.macs()).isEqualTo(entries.get(7).macs());
    assertThat(n.layers()).hasSize(entries.get(7).layers());
  }

  @Test
  void aSampleFolderExpandsToItsFiles(@TempDir Path dir) throws Exception {
    try (BufferedWriter w = SampleManifest.create(dir)) {
      LayerSample.draw(
          4,
          1,
          LayerSample.Kind.MULTI,
          Map.of(),
          (en, m) -> {
            OnnxIo.write(m, dir.resolve(en.file()));
            try {
              w.write(SampleManifest.line(en));
              w.newLine();
            } catch (java.io.IOException x) {
              throw new java.io.UncheckedIOException(x);
            }
          });
    }
    Expansion e = expand("[\"sample:" + dir + "\"]");
    List<String> models = e.configurations().stream().map(c -> c.settings().get("model")).toList();
    assertThat(models.stream().filter(m -> m.endsWith(".onnx"))).hasSize(4);
    String first = models.stream().filter(m -> m.endsWith(".onnx")).findFirst().orElseThrow();
    assertThat(Models.network(first).layers().size()).isGreaterThan(2);
  }

  @Test
  void aMissingSampleOrFileIsAProblemOfThePlan(@TempDir Path dir) {
    assertThatThrownBy(() -> expand("[\"sample:" + dir.resolve("none") + "\"]"))
        .hasMessageContaining("manifest.csv");
    assertThatThrownBy(() -> expand("[" + dir.resolve("none.onnx") + "]"))
        .hasMessageContaining("no such file");
    assertThat(Models.network(Networks.variant("googlenet-r96").orElseThrow().name()).inputShape())
        .containsExactly(3, 96, 96);
  }
}
