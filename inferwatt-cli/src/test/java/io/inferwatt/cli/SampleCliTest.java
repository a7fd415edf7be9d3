package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training data end to end: {@code models sample} writes networks and a manifest, {@code models
 * build} writes a family at a width and resolution, and the virtual Nano profiles any of those
 * files through the layer derivation.
 */
class SampleCliTest {

  @Test
  void sampleWritesModelsAndAManifestAndRefusesToOverwriteIt(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("sample");
    CliTest.Run r =
        CliTest.run("models", "sample", "--count", "30", "--seed", "4", "--out", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("wrote 30 single-layer networks");
    List<String> lines = Files.readAllLines(out.resolve("manifest.csv"));
    assertThat(lines.get(0)).startsWith("file,kind,stratum,layer_type,");
    assertThat(lines).hasSize(31);
    for (String l : lines.subList(1, lines.size())) {
      assertThat(out.resolve(l.split(",")[0])).isRegularFile();
    }
    CliTest.Run again = CliTest.run("models", "sample", "--count", "3", "--out", out.toString());
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err()).contains("already holds a sample");
  }

  @Test
  void aFocusFileWithABadLineIsBadInput(@TempDir Path dir) throws Exception {
    Path focus = dir.resolve("errors.csv");
    Files.writeString(focus, "layer_type,median_abs_error_pct\nConv,lots\n");
    CliTest.Run r =
        CliTest.run(
            "models",
            "sample",
            "--count",
            "3",
            "--out",
            dir.resolve("s").toString(),
            "--focus",
            focus.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("line 2").contains("Conv,lots");
  }

  @Test
  void theVirtualNanoProfilesABuiltFamilyFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("v3.onnx");
    CliTest.Run b =
        CliTest.run(
            "models",
            "build",
            "mobilenetv3small",
            "--width",
            "0.5",
            "--resolution",
            "96",
            "--out",
            f.toString());
    assertThat(b.code()).as(b.err()).isZero();
    CliTest.Run r =
        CliTest.run(
            "profile",
            f.toString(),
            "--board",
            "sim:nano",
            "--no-store",
            "--format",
            "json",
            "--cycles",
            "5",
            "--warmup",
            "1",
            "--max-layer-cycles",
            "20",
            "--idle",
            "0s");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = r.json();
    assertThat(j.get("simulated").asBoolean()).isTrue();
    assertThat(j.get("model").asText()).endsWith("v3.onnx");
    // squeeze-excitation's gate is an element-wise layer; batch norms and activations are fused
    assertThat(j.get("layers").findValuesAsText("type"))
        .contains("Conv", "DepthwiseConv", "ElementWise", "Pool", "Gemm")
        .doesNotContain("Scale", "Activation");
  }

  @Test
  void anUnsupportedOperatorOnTheVirtualNanoIsOneLineAndExitTwo(@TempDir Path dir) {
    Path f = dir.resolve("odd.onnx");
    io.inferwatt.engines.onnx.OnnxModel m =
        io.inferwatt.engines.onnx.Networks.layer("Relu", 4, 8, 1, 1);
    io.inferwatt.engines.onnx.OnnxModel.Node n = m.nodes().get(0);
    io.inferwatt.engines.onnx.OnnxModel odd =
        new io.inferwatt.engines.onnx.OnnxModel(
            m.irVersion(),
            m.opsets(),
            m.producerName(),
            m.graphName(),
            List.of(
                new io.inferwatt.engines.onnx.OnnxModel.Node(
                    "weird", "Softsign", "", n.inputs(), n.outputs(), List.of())),
            m.initializers(),
            m.inputs(),
            m.outputs(),
            m.valueInfo());
    io.inferwatt.engines.onnx.OnnxIo.write(odd, f);
    CliTest.Run r = CliTest.run("profile", f.toString(), "--board", "sim:nano", "--no-store");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains("node weird (#0) has op Softsign");
  }
}
