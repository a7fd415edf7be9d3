package io.inferwatt.engines.ort;

import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The layers ONNX Runtime runs inside another layer's kernel on a CPU: a residual addition fused
 * into the convolution before it. On x86-64 its NCHWc layout pass turns a convolution whose input
 * and output channels are multiples of the layout's block (8 floats with AVX2, 16 with AVX-512)
 * into an NCHWc convolution, and an addition of two tensors, one of them such a convolution's
 * output used by nothing else and with no activation fused yet, becomes that convolution's sum
 * input (its activation after the addition goes along). The graph half of the rule is {@link
 * LayerSpec#sumInto} ({@code LayerGraph} derives it); this class adds the layout's half. The
 * recorder ({@link OrtLayers}) finds the same layers as those that get no kernel, which {@code
 * OrtLayersTest} checks on real sessions.
 */
public final class OrtFusion {

  private static volatile Integer hostBlock;

  private OrtFusion() {}

  /**
   * The NCHWc block of ONNX Runtime's CPU kernels on the machine whose {@code /proc/cpuinfo} is
   * under {@code root}, {@code arch} its {@code os.arch}: 16 with AVX-512F, 8 with AVX2 or AVX, 0
   * where ONNX Runtime has no NCHWc layout (not x86-64, or the file cannot be read).
   */
  static int blockSize(Path root, String arch) {
    String a = arch.toLowerCase(Locale.ROOT);
    if (!a.equals("amd64") && !a.equals("x86_64")) {
      return 0;
    }
    try (var lines = Files.lines(root.resolve("proc/cpuinfo"))) {
      List<String> flags =
          lines
              .filter(l -> l.startsWith("flags"))
              .findFirst()
              .map(l -> List.of(l.split("\\s+")))
              .orElse(List.of());
      if (flags.contains("avx512f")) {
        return 16;
      }
      return flags.contains("avx2") || flags.contains("avx") ? 8 : 0;
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }

  /** {@link #blockSize(Path, String)} of this machine (read once). */
  public static int hostBlockSize() {
    Integer b = hostBlock;
    if (b == null) {
      b = blockSize(Path.of("/"), System.getProperty("os.arch", ""));
      hostBlock = b;
    }
    return b;
  }

  /**
   * The layers of {@code net} that ONNX Runtime runs inside another layer's kernel with NCHWc block
   * {@code block} (0: none): by index, the name of the layer whose kernel runs it.
   */
  public static Map<Integer, String> runInside(NetworkSpec net, int block) {
    Map<Integer, String> out = new LinkedHashMap<>();
    if (block <= 0) {
      return out;
    }
    Map<String, LayerSpec> byName = new HashMap<>();
    net.layers().forEach(l -> byName.put(l.name(), l));
    for (int i = 0; i < net.layers().size(); i++) {
      LayerSpec add = net.layers().get(i);
      LayerSpec conv = add.sumInto().isEmpty() ? null : byName.get(add.sumInto());
      if (conv != null && nchwc(conv, block)) {
        out.put(i, conv.name());
      }
    }
    return out;
  }

  /** Whether ONNX Runtime's NCHWc pass turns convolution {@code c} into an NCHWc one. */
  private static boolean nchwc(LayerSpec c, int block) {
    int in = c.inputShape().isEmpty() ? 0 : c.inputShape().get(0);
    int out = c.outputShape().isEmpty() ? 0 : c.outputShape().get(0);
    if (out % block != 0) {
      return false;
    }
    if (c.groups() > 1) {
      return c.groups() == in && in == out; // depthwise only
    }
    return in < block || in % block == 0;
  }
}
