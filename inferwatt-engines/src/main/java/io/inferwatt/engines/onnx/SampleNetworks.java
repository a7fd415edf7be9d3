package io.inferwatt.engines.onnx;

import static io.inferwatt.engines.onnx.LayerSample.MAX_ELEMENTS;
import static io.inferwatt.engines.onnx.LayerSample.MAX_MACS;
import static io.inferwatt.engines.onnx.LayerSample.MAX_WEIGHTS;

import java.util.List;

/**
 * The networks of a training sample ({@link LayerSample}'s part): a design point of a stratum
 * turned into an ONNX graph, a single layer (with its fused batch norm and activation) or a small
 * block, each shrunk to the sample's limits on weights, MACs and elements.
 */
final class SampleNetworks {
  private SampleNetworks() {}

  /** A design point: kernel, stride, input channels, output channels, size, each in [0,1). */
  record Point(double[] u) {
    int kernel() {
      return 1 + (int) (u[0] * 7);
    }

    int stride() {
      return u[1] < 0.5 ? 1 : 2;
    }

    int in() {
      return logInt(u[2], 8, 1024);
    }

    int out() {
      return logInt(u[3], 8, 1024);
    }

    int size() {
      return logInt(u[4], 7, 224);
    }

    /** A second use of a dimension's coordinate, decorrelated from the first. */
    double again(int d) {
      double v = u[d] * 7.31;
      return v - Math.floor(v);
    }

    private static int logInt(double u, int lo, int hi) {
      return (int) Math.round(Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))));
    }
  }

  /** What was drawn. */
  record Dims(OnnxModel model, int kernel, int stride, int in, int out, int size) {}

  /** A single-layer network of {@code stratum} at design point {@code p}. */
  static Dims single(GraphBuilder g, String stratum, Point p) {
    int k = p.kernel();
    int stride = p.stride();
    int in = p.in();
    int out = p.out();
    int size = p.size();
    switch (stratum) {
      case "gemm", "gemm-relu" -> {
        int fin = (int) Math.round(Math.exp(Math.log(8) + p.u()[2] * Math.log(512)));
        int fout = (int) Math.round(Math.exp(Math.log(8) + p.u()[3] * Math.log(512)));
        fout = (int) Math.max(8, Math.min(fout, MAX_WEIGHTS / fin));
        String x = g.input(Networks.INPUT, 1, fin);
        String y = g.layer("fc").gemm(x, fout);
        if (stratum.equals("gemm-relu")) {
          y = g.relu(y);
        }
        return new Dims(g.build(y), 0, 0, fin, fout, 0);
      }
      case "conv", "conv-bn-relu", "conv-bn-relu6", "conv-bn-hardswish", "conv-bn-swish" -> {
        out = (int) Math.max(8, Math.min(out, MAX_WEIGHTS / ((long) in * k * k)));
        size = fit(size, (long) k * k * in * out / ((long) stride * stride), Math.max(in, out), k);
        String x = g.input(Networks.INPUT, 1, in, size, size);
        boolean bn = !stratum.equals("conv");
        String y = g.layer("conv").conv(x, out, k, stride, k / 2, 1, !bn);
        if (bn) {
          y = act(g, g.batchNorm(y), stratum.substring("conv-bn-".length()));
        }
        return new Dims(g.build(y), k, stride, in, out, size);
      }
      case "dwconv-bn-relu", "dwconv-bn-swish" -> {
        size = fit(size, (long) k * k * in / ((long) stride * stride), in, k);
        String x = g.input(Networks.INPUT, 1, in, size, size);
        String y = g.layer("dw").batchNorm(g.conv(x, in, k, stride, in));
        y = act(g, y, stratum.substring("dwconv-bn-".length()));
        return new Dims(g.build(y), k, stride, in, in, size);
      }
      default -> {
        int c = in;
        int kp = 2 + (int) (p.u()[0] * 4); // pools: 2..5
        size = fit(size, 1, 2L * c, Math.max(kp, 1));
        String x = g.input(Networks.INPUT, 1, c, size, size);
        // a second operand for the two-input layers: a ReLU of the input, its own layer
        String other =
            List.of("add", "add-relu", "concat").contains(stratum) ? g.layer("other").relu(x) : x;
        String gate =
            stratum.equals("mul")
                ? g.layer("gate").sigmoid(g.layer("gate.pool").globalAveragePool(x))
                : x;
        g.layer(stratum);
        String y =
            switch (stratum) {
              case "maxpool" -> g.maxPool(x, Math.min(kp, size), stride, Math.min(kp, size) / 2);
              case "avgpool" -> g.averagePool(x, Math.min(kp, size), stride, 0);
              case "globalavgpool" -> g.globalAveragePool(x);
              case "add" -> g.add(x, other);
              case "add-relu" -> g.relu(g.add(x, other));
              case "mul" -> g.mul(x, gate);
              case "concat" -> g.concat(x, other);
              case "relu" -> g.relu(x);
              case "clip" -> g.relu6(x);
              case "hardswish" -> g.hardSwish(x);
              case "sigmoid" -> g.sigmoid(x);
              case "swish" -> g.swish(x);
              case "batchnorm" -> g.batchNorm(x);
              case "reshape" -> g.reshape(x, 1, -1, (long) size * size);
              case "transpose" -> g.transpose(x, 0, 2, 3, 1);
              default -> throw new IllegalStateException("stratum " + stratum);
            };
        boolean pool = stratum.endsWith("pool");
        return new Dims(
            g.build(y),
            pool ? (stratum.equals("globalavgpool") ? size : Math.min(kp, size)) : 0,
            pool ? (stratum.equals("globalavgpool") ? size : stride) : 0,
            c,
            c,
            size);
      }
    }
  }

  /**
   * A block of the {@code extra} kind at design point {@code p}: an EfficientNet MBConv (Swish,
   * expansion 1 or 3–6, a 3×3 or 5×5 depthwise convolution, squeeze-excitation with a sigmoid gate,
   * projection, residual), or DenseNet units (a batch norm and ReLU, a 1×1 bottleneck, a 3×3
   * convolution of the growth rate, concatenated to the input) over the wide, odd channel counts
   * (64–1024 in steps of 16) and small sizes (3–40) their concatenations reach, with or without the
   * transition after them.
   */
  static Dims extra(GraphBuilder g, String stratum, Point p) {
    double[] u = p.u();
    switch (stratum) {
      case "mbconv-swish" -> {
        int in = 8 * Math.max(2, (int) Math.round(Math.exp(Math.log(2) + u[2] * Math.log(20))));
        int k = u[0] < 0.5 ? 3 : 5;
        int stride = p.stride();
        double e = p.again(2);
        int expand = e < 0.15 ? 1 : 3 + (int) ((e - 0.15) / 0.85 * 4); // 1, or 3..6
        int hidden = (int) Math.min((long) in * expand, 1920);
        int out =
            stride == 1 && p.again(3) < 0.6
                ? in
                : 8 * Math.max(2, (int) (in / 8 * (1 + p.again(3))));
        int size = (int) Math.round(Math.exp(Math.log(4) + u[4] * Math.log(28))); // 4..112
        while (size > k && (long) hidden * size * size > MAX_ELEMENTS) {
          size = size * 7 / 8;
        }
        String x = g.input(Networks.INPUT, 1, in, size, size);
        String y = x;
        if (expand > 1) {
          y = g.swish(g.layer("expand").batchNorm(g.conv(y, hidden, 1, 1, 1)));
        } else {
          hidden = in;
        }
        y = g.swish(g.layer("dw").batchNorm(g.conv(y, hidden, k, stride, hidden)));
        int squeeze = Math.max(2, in / 4);
        String pool = g.layer("se.pool").globalAveragePool(y);
        String f = g.swish(g.layer("se.fc1").conv(pool, squeeze, 1, 1, 0, 1, true));
        String gate = g.sigmoid(g.layer("se.fc2").conv(f, hidden, 1, 1, 0, 1, true));
        y = g.layer("se.scale").mul(y, gate);
        y = g.layer("project").batchNorm(g.conv(y, out, 1, 1, 1));
        if (stride == 1 && in == out) {
          y = g.layer("add").add(x, y);
        }
        return new Dims(g.build(y), k, stride, in, out, size);
      }
      case "dense-units" -> {
        int in = 16 * (int) Math.round(Math.exp(Math.log(4) + u[2] * Math.log(64))); // 64..1024
        int growth = u[3] < 0.2 ? 16 : u[3] < 0.9 ? 32 : 48;
        int size = (int) Math.round(Math.exp(Math.log(3) + u[4] * Math.log(40.0 / 3)));
        int units = 1 + (int) (p.again(3) * 3);
        String y = g.input(Networks.INPUT, 1, in, size, size);
        for (int i = 0; i < units; i++) {
          String n = "unit" + i + ".";
          String v = g.layer(n + "norm").relu(g.batchNorm(y));
          v = g.layer(n + "conv1").relu(g.batchNorm(g.conv(v, 4 * growth, 1, 1, 1)));
          v = g.layer(n + "conv2").conv(v, growth, 3, 1, 1);
          y = g.layer(n + "concat").concat(y, v);
        }
        if (p.again(4) < 0.3 && size >= 2) {
          int c = (int) g.shape(y)[1];
          y = g.layer("transition.norm").relu(g.batchNorm(y));
          y = g.layer("transition.conv").conv(y, c / 2, 1, 1, 1);
          y = g.layer("transition.pool").averagePool(y, 2, 2, 0);
        }
        return new Dims(g.build(y), 1, 1, in, (int) g.shape(y)[1], size);
      }
      default -> throw new IllegalStateException("stratum " + stratum);
    }
  }

  private static String act(GraphBuilder g, String x, String act) {
    return switch (act) {
      case "relu" -> g.relu(x);
      case "relu6" -> g.relu6(x);
      case "hardswish" -> g.hardSwish(x);
      case "swish" -> g.swish(x);
      default -> x;
    };
  }

  /**
   * The input size, shrunk until a layer of {@code macsPerPixel} MACs per output pixel and {@code
   * channels} channels fits {@link LayerSample#MAX_MACS} and {@link LayerSample#MAX_ELEMENTS}, and
   * still holds the kernel.
   */
  private static int fit(int size, long macsPerPixel, long channels, int kernel) {
    int s = size;
    while (s > kernel
        && ((long) s * s * macsPerPixel > MAX_MACS || (long) s * s * channels > MAX_ELEMENTS)) {
      s = Math.max(kernel, s * 7 / 8);
    }
    return Math.max(s, 1);
  }

  /** A small block of {@code stratum} at design point {@code p}. */
  static Dims multi(GraphBuilder g, String stratum, Point p) {
    int k = 1 + 2 * (int) (p.u()[0] * 3.5); // 1, 3, 5, 7
    int stride = p.stride();
    int in = Math.max(8, p.in() / 2);
    int out = Math.max(8, p.out() / 2);
    int size = Math.max(8, p.size());
    long widest = (long) Math.max(in, out) * 6;
    size = fit(size, (long) 9 * in * out, widest, Math.max(k, 3));
    String x = g.input(Networks.INPUT, 1, in, size, size);
    String y;
    switch (stratum) {
      case "conv-chain" -> {
        int depth = 2 + (int) (p.again(3) * 3);
        y = x;
        for (int i = 0; i < depth; i++) {
          int c = i == depth - 1 ? out : Math.max(8, (in + out) / 2);
          c = (int) Math.max(8, Math.min(c, MAX_WEIGHTS / ((long) g.shape(y)[1] * k * k)));
          y = g.layer("conv" + i).relu(g.batchNorm(g.conv(y, c, k, i == 0 ? stride : 1, 1)));
        }
      }
      case "inverted-residual", "inverted-residual-se" -> {
        int expand = 2 + (int) (p.again(2) * 5);
        int kk = k == 1 ? 3 : k;
        int hidden = (int) Math.min((long) in * expand, 1024);
        String a = p.again(4) < 0.5 ? "relu6" : p.again(4) < 0.75 ? "hardswish" : "swish";
        y = act(g, g.layer("expand").batchNorm(g.conv(x, hidden, 1, 1, 1)), a);
        y = act(g, g.layer("dw").batchNorm(g.conv(y, hidden, kk, stride, hidden)), a);
        if (stratum.endsWith("se")) {
          String pool = g.layer("se.pool").globalAveragePool(y);
          String f =
              g.layer("se.fc1").relu(g.conv(pool, Math.max(8, hidden / 4), 1, 1, 0, 1, true));
          String gate = g.layer("se.fc2").hardSigmoid(g.conv(f, hidden, 1, 1, 0, 1, true));
          y = g.layer("se.scale").mul(y, gate);
        }
        int o = stride == 1 ? in : out;
        y = g.layer("project").batchNorm(g.conv(y, o, 1, 1, 1));
        if (stride == 1) {
          y = g.layer("add").add(x, y);
        }
        k = kk;
      }
      case "basic-residual" -> {
        int c = (int) Math.min(in, 512);
        y = g.layer("conv1").relu(g.batchNorm(g.conv(x, c, 3, 1, 1)));
        y = g.layer("conv2").batchNorm(g.conv(y, in, 3, 1, 1));
        y = g.layer("add").relu(g.add(x, y));
        k = 3;
        stride = 1;
        out = in;
      }
      case "inception" -> {
        int b = Math.max(8, out / 4);
        String b1 = g.layer("b1").relu(g.batchNorm(g.conv(x, b, 1, 1, 1)));
        String b2 = g.layer("b2.reduce").relu(g.batchNorm(g.conv(x, b, 1, 1, 1)));
        b2 = g.layer("b2").relu(g.batchNorm(g.conv(b2, b, 3, 1, 1)));
        String b3 = g.layer("b3.pool").maxPool(x, 3, 1, 1);
        b3 = g.layer("b3").relu(g.batchNorm(g.conv(b3, b, 1, 1, 1)));
        y = g.layer("concat").concat(b1, b2, b3);
        k = 3;
        stride = 1;
        out = 3 * b;
      }
      case "channel-shuffle" -> {
        int c = Math.max(8, in / 2 * 2);
        y = g.layer("pw").relu(g.batchNorm(g.conv(x, c, 1, 1, 1)));
        y = g.layer("shuffle").channelShuffle(y, 2);
        y = g.layer("dw").batchNorm(g.conv(y, c, 3, 1, c));
        k = 3;
        stride = 1;
        out = c;
      }
      case "preact-concat" -> {
        // pre-activation units (a batch norm and activation before the convolution, so the norm
        // stays a layer of its own) whose outputs are concatenated to their input, and sometimes a
        // pre-activation 1x1 convolution and pooling after them
        int units = 1 + (int) (p.again(3) * 4);
        int growth = Math.max(8, Math.min(in, out) / 4);
        int bottleneck = growth * (2 + (int) (p.again(2) * 5));
        y = x;
        for (int i = 0; i < units; i++) {
          String u = g.layer("unit" + i + ".norm").relu(g.batchNorm(y));
          u = g.layer("unit" + i + ".conv1").relu(g.batchNorm(g.conv(u, bottleneck, 1, 1, 1)));
          u = g.layer("unit" + i + ".conv2").conv(u, growth, 3, 1, 1);
          y = g.layer("unit" + i + ".concat").concat(y, u);
        }
        if (p.again(4) < 0.5) {
          int c = (int) g.shape(y)[1];
          y = g.layer("transition.norm").relu(g.batchNorm(y));
          y = g.layer("transition.conv").conv(y, Math.max(8, c / 2), 1, 1, 1);
          y = g.layer("transition.pool").averagePool(y, 2, 2, 0);
        }
        k = 3;
        stride = 1;
        out = (int) g.shape(y)[1];
      }
      case "classifier" -> {
        int c = (int) Math.max(8, Math.min(out, MAX_WEIGHTS / ((long) in * 9)));
        y = g.layer("conv").relu(g.batchNorm(g.conv(x, c, 3, 1, 1)));
        y = g.layer("pool").globalAveragePool(y);
        y = g.layer("flatten").flatten(y);
        int classes = 10 + (int) (p.again(4) * 990);
        y = g.layer("fc").gemm(y, classes);
        k = 3;
        stride = 1;
        out = classes;
      }
      default -> throw new IllegalStateException("stratum " + stratum);
    }
    return new Dims(g.build(y), k, stride, in, out, size);
  }
}
