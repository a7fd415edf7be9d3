package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.study.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LayerCache}: what it gives back is what it was given, and only under its own key. */
class LayerCacheTest {
  @TempDir Path dir;

  private static final NetworkSpec FAKE =
      new NetworkSpec(
          "fake",
          List.of(3, 8, 8),
          List.of(
              new LayerSpec(
                  "input_reformat", "Reformat", List.of(3, 8, 8), List.of(3, 8, 8), 0, 0, 0, 0, 0),
              new LayerSpec(
                  "c",
                  "Conv",
                  List.of(3, 8, 8),
                  List.of(4, 4, 4),
                  3,
                  2,
                  1,
                  1L << 33,
                  112,
                  "Swish",
                  ""),
              new LayerSpec(
                  "a", "Add", List.of(4, 4, 4), List.of(4, 4, 4), 0, 0, 0, 64, 0, "", "c")));

  @Test
  void writesEveryFieldOfTheLayers() {
    // fails when NetworkSpec or LayerSpec gains a field: LayerCache must then write it (and say so
    // in FIELDS), else it stays off
    assertThat(LayerCache.fields()).isEqualTo(LayerCache.FIELDS);
  }

  @Test
  void keepsTheDerivedLayersPerBuild() {
    NetworkSpec derived = Models.network("densenet121");
    assertThat(LayerCache.network("densenet121", dir, "build-1")).isEqualTo(derived);
    Path entry = LayerCache.entry(dir, LayerCache.key("densenet121"));
    assertThat(entry).exists();
    assertThat(LayerCache.read(entry, "build-1\n" + LayerCache.key("densenet121")))
        .isEqualTo(derived);
    assertThat(LayerCache.network("densenet121", dir, "build-1")).isEqualTo(derived);

    // what the entry holds is what is given back (the derivation is not run again) ...
    LayerCache.write(dir, entry, "build-1\n" + LayerCache.key("densenet121"), FAKE);
    assertThat(LayerCache.network("densenet121", dir, "build-1")).isEqualTo(FAKE);
    // ... but only to the build that wrote it: another derives again and replaces it
    assertThat(LayerCache.network("densenet121", dir, "build-2")).isEqualTo(derived);
    assertThat(LayerCache.network("densenet121", dir, "build-2")).isEqualTo(derived);
    assertThat(dir.toFile().list()).containsExactly(entry.getFileName().toString());
  }

  @Test
  void aDamagedEntryIsIgnoredAndWrittenAgain() throws Exception {
    NetworkSpec derived = Models.network("resnet18");
    String key = "b\n" + LayerCache.key("resnet18");
    Path entry = LayerCache.entry(dir, LayerCache.key("resnet18"));
    LayerCache.write(dir, entry, key, FAKE);
    byte[] whole = Files.readAllBytes(entry);
    for (int at : new int[] {0, 5, whole.length / 2, whole.length - 9, whole.length - 1}) {
      byte[] bad = whole.clone();
      bad[at] ^= 0x10;
      Files.write(entry, bad);
      assertThat(LayerCache.read(entry, key)).as("byte %d changed", at).isNull();
    }
    Files.write(entry, java.util.Arrays.copyOf(whole, whole.length - 3));
    assertThat(LayerCache.read(entry, key)).isNull();
    Files.write(entry, new byte[0]);
    assertThat(LayerCache.network("resnet18", dir, "b")).isEqualTo(derived);
    assertThat(LayerCache.read(entry, key)).isEqualTo(derived);
  }

  @Test
  void aChangedFileIsDerivedAgain() throws Exception {
    Path onnx = dir.resolve("net.onnx");
    io.inferwatt.engines.onnx.OnnxIo.write(
        io.inferwatt.engines.onnx.Networks.build("mobilenetv1", 1), onnx);
    Path cache = dir.resolve("cache");
    NetworkSpec first = LayerCache.network(onnx.toString(), cache, "b");
    assertThat(first).isEqualTo(Models.network(onnx.toString()));
    String key = LayerCache.key(onnx.toString());
    LayerCache.write(cache, LayerCache.entry(cache, key), "b\n" + key, FAKE);
    assertThat(LayerCache.network(onnx.toString(), cache, "b")).isEqualTo(FAKE);
    Files.setLastModifiedTime(
        onnx, FileTime.fromMillis(Files.getLastModifiedTime(onnx).toMillis() - 5000));
    assertThat(LayerCache.network(onnx.toString(), cache, "b")).isEqualTo(first);
  }
}
