package io.inferwatt.engines.onnx;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * Training networks drawn from the layer space by a seeded space-filling design: the categorical
 * part (which layer, which fused batch norm and activation, which block) is stratified, each
 * stratum gets its share of the count, and inside a stratum the continuous part (kernel 1–7, stride
 * 1–2, channels 8–1024 and input size 7–224 on a log scale, Gemm features 8–4096) is a Latin
 * hypercube: every dimension's range cut into as many bins as the stratum has models, each bin used
 * once, a random point inside it.
 *
 * <p>{@link Kind#SINGLE} networks hold one layer (a convolution with its batch norm and activation
 * counts as one, as an engine fuses it); {@link Kind#MULTI} ones are small blocks of 2 to 6 layers
 * (convolution chains, inverted residuals with squeeze-excitation, residual pairs, inception-like
 * branches, pre-activation units concatenated to their input, channel shuffles, classifier heads),
 * so that neighbour effects and fusion are seen.
 *
 * <p>Adaptive resampling: with per-type errors ({@code layer_type,median_abs_error_pct}, as {@code
 * fit} writes them), a stratum's share is multiplied by its layer type's error over the mean error
 * (clipped to 0.25–4), so the next sample draws more where the current model errs most.
 *
 * <p>Each layer is kept small enough for a training run: at most {@link #MAX_WEIGHTS} weights (the
 * output channels shrink) and {@link #MAX_MACS} multiply-accumulates or {@link #MAX_ELEMENTS}
 * elements per tensor (the input size shrinks), so no file passes 8 MB.
 *
 * <p>This class is the design (strata, their shares, the Latin hypercube, the names of a sample's
 * members); the network a design point stands for is built by {@link SampleNetworks}.
 */
public final class LayerSample {

  /** Most weights of one sampled layer (8 MB of floats). */
  public static final long MAX_WEIGHTS = 2_000_000;

  /** Most multiply-accumulates of one sampled layer. */
  public static final long MAX_MACS = 400_000_000;

  /** Most elements of one activation tensor. */
  public static final long MAX_ELEMENTS = 2_000_000;

  /**
   * Single layers, small blocks, or the extra blocks (EfficientNet's MBConv with Swish, DenseNet's
   * units over wide concatenations) that a CPU's training plan needs beside its families.
   */
  public enum Kind {
    SINGLE,
    MULTI,
    EXTRA;

    public static Kind parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "single" -> SINGLE;
        case "multi" -> MULTI;
        case "extra" -> EXTRA;
        default -> throw new BadInputException("kind " + s + " is not one of single, multi, extra");
      };
    }

    /** The kind's name as plans and file names write it. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One drawn network, as the manifest lists it.
   *
   * @param file the file name in the sample's folder
   * @param kind single or multi
   * @param stratum the categorical cell it was drawn in
   * @param layerType the type of its main layer (as {@link LayerGraph} names it)
   * @param kernel kernel size, 0 where none
   * @param stride stride, 0 where none
   * @param inChannels input channels (Gemm: input features)
   * @param outChannels output channels (Gemm: output features)
   * @param size input height and width, 0 for Gemm
   * @param layers engine layers (with the input reformat)
   * @param macs multiply-accumulates per input
   * @param params parameters
   */
  public record Entry(
      String file,
      String kind,
      String stratum,
      String layerType,
      int kernel,
      int stride,
      int inChannels,
      int outChannels,
      int size,
      int layers,
      long macs,
      long params) {}

  /** A stratum: its name, the layer type it trains, its base share. */
  private record Stratum(String name, String layerType, double share) {}

  private static final List<Stratum> SINGLE =
      List.of(
          new Stratum("conv", "Conv", 2),
          new Stratum("conv-bn-relu", "Conv", 1.5),
          new Stratum("conv-bn-relu6", "Conv", 0.5),
          new Stratum("conv-bn-hardswish", "Conv", 0.5),
          new Stratum("conv-bn-swish", "Conv", 0.5),
          new Stratum("dwconv-bn-relu", "DepthwiseConv", 1.5),
          new Stratum("dwconv-bn-swish", "DepthwiseConv", 0.5),
          new Stratum("gemm", "Gemm", 1),
          new Stratum("gemm-relu", "Gemm", 0.5),
          new Stratum("maxpool", "Pool", 0.7),
          new Stratum("avgpool", "Pool", 0.4),
          new Stratum("globalavgpool", "Pool", 0.4),
          new Stratum("add", "Add", 0.6),
          new Stratum("add-relu", "Add", 0.4),
          new Stratum("mul", "ElementWise", 0.5),
          new Stratum("concat", "Concat", 0.7),
          new Stratum("relu", "Activation", 0.3),
          new Stratum("clip", "Activation", 0.2),
          new Stratum("hardswish", "Activation", 0.2),
          new Stratum("sigmoid", "Activation", 0.2),
          new Stratum("swish", "Activation", 0.2),
          new Stratum("batchnorm", "Scale", 0.4),
          new Stratum("reshape", "Shuffle", 0.4),
          new Stratum("transpose", "Shuffle", 0.4));

  private static final List<Stratum> MULTI =
      List.of(
          new Stratum("conv-chain", "Conv", 1.5),
          new Stratum("inverted-residual", "DepthwiseConv", 1.5),
          new Stratum("inverted-residual-se", "DepthwiseConv", 1),
          new Stratum("basic-residual", "Conv", 1),
          new Stratum("inception", "Concat", 1),
          new Stratum("preact-concat", "Scale", 1),
          new Stratum("channel-shuffle", "Shuffle", 0.7),
          new Stratum("classifier", "Gemm", 0.8));

  private static final List<Stratum> EXTRA =
      List.of(
          new Stratum("mbconv-swish", "DepthwiseConv", 1), new Stratum("dense-units", "Conv", 1));

  private static List<Stratum> strataOf(Kind kind) {
    return switch (kind) {
      case SINGLE -> SINGLE;
      case MULTI -> MULTI;
      case EXTRA -> EXTRA;
    };
  }

  private LayerSample() {}

  /** The layer types a sample of {@code kind} trains (for the focus file's check). */
  public static List<String> layerTypes(Kind kind) {
    return strataOf(kind).stream().map(Stratum::layerType).distinct().toList();
  }

  /**
   * Draws {@code count} networks and hands each, with its manifest entry, to {@code each} (one at a
   * time, so that a large sample is never held whole).
   *
   * @param focus per layer type, the current model's median absolute error in percent (empty: the
   *     base shares)
   * @throws BadInputException for a count outside 1..100000
   */
  public static void draw(
      int count,
      long seed,
      Kind kind,
      Map<String, Double> focus,
      BiConsumer<Entry, OnnxModel> each) {
    if (count < 1 || count > 100_000) {
      throw new BadInputException("count " + count + " is not in 1..100000");
    }
    for (Planned p : plan(count, seed, kind, focus)) {
      String name = String.format(Locale.ROOT, "s%05d-%s", p.index(), p.stratum().name());
      Built b = build(new GraphBuilder(name, seed * 1_000_003L + p.index()), kind, p);
      each.accept(b.entry(name + ".onnx"), b.model());
    }
  }

  /** One network of a sample, by its place in the design. */
  private record Planned(int index, Stratum stratum, SampleNetworks.Point point) {}

  /** A built network with its derived layers. */
  private record Built(Kind kind, Stratum stratum, SampleNetworks.Dims dims, NetworkSpec net) {
    OnnxModel model() {
      return dims.model();
    }

    Entry entry(String file) {
      return new Entry(
          file,
          kind.label(),
          stratum.name(),
          stratum.layerType(),
          dims.kernel(),
          dims.stride(),
          dims.in(),
          dims.out(),
          dims.size(),
          net.layers().size(),
          net.macs(),
          net.layers().stream().mapToLong(LayerSpec::params).sum());
    }
  }

  /** The design: every network's stratum and point, in drawing order (cheap: nothing is built). */
  private static List<Planned> plan(int count, long seed, Kind kind, Map<String, Double> focus) {
    List<Stratum> strata = strataOf(kind);
    int[] perStratum = allocate(strata, count, focus);
    SplittableRandom random = new SplittableRandom(seed);
    List<Planned> out = new java.util.ArrayList<>(count);
    for (int s = 0; s < strata.size(); s++) {
      int n = perStratum[s];
      if (n == 0) {
        continue;
      }
      double[][] lhs = latinHypercube(n, 5, random);
      for (int i = 0; i < n; i++) {
        out.add(new Planned(out.size(), strata.get(s), new SampleNetworks.Point(lhs[i])));
      }
    }
    return out;
  }

  private static Built build(GraphBuilder g, Kind kind, Planned p) {
    String st = p.stratum().name();
    SampleNetworks.Dims d =
        switch (kind) {
          case SINGLE -> SampleNetworks.single(g, st, p.point());
          case MULTI -> SampleNetworks.multi(g, st, p.point());
          case EXTRA -> SampleNetworks.extra(g, st, p.point());
        };
    return new Built(kind, p.stratum(), d, LayerGraph.derive(d.model()));
  }

  /**
   * A network of a sample named in a plan: {@code sample-KIND-nCOUNT-sSEED-iINDEX}, network INDEX
   * of the sample {@code models sample --kind KIND --count COUNT --seed SEED} draws (without a
   * focus file).
   *
   * @param kind single or multi
   * @param count the sample's size
   * @param seed the sample's seed
   * @param index the network's place, 0 to count-1
   */
  public record Member(Kind kind, int count, long seed, int index) {
    /** The name a plan and the measurement base use. */
    public String name() {
      return "sample-" + kind.label() + "-n" + count + "-s" + seed + "-i" + index;
    }
  }

  private static final java.util.regex.Pattern MEMBER =
      java.util.regex.Pattern.compile(
          "sample-(single|multi|extra)-n(\\d{1,6})-s(\\d{1,18})-i(\\d{1,6})");

  /** The sample network {@code name} stands for, if it has that form and is in its sample. */
  public static java.util.Optional<Member> member(String name) {
    java.util.regex.Matcher m = name == null ? null : MEMBER.matcher(name);
    if (m == null || !m.matches()) {
      return java.util.Optional.empty();
    }
    Member r =
        new Member(
            Kind.parse(m.group(1)),
            Integer.parseInt(m.group(2)),
            Long.parseLong(m.group(3)),
            Integer.parseInt(m.group(4)));
    if (r.count() < 1 || r.count() > 100_000 || r.index() >= r.count()) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(r);
  }

  /** Every member's name of the sample ({@code kind}, {@code count}, {@code seed}). */
  public static List<String> members(Kind kind, int count, long seed) {
    if (count < 1 || count > 100_000) {
      throw new BadInputException("count " + count + " is not in 1..100000");
    }
    List<String> names = new java.util.ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      names.add(new Member(kind, count, seed, i).name());
    }
    return names;
  }

  /**
   * One member of a sample, built alone: with its random weights (the same as {@code models sample}
   * writes), or as a structure without weight values (enough to derive its layers).
   */
  public static OnnxModel build(Member m, boolean weights) {
    Planned p = plan(m.count(), m.seed(), m.kind(), Map.of()).get(m.index());
    GraphBuilder g =
        weights
            ? new GraphBuilder(m.name(), m.seed() * 1_000_003L + m.index())
            : GraphBuilder.structure(m.name());
    return build(g, m.kind(), p).model();
  }

  /** Each stratum's count: shares (times the focus) by largest remainders, at least one each. */
  static int[] allocate(List<Stratum> strata, int count, Map<String, Double> focus) {
    double mean =
        focus.values().stream()
            .mapToDouble(Double::doubleValue)
            .filter(v -> v > 0)
            .average()
            .orElse(0);
    double[] w = new double[strata.size()];
    double total = 0;
    for (int i = 0; i < w.length; i++) {
      Stratum s = strata.get(i);
      double f = 1;
      Double err = focus.get(s.layerType());
      if (mean > 0 && err != null) {
        f = Math.max(0.25, Math.min(4, err / mean));
      }
      w[i] = s.share() * f;
      total += w[i];
    }
    int[] n = new int[w.length];
    int floor = count >= w.length ? 1 : 0;
    int left = count - floor * w.length;
    double[] rem = new double[w.length];
    int given = 0;
    for (int i = 0; i < w.length; i++) {
      double exact = left * w[i] / total;
      n[i] = floor + (int) exact;
      rem[i] = exact - (int) exact;
      given += (int) exact;
    }
    for (int k = 0; k < left - given; k++) {
      int best = 0;
      for (int i = 1; i < w.length; i++) {
        if (rem[i] > rem[best]) {
          best = i;
        }
      }
      n[best]++;
      rem[best] = -1;
    }
    return n;
  }

  /** {@code n} points in [0,1)^dims, each dimension's n bins used once. */
  static double[][] latinHypercube(int n, int dims, SplittableRandom random) {
    double[][] p = new double[n][dims];
    for (int d = 0; d < dims; d++) {
      int[] perm = new int[n];
      for (int i = 0; i < n; i++) {
        perm[i] = i;
      }
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      for (int i = 0; i < n; i++) {
        p[i][d] = (perm[i] + random.nextDouble()) / n;
      }
    }
    return p;
  }

  /** The strata of a kind, by name, with their layer types (for documentation and tests). */
  public static Map<String, String> strata(Kind kind) {
    Map<String, String> m = new LinkedHashMap<>();
    strataOf(kind).forEach(s -> m.put(s.name(), s.layerType()));
    return m;
  }
}
