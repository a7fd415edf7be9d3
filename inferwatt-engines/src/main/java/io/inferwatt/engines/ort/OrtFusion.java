package io.inferwatt.engines.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.engines.onnx.Networks;
import io.inferwatt.engines.onnx.OnnxIo;
import io.inferwatt.engines.runner.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The layers ONNX Runtime runs inside another layer's kernel on a CPU: a residual addition fused
 * into the convolution before it. On x86-64 its NCHWc layout pass turns a convolution whose input
 * and output channels are multiples of the layout's block (8 floats with AVX2, 16 with AVX-512F
 * where ONNX Runtime uses it: {@link #hostBlockSize} asks it) into an NCHWc convolution, and an
 * addition of two tensors, one of them such a convolution's output used by nothing else and with no
 * activation fused yet, becomes that convolution's sum input (its activation after the addition
 * goes along). The graph half of the rule is {@link LayerSpec#sumInto} ({@code LayerGraph} derives
 * it); this class adds the layout's half. The recorder ({@link OrtLayers}) finds the same layers as
 * those that get no kernel, which {@code OrtLayersTest} checks on real sessions.
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

  /**
   * The NCHWc block ONNX Runtime uses on this machine (found once): asked of ONNX Runtime itself,
   * by the smallest channel count of {@link #PROBES} whose convolutions its layout pass rewrites;
   * {@link #blockSize(Path, String)} where that cannot be asked. The CPU's flags alone can be
   * wrong: on a virtual Xeon whose {@code /proc/cpuinfo} lists AVX-512F, ONNX Runtime 1.23 fused
   * the additions of 8-float blocks (24 and 56 channels), not of 16.
   */
  public static int hostBlockSize() {
    Integer b = hostBlock;
    if (b == null) {
      b = askOrt().orElseGet(() -> blockSize(Path.of("/"), System.getProperty("os.arch", "")));
      hostBlock = b;
    }
    return b;
  }

  /**
   * A block and the channel count that asks for it: 20, 24 and 48 are multiples of 4, 8 and 16 and
   * of no larger block, and at least 16 (a convolution with fewer input channels than the block
   * takes another path): the first count the layout pass takes names the block.
   */
  private static final int[][] PROBES = {{4, 20}, {8, 24}, {16, 48}};

  private static Optional<Integer> askOrt() {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("inferwatt-nchwc");
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      for (int[] p : PROBES) {
        Path out = dir.resolve(p[1] + ".onnx");
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
          o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
          o.setOptimizedModelFilePath(out.toString());
          byte[] model = OnnxIo.toBytes(Networks.pointwisePair(p[1]));
          try (OrtSession s = env.createSession(model, o)) {
            // created only for the optimised graph it writes
          }
        }
        String graph = new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1);
        if (graph.contains(NCHWC_DOMAIN)) {
          return Optional.of(p[0]);
        }
      }
      return Optional.of(0);
    } catch (Exception | LinkageError e) {
      return Optional.empty();
    } finally {
      if (dir != null) {
        Processes.deleteQuietly(dir);
      }
    }
  }

  /** The operator domain of ONNX Runtime's NCHWc kernels. */
  private static final String NCHWC_DOMAIN = "com.microsoft.nchwc";

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
      if (conv != null && runsNchwc(conv, block)) {
        out.put(i, conv.name());
      }
    }
    return out;
  }

  /**
   * Whether ONNX Runtime's NCHWc pass turns convolution {@code c} into an NCHWc one with block
   * {@code block} (0: no NCHWc layout).
   */
  public static boolean runsNchwc(LayerSpec c, int block) {
    if (block <= 0) {
      return false;
    }
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
