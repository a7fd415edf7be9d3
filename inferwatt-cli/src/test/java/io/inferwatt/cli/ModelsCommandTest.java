package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inferwatt models} end to end, through picocli. */
class ModelsCommandTest {

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    CliTest.Run r =
        CliTest.run(
            java.util.stream.Stream.concat(
                    java.util.stream.Stream.of("models"), java.util.Arrays.stream(args))
                .toArray(String[]::new));
    return new Result(r.code(), r.out(), r.err());
  }

  @Test
  void listShowsTheNetworksWithTheirCounts() {
    Result r = run("list");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("mobilenetv2").contains("3,504,872").contains("resnet50");
  }

  @Test
  void buildThenInspectAsJson(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("v2.onnx");
    assertThat(run("build", "mobilenetv2", "--out", f.toString(), "--seed", "3").code()).isZero();
    assertThat(Files.size(f)).isGreaterThan(13_000_000);
    Result r = run("inspect", f.toString(), "--format", "json");
    assertThat(r.code()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.get("parameters").asLong()).isEqualTo(3_504_872);
    assertThat(Math.round(j.get("macs").asLong() / 1e5)).isEqualTo(3008); // 300.8 M
    assertThat(j.get("nodes").asInt()).isEqualTo(j.get("layers").size());
    assertThat(j.get("layers").get(0).get("output_shapes").get(0).toString())
        .isEqualTo("[1,32,112,112]");
  }

  @Test
  void convPrefixAndNode(@TempDir Path dir) {
    Path conv = dir.resolve("conv.onnx");
    Result c =
        run(
            "build",
            "conv",
            "--kernel",
            "3",
            "--stride",
            "2",
            "--in",
            "16",
            "--out-channels",
            "32",
            "--size",
            "56",
            "--out",
            conv.toString());
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(run("inspect", conv.toString()).out()).contains("1x32x28x28");

    Path r18 = dir.resolve("r18.onnx");
    run("build", "resnet18", "--out", r18.toString());
    Path p = dir.resolve("p.onnx");
    assertThat(run("prefix", r18.toString(), "--nodes", "4", "--out", p.toString()).out())
        .contains("4 nodes");
    assertThat(run("inspect", p.toString()).out()).contains("MaxPool").contains("1x64x56x56");
    Path n = dir.resolve("n.onnx");
    assertThat(run("node", r18.toString(), "--index", "0", "--out", n.toString()).out())
        .contains("1 nodes");
  }

  @Test
  void badInputIsAOneLineError(@TempDir Path dir) {
    Result r = run("build", "alexnet", "--out", dir.resolve("x.onnx").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).contains("alexnet").doesNotContain("\n");
    assertThat(run("build", "conv", "--out", dir.resolve("c.onnx").toString()).err())
        .contains("--kernel");
    assertThat(run("inspect", dir.resolve("missing.onnx").toString()).err())
        .contains("no such file");
    assertThat(run("inspect", dir.resolve("missing.onnx").toString(), "--format", "xml").err())
        .contains("xml");
  }
}
