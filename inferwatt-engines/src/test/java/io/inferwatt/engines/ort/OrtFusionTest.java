package io.inferwatt.engines.ort;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The NCHWc block from a machine's CPU flags, and the layout's half of the Conv+Add rule. */
class OrtFusionTest {

  @TempDir Path root;

  private int block(String flags, String arch) throws Exception {
    Files.createDirectories(root.resolve("proc"));
    Files.writeString(
        root.resolve("proc/cpuinfo"), "processor\t: 0\nflags\t\t: fpu sse2 " + flags + "\n");
    return OrtFusion.blockSize(root, arch);
  }

  @Test
  void theBlockFollowsTheWidestVectors() throws Exception {
    assertThat(block("avx avx2 fma", "amd64")).isEqualTo(8);
    assertThat(block("avx avx2 avx512f", "amd64")).isEqualTo(16);
    assertThat(block("ssse3", "amd64")).isZero();
    assertThat(block("avx2", "aarch64")).isZero();
    assertThat(OrtFusion.blockSize(root.resolve("none"), "amd64")).isZero();
  }

  private static LayerSpec conv(String name, int in, int out, int groups, String act) {
    return new LayerSpec(
        name,
        groups > 1 ? "DepthwiseConv" : "Conv",
        List.of(in, 8, 8),
        List.of(out, 8, 8),
        1,
        1,
        groups,
        1,
        1,
        act,
        "");
  }

  private static LayerSpec add(String name, int c, String into) {
    return new LayerSpec(name, "Add", List.of(c, 8, 8), List.of(c, 8, 8), 0, 0, 0, 0, 0, "", into);
  }

  @Test
  void anAdditionRunsInsideItsConvolutionWhereTheChannelsFillTheBlock() {
    NetworkSpec net =
        new NetworkSpec(
            "n",
            List.of(16, 8, 8),
            List.of(
                conv("c0", 16, 16, 1, ""),
                add("a1", 16, "c0"),
                conv("c2", 16, 24, 1, ""),
                add("a3", 24, "c2"),
                conv("c4", 20, 24, 1, ""),
                add("a5", 24, "c4"),
                add("a6", 24, "")));
    assertThat(OrtFusion.runInside(net, 8))
        .containsExactly(java.util.Map.entry(1, "c0"), java.util.Map.entry(3, "c2"));
    assertThat(OrtFusion.runInside(net, 16)).containsOnlyKeys(1);
    assertThat(OrtFusion.runInside(net, 0)).isEmpty();
  }
}
