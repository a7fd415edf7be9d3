package io.inferwatt.study.boards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.engines.onnx.Networks;
import io.inferwatt.engines.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The study's folder of built ONNX files: whole files only, and kept under its cap. */
class ModelCacheTest {

  @TempDir Path dir;

  /** A single convolution with {@code out} output channels: larger files for more channels. */
  private static Supplier<OnnxModel> conv(int out) {
    return () -> Networks.conv(3, 1, 8, out, 16, 1, 1);
  }

  @Test
  void aBuildThatFailsLeavesNoFileThatALaterStudyWouldOpen() {
    ModelCache cache = new ModelCache(dir, 1 << 20);
    assertThatThrownBy(
            () ->
                cache.file(
                    "net-seed1.onnx",
                    () -> {
                      throw new IllegalStateException("killed");
                    }))
        .hasMessage("killed");
    assertThat(dir.resolve("net-seed1.onnx")).doesNotExist();
    AtomicInteger builds = new AtomicInteger();
    Supplier<OnnxModel> counted =
        () -> {
          builds.incrementAndGet();
          return conv(8).get();
        };
    Path f = cache.file("net-seed1.onnx", counted);
    assertThat(f).isRegularFile();
    assertThat(dir).isDirectoryContaining(p -> p.equals(f));
    // a hit opens the cached file without building again
    assertThat(cache.file("net-seed1.onnx", counted)).isEqualTo(f);
    assertThat(builds).hasValue(1);
  }

  @Test
  void theLeastRecentlyUsedFilesGoWhenTheFolderPassesItsCap() throws IOException {
    Path probe = new ModelCache(dir.resolve("probe"), Long.MAX_VALUE).file("p.onnx", conv(8));
    long size = Files.size(probe);
    ModelCache cache = new ModelCache(dir, size * 5 / 2);
    Path a = cache.file("a.onnx", conv(8));
    Path b = cache.file("b.onnx", conv(8));
    Files.setLastModifiedTime(a, FileTime.fromMillis(1_000));
    Files.setLastModifiedTime(b, FileTime.fromMillis(2_000));
    cache.file("a.onnx", conv(8)); // a hit: a is now the most recently used
    Path c = cache.file("c.onnx", conv(8)); // three files > 2.5: b goes
    assertThat(a).exists();
    assertThat(b).doesNotExist();
    assertThat(c).exists();
    // a file larger than the cap is still served: the one just written is never deleted
    Path big = cache.file("big.onnx", conv(512));
    assertThat(Files.size(big)).isGreaterThan(size * 5 / 2);
    assertThat(big).exists();
    assertThat(a).doesNotExist();
    assertThat(c).doesNotExist();
  }
}
