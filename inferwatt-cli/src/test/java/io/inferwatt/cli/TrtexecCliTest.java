package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inferwatt profile --engine trtexec} against the engines module's fake trtexec ({@code
 * inferwatt-engines/src/test/resources/trt/fake_trtexec.py}), and the GPU providers' message in the
 * CPU-only default build.
 */
class TrtexecCliTest {
  @TempDir Path dir;

  private Path fakeTrtexec() throws Exception {
    Path src = Path.of("../inferwatt-engines/src/test/resources/trt").toAbsolutePath().normalize();
    boolean python =
        Files.isExecutable(Path.of("/usr/bin/python3"))
            || Files.isExecutable(Path.of("/usr/local/bin/python3"));
    assumeThat(python && Files.isRegularFile(src.resolve("fake_trtexec.py")))
        .as("python3 and the engines module's fake trtexec")
        .isTrue();
    Path bin = Files.createDirectories(dir.resolve("bin"));
    for (String f : List.of("profile-8.2.json", "profile-10.3.json")) {
      Files.copy(src.resolve(f), bin.resolve(f));
    }
    Path exe = bin.resolve("trtexec");
    Files.copy(src.resolve("fake_trtexec.py"), exe);
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    return exe;
  }

  @Test
  void profileWithTrtexecBuildsOnceAndReportsThePlacement() throws Exception {
    Path exe = fakeTrtexec();
    Path model = CliTest.buildConv(dir.resolve("conv.onnx"), 8, 16);
    String[] args = {
      "profile",
      "--engine",
      "trtexec",
      model.toString(),
      "--trtexec",
      exe.toString(),
      "--engine-cache",
      dir.resolve("engines").toString(),
      "--root",
      dir.toString(),
      "--no-store",
      "--format",
      "json",
      "--cycles",
      "10",
      "--layer-cycles",
      "5",
      "--idle",
      "0s",
      "--save-events",
      dir.resolve("e.jsonl").toString()
    };
    CliTest.Run r = CliTest.run(args);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err())
        .contains("no power sensor found")
        .contains("trtexec latency pass placed by the launch bracket")
        .contains("engine built with TensorRT 10.3.0");
    JsonNode j = r.json();
    assertThat(j.get("board").asText()).isEqualTo("trtexec:conv.onnx");
    assertThat(j.at("/inferences/latency_ms/count").asInt()).isEqualTo(10);
    assertThat(j.get("layers").size()).isEqualTo(3);
    assertThat(Files.readString(dir.resolve("e.jsonl")))
        .contains("\"tensorrt\":\"10.3.0\"")
        .contains("clock_alignment_error_ns");

    CliTest.Run again = CliTest.run(args);
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.err()).contains("taken from the cache");
  }

  @Test
  void aMissingTrtexecAndMissingGpuProvidersAreOneLineErrors() throws Exception {
    Path model = dir.resolve("conv.onnx");
    CliTest.run(
        "models",
        "build",
        "conv",
        "--kernel",
        "1",
        "--stride",
        "1",
        "--in",
        "3",
        "--out-channels",
        "4",
        "--size",
        "8",
        "--out",
        model.toString());
    CliTest.Run r =
        CliTest.run(
            "profile",
            "--engine",
            "trtexec",
            model.toString(),
            "--trtexec",
            dir.resolve("nowhere/trtexec").toString(),
            "--root",
            dir.toString(),
            "--no-store");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("not executable").contains("--trtexec PATH");
    CliTest.Run cuda =
        CliTest.run(
            "profile",
            "--engine",
            "onnxruntime:cuda",
            model.toString(),
            "--root",
            dir.toString(),
            "--no-store");
    assertThat(cuda.code()).isNotZero();
    assertThat(cuda.err()).contains("onnxruntime:cuda").contains("mvn -Pgpu package");
  }
}
