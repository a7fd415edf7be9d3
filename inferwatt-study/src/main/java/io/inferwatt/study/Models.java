package io.inferwatt.study;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.model.ExecutionMode;
import io.inferwatt.core.model.InputKind;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.ModelName;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.core.model.Workload;
import io.inferwatt.engines.models.Zoo;
import io.inferwatt.engines.onnx.LayerGraph;
import io.inferwatt.engines.onnx.LayerSample;
import io.inferwatt.engines.onnx.Networks;
import io.inferwatt.engines.onnx.OnnxIo;
import io.inferwatt.engines.onnx.OnnxModel;
import io.inferwatt.engines.onnx.SampleManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine settings of a study ({@code model}, {@code batch}, {@code mode}, {@code input}, and on
 * ONNX Runtime {@code threads}) and the networks a plan may name:
 *
 * <ul>
 *   <li>a zoo network: {@code mobilenetv1}, {@code mobilenetv2}, {@code resnet18}, {@code
 *       resnet50};
 *   <li>{@code NET-prefixN}: the first N layers of a zoo network;
 *   <li>{@code NET-layerI}: layer I of a zoo network (0 = its input reformat) alone, as a
 *       single-layer network behind its own input reformat (paper §III.D);
 *   <li>{@code conv-kK-sS-cINxOUT-HxW}: one convolution (paper Fig. 11);
 *   <li>a path ending in {@code .onnx}: that file, its layers derived from its graph ({@link
 *       LayerGraph}); relative to the working folder;
 *   <li>in a sweep, {@code sample:DIR}: every model of a sample written by {@code models sample}
 *       (its {@code manifest.csv}).
 * </ul>
 */
public final class Models {
  /** Engine setting names. */
  public static final String MODEL = "model";

  public static final String BATCH = "batch";
  public static final String MODE = "mode";
  public static final String INPUT = "input";

  /**
   * ONNX Runtime's intra-op threads. It has no default: a configuration holds it only where the
   * plan names it (else the engine chooses, {@code MachineBoard.intraOpThreads}), so that the keys
   * of plans that do not name it stay what they were.
   */
  public static final String THREADS = "threads";

  /** The most intra-op threads a plan may ask for. */
  static final int MAX_THREADS = 1024;

  /** The engine settings, in the order configurations list them. */
  public static final List<String> ENGINE_KEYS = List.of(MODEL, BATCH, MODE, INPUT, THREADS);

  /**
   * Engine defaults where neither the baseline nor a sweep names one ({@code threads} has none).
   */
  static final Map<String, String> DEFAULTS =
      Map.of(MODEL, "mobilenetv2", BATCH, "1", MODE, "sync", INPUT, "fixed-random");

  private Models() {}

  /** Whether {@code name} names an ONNX file rather than a built-in or sampled network. */
  public static boolean isFile(String name) {
    return name != null && name.endsWith(".onnx");
  }

  /**
   * The network {@code name} stands for.
   *
   * @throws IllegalArgumentException naming the forms a model may take
   */
  public static NetworkSpec network(String name) {
    if (isFile(name)) {
      return file(name);
    }
    Optional<LayerSample.Member> member = LayerSample.member(name);
    if (member.isPresent()) {
      return LayerGraph.derive(LayerSample.build(member.get(), false), name);
    }
    Optional<Networks.Variant> variant = Networks.variant(name);
    if (variant.isPresent() && !Zoo.names().contains(name)) {
      return Zoo.network(name);
    }
    ModelName form = ModelName.parse(name).orElse(null);
    if (form instanceof ModelName.Conv c) {
      return Zoo.singleConv(
          c.kernel(), c.stride(), c.inChannels(), c.outChannels(), c.height(), c.width());
    }
    if (form instanceof ModelName.Prefix p && Zoo.names().contains(p.network())) {
      return Zoo.prefix(Zoo.network(p.network()), p.layers());
    }
    if (form instanceof ModelName.Layer l && Zoo.names().contains(l.network())) {
      NetworkSpec net = Zoo.network(l.network());
      int at = l.index();
      if (at < 0 || at >= net.layers().size()) {
        throw new BadInputException(
            "model " + name + ": layer " + at + " is not in 0.." + (net.layers().size() - 1));
      }
      LayerSpec layer = net.layers().get(at);
      if (at == 0) {
        return new NetworkSpec(name, layer.inputShape(), List.of(layer));
      }
      LayerSpec reformat =
          new LayerSpec(
              "input_reformat", "Reformat", layer.inputShape(), layer.inputShape(), 0, 0, 0, 0, 0);
      return new NetworkSpec(name, layer.inputShape(), List.of(reformat, layer));
    }
    if (form instanceof ModelName.Network n && Zoo.names().contains(n.network())) {
      return Zoo.network(n.network());
    }
    throw new BadInputException(
        "model '"
            + name
            + "' is not one of "
            + String.join(", ", Zoo.names())
            + " (-wWIDTH-rRES), NET-prefixN, NET-layerI, conv-kK-sS-cINxOUT-HxW,"
            + " sample-KIND-nN-sSEED-iI or FILE.onnx");
  }

  /** Derived layer lists of model files, by path, size and modification time. */
  private static final Map<String, NetworkSpec> FILES = new ConcurrentHashMap<>();

  private static NetworkSpec file(String name) {
    Path p = Path.of(name);
    if (!Files.isRegularFile(p)) {
      throw new BadInputException("model " + name + ": no such file");
    }
    String key;
    try {
      key = p.toAbsolutePath() + "|" + Files.size(p) + "|" + Files.getLastModifiedTime(p);
    } catch (IOException e) {
      throw new BadInputException("model " + name + ": cannot read it (" + e.getMessage() + ")");
    }
    NetworkSpec cached = FILES.get(key);
    if (cached != null) {
      return cached;
    }
    OnnxModel m;
    try {
      m = OnnxIo.read(p);
    } catch (UncheckedIOException e) {
      throw new BadInputException("model " + name + ": cannot read it (" + e.getMessage() + ")");
    }
    NetworkSpec n = LayerGraph.derive(m, name);
    if (FILES.size() < 4096) {
      FILES.put(key, n);
    }
    return n;
  }

  /** {@code sample:KIND:COUNT:SEED}: a sample drawn by the plan itself. */
  private static final java.util.regex.Pattern DRAWN =
      java.util.regex.Pattern.compile("(single|multi|extra):(\\d{1,6}):(\\d{1,18})");

  /** The prefix of a sweep's model value that names a sample (a folder, or KIND:COUNT:SEED). */
  public static final String SAMPLE = "sample:";

  /**
   * {@code values} with every {@code sample:DIR} replaced by the sample's model files ({@code
   * DIR/FILE.onnx}, in the manifest's order); a sample that cannot be read is a problem.
   */
  static List<String> expandSamples(String sweep, List<String> values, List<String> problems) {
    if (values.stream().noneMatch(v -> v.startsWith(SAMPLE))) {
      return values;
    }
    List<String> out = new ArrayList<>();
    for (String v : values) {
      if (!v.startsWith(SAMPLE)) {
        out.add(v);
        continue;
      }
      String dir = v.substring(SAMPLE.length());
      java.util.regex.Matcher drawn = DRAWN.matcher(dir);
      if (drawn.matches()) {
        try {
          out.addAll(
              LayerSample.members(
                  LayerSample.Kind.parse(drawn.group(1)),
                  Integer.parseInt(drawn.group(2)),
                  Long.parseLong(drawn.group(3))));
        } catch (IllegalArgumentException e) {
          problems.add("sweep " + sweep + ": " + v + ": " + e.getMessage());
        }
        continue;
      }
      try {
        for (String f : SampleManifest.files(Path.of(dir))) {
          out.add(dir.endsWith("/") ? dir + f : dir + "/" + f);
        }
      } catch (IllegalArgumentException e) {
        problems.add("sweep " + sweep + ": " + e.getMessage());
      }
    }
    return out;
  }

  /**
   * The engine settings {@code engine} takes: all of {@link #ENGINE_KEYS} on ONNX Runtime (any
   * execution provider: its CPU nodes run on the intra-op threads), all but {@code threads}
   * elsewhere.
   */
  static List<String> engineKeys(String engine) {
    return hasThreads(engine)
        ? ENGINE_KEYS
        : ENGINE_KEYS.stream().filter(k -> !k.equals(THREADS)).toList();
  }

  /** Whether {@code engine} has intra-op threads: {@code onnxruntime}, {@code onnxruntime:*}. */
  static boolean hasThreads(String engine) {
    return engine != null && (engine.equals("onnxruntime") || engine.startsWith("onnxruntime:"));
  }

  /** The workload of a configuration's engine settings. */
  public static Workload workload(Map<String, String> settings) {
    String batch = settings.getOrDefault(BATCH, DEFAULTS.get(BATCH));
    String threads = settings.get(THREADS);
    return new Workload(
        network(settings.getOrDefault(MODEL, DEFAULTS.get(MODEL))),
        parseBatch(batch),
        ExecutionMode.parse(settings.getOrDefault(MODE, DEFAULTS.get(MODE))),
        InputKind.parse(settings.getOrDefault(INPUT, DEFAULTS.get(INPUT))),
        threads == null ? 0 : parseThreads(threads));
  }

  static int parseThreads(String s) {
    return wholeNumber(THREADS, s, MAX_THREADS);
  }

  static int parseBatch(String s) {
    return wholeNumber(BATCH, s, 4096);
  }

  /** {@code s} as a whole number from 1 to {@code max}, or bad input naming setting {@code key}. */
  private static int wholeNumber(String key, String s, int max) {
    try {
      int n = Integer.parseInt(s.trim());
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new BadInputException(key + " " + s + " is not a whole number from 1 to " + max);
  }

  /** Checks one engine setting's value; returns a problem or null. */
  static String check(String key, String value) {
    try {
      switch (key) {
        case MODEL -> network(value);
        case BATCH -> parseBatch(value);
        case MODE -> ExecutionMode.parse(value);
        case INPUT -> InputKind.parse(value);
        case THREADS -> parseThreads(value);
        default -> {
          return "unknown engine setting " + key;
        }
      }
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** Every value of an engine setting that has a finite list, for {@code all}; null otherwise. */
  static List<String> all(String key) {
    return switch (key) {
      case MODEL -> Zoo.names();
      case MODE -> List.of("sync", "async");
      case INPUT -> List.of("black", "fixed-random", "varied");
      default -> null;
    };
  }
}
