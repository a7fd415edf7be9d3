package io.inferwatt.study.boards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The study's folder of built ONNX files: whole files only, and kept under its cap. */
class ModelCacheTest {

  @TempDir Path dir;

  private static void bytes(Path p, int n) {
    try {
      Files.write(p, new byte[n]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aWriteThatFailsHalfwayLeavesNoFileThatALaterStudyWouldOpen() {
    ModelCache cache = new ModelCache(dir, 1 << 20);
    assertThatThrownBy(
            () ->
                cache.file(
                    "net-seed1.onnx",
                    p -> {
                      bytes(p, 100); // half written, then the build fails
                      throw new IllegalStateException("killed");
                    }))
        .hasMessage("killed");
    assertThat(dir.resolve("net-seed1.onnx")).doesNotExist();
    assertThat(dir).isEmptyDirectory();
    AtomicInteger builds = new AtomicInteger();
    Path f = cache.file("net-seed1.onnx", p -> bytes(p, 10 + builds.incrementAndGet()));
    assertThat(f).hasSize(11);
    // a hit opens the cached file without building again
    assertThat(cache.file("net-seed1.onnx", p -> bytes(p, 10 + builds.incrementAndGet())))
        .isEqualTo(f);
    assertThat(builds).hasValue(1);
  }

  @Test
  void theLeastRecentlyUsedFilesGoWhenTheFolderPassesItsCap() throws IOException {
    ModelCache cache = new ModelCache(dir, 250);
    Path a = cache.file("a.onnx", p -> bytes(p, 100));
    Path b = cache.file("b.onnx", p -> bytes(p, 100));
    Files.setLastModifiedTime(a, FileTime.fromMillis(1_000));
    Files.setLastModifiedTime(b, FileTime.fromMillis(2_000));
    cache.file("a.onnx", p -> bytes(p, 100)); // a hit: a is now the most recently used
    Path c = cache.file("c.onnx", p -> bytes(p, 100)); // 300 bytes > 250: b goes
    assertThat(a).exists();
    assertThat(b).doesNotExist();
    assertThat(c).exists();
    // a file larger than the cap is still served: the one just written is never deleted
    Path big = cache.file("big.onnx", p -> bytes(p, 400));
    assertThat(big).exists();
    assertThat(a).doesNotExist();
    assertThat(c).doesNotExist();
  }
}
