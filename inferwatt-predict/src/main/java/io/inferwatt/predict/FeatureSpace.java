package io.inferwatt.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.core.BadInputException;
import io.inferwatt.core.model.LayerSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The inputs of every model: the layer's features (MACs, tensor sizes, parameters, kernel, stride,
 * channels, spatial size; sizes on a log scale) followed by the settings seen in the training set
 * (numeric ones such as {@code cpu.cores}, {@code gpu.freq_hz} or {@code batch} on a log scale when
 * all positive; others such as {@code mode} or {@code input} one-hot over the values seen).
 *
 * @param numeric numeric setting keys, sorted, with whether each is taken on a log scale
 * @param categories categorical setting keys, sorted, with the values seen, sorted
 * @param defaults each key's most frequent training value, used when a prediction does not set it
 * @param activations the activations a layer may carry ({@link LayerSpec#activation}, {@code ""}
 *     none), one-hot after the settings; empty where the activation is not an input (a board whose
 *     training layers all carry one, and every board but the host's CPU: on the virtual boards an
 *     activation fused into its layer costs nothing of its own)
 * @param fixed the numeric setting keys every training run had at one value (its default), sorted:
 *     the models cannot tell what another value does, so a prediction at one is refused (as a
 *     categorical value never measured is) rather than extrapolated
 * @param nchwcBlock the NCHWc block of ONNX Runtime's CPU kernels on the machine the training
 *     layers ran on, where whether a convolution runs in that layout is an input ({@code nchwc},
 *     the last column: 1 for a convolution ONNX Runtime rewrites into blocks, 0 otherwise); 0 where
 *     it is not an input. A depthwise convolution whose channels fill no block runs in the plain
 *     layout 5–10 times slower per output element (the small sample networks' arbitrary channel
 *     counts against the families' multiples of 8), which no other input tells apart
 */
record FeatureSpace(
    Map<String, Boolean> numeric,
    Map<String, List<String>> categories,
    Map<String, String> defaults,
    List<String> activations,
    List<String> fixed,
    int nchwcBlock) {

  FeatureSpace(
      Map<String, Boolean> numeric,
      Map<String, List<String>> categories,
      Map<String, String> defaults) {
    this(numeric, categories, defaults, List.of(), List.of(), 0);
  }

  /**
   * The activation of {@code l} as an input: an activation layer's own op; for another layer its
   * activation unless the layer's kernel applies it while it stores its output ({@code ""}: none or
   * ReLU). ONNX Runtime's CPU kernels apply a ReLU that way; a clip, sigmoid, tanh, leaky ReLU or
   * hard sigmoid inside a fused convolution is a second pass over the output, and a Swish or hard
   * swish a kernel of its own, so each costs a layer its own time (MobileNetV2 at 128 pixels with
   * its clips made ReLUs: expanding convolutions 17 % and depthwise ones 31 % faster). A one-hot
   * that also told a ReLU from none confounded the rarer values with the single-layer samples.
   */
  static String activationKey(LayerSpec l) {
    return l.type().equals("Activation") || !STORED_IN_KERNEL.contains(l.activation())
        ? l.activation()
        : "";
  }

  /** The activations a CPU kernel applies as it stores its output (none, ReLU). */
  private static final Set<String> STORED_IN_KERNEL = Set.of("", "Relu");

  /** This space with the activations {@code values} (sorted, distinct) as inputs. */
  FeatureSpace withActivations(Collection<String> values) {
    return new FeatureSpace(
        numeric, categories, defaults, List.copyOf(new TreeSet<>(values)), fixed, nchwcBlock);
  }

  /** This space with whether a convolution runs in NCHWc blocks of {@code block} as an input. */
  FeatureSpace withNchwc(int block) {
    return new FeatureSpace(numeric, categories, defaults, activations, fixed, block);
  }

  /** 1 for a convolution ONNX Runtime runs in NCHWc blocks of {@code block}, else 0. */
  static double nchwc(LayerSpec l, int block) {
    return (l.type().equals("Conv") || l.type().equals("DepthwiseConv"))
            && io.inferwatt.engines.ort.OrtFusion.runsNchwc(l, block)
        ? 1
        : 0;
  }

  static final List<String> LAYER =
      List.of(
          "log_macs",
          "log_input_elements",
          "log_output_elements",
          "log_params",
          "kernel",
          "stride",
          "log_input_channels",
          "log_output_channels",
          "log_input_hw",
          "log_output_hw",
          "log_groups",
          "log_network_layers",
          "log_network_macs",
          "log_network_elements",
          "log_network_busy_ms",
          "log_network_others_ms",
          "log_network_host",
          "log_network_host_per_others_ms");

  /**
   * The network a layer runs in, as the layer's context: a board's power and its host's share of
   * the time depend on how long the whole inference keeps it busy (a layer alone draws less than
   * the same layer inside a large network), which a layer's own features cannot say.
   *
   * @param layers the network's layer count
   * @param macs its MACs per input, summed over layers
   * @param elements its tensor elements read and written per input, summed over layers
   * @param busyMs the time its layers take per inference at the row's settings (measured when
   *     fitting, the sum of the predicted layer latencies when predicting), NaN for the latency and
   *     energy models (for a network of one layer it is their target; the feature is then 0)
   * @param othersMs the time the network's other layers take per inference (measured when fitting;
   *     predicted when predicting, as a fixed point): whether the host's launches are hidden behind
   *     other layers' work, without the layer's own time; NaN: unknown (feature 0)
   */
  record Context(int layers, long macs, long elements, double busyMs, double othersMs) {

    /** This context with the layers' time per inference {@code ms}. */
    Context withBusy(double ms) {
      return new Context(layers, macs, elements, ms, othersMs);
    }

    /** This context with the time of the other layers of the network, {@code ms}. */
    Context withOthers(double ms) {
      return new Context(layers, macs, elements, busyMs, ms);
    }

    static Context of(List<LayerSpec> layers) {
      long macs = 0;
      long elements = 0;
      for (LayerSpec l : layers) {
        macs += l.macs();
        elements += l.inputElements() + l.outputElements();
      }
      return new Context(layers.size(), macs, elements, Double.NaN, Double.NaN);
    }
  }

  /** The index of {@code log_network_busy_ms} in a row. */
  static final int BUSY = 14;

  /** The network-context features: indices {@code CONTEXT_FROM} to {@code CONTEXT_TO - 1}. */
  static final int CONTEXT_FROM = 11;

  static final int CONTEXT_TO = 18;

  /** The index of {@code log_network_others_ms} in a row. */
  static final int OTHERS = 15;

  /** The index of {@code log_network_host} in a row. */
  static final int HOST = 16;

  /** The index of {@code log_network_host_per_others_ms} in a row. */
  static final int HOST_PER_OTHERS = 17;

  /**
   * The numeric setting whose reciprocal paces the host's work (kernel launches, enqueueing): the
   * CPU clock of a board that sets it.
   */
  static final String HOST_CLOCK = "cpu.freq_khz";

  /** The value of {@code log_network_others_ms} for the others' time {@code ms} (NaN: 0). */
  static double othersFeature(double ms) {
    return Double.isNaN(ms) ? 0 : Math.log(1e-3 + Math.max(0, ms));
  }

  /**
   * Sets the others' time {@code ms} in {@code row} (built by {@link #row}): {@code
   * log_network_others_ms} and the host's work relative to it, {@code
   * log_network_host_per_others_ms} (NaN: both 0).
   */
  static void setOthers(double[] row, double ms) {
    row[OTHERS] = othersFeature(ms);
    row[HOST_PER_OTHERS] = Double.isNaN(ms) ? 0 : row[HOST] - row[OTHERS];
  }

  FeatureSpace {
    numeric = new TreeMap<>(numeric);
    categories = new TreeMap<>(categories);
    defaults = new TreeMap<>(defaults);
    activations = List.copyOf(activations);
    fixed = List.copyOf(new TreeSet<>(fixed));
  }

  /** The space of the settings in {@code settings} (one map per training run). */
  static FeatureSpace of(Collection<Map<String, String>> settings) {
    Map<String, TreeSet<String>> values = new TreeMap<>();
    Map<String, Map<String, Integer>> counts = new HashMap<>();
    for (Map<String, String> s : settings) {
      s.forEach(
          (k, v) -> {
            values.computeIfAbsent(k, x -> new TreeSet<>()).add(v);
            counts.computeIfAbsent(k, x -> new HashMap<>()).merge(v, 1, Integer::sum);
          });
    }
    Map<String, Boolean> numeric = new TreeMap<>();
    Map<String, List<String>> categories = new TreeMap<>();
    Map<String, String> defaults = new TreeMap<>();
    List<String> fixed = new ArrayList<>();
    values.forEach(
        (k, vs) -> {
          boolean allNumbers = vs.stream().allMatch(FeatureSpace::isNumber);
          if (allNumbers) {
            numeric.put(k, vs.stream().allMatch(v -> Double.parseDouble(v) > 0));
            if (vs.stream().map(Double::parseDouble).distinct().count() == 1) {
              fixed.add(k);
            }
          } else {
            categories.put(k, List.copyOf(vs));
          }
          defaults.put(
              k,
              counts.get(k).entrySet().stream()
                  .max(
                      Map.Entry.<String, Integer>comparingByValue()
                          .thenComparing(Map.Entry.comparingByKey()))
                  .orElseThrow()
                  .getKey());
        });
    return new FeatureSpace(numeric, categories, defaults, List.of(), fixed, 0);
  }

  /** The index of numeric setting {@code key} in a row, or -1. */
  int indexOf(String key) {
    int i = LAYER.size();
    for (String k : numeric.keySet()) {
      if (k.equals(key)) {
        return i;
      }
      i++;
    }
    return -1;
  }

  /** The names of the features, in order. */
  List<String> names() {
    List<String> out = new ArrayList<>(LAYER);
    numeric.forEach((k, log) -> out.add(log ? "log_" + k : k));
    categories.forEach((k, vs) -> vs.forEach(v -> out.add(k + "=" + v)));
    activations.forEach(a -> out.add("activation=" + a));
    if (nchwcBlock > 0) {
      out.add("nchwc");
    }
    return out;
  }

  int size() {
    int n = LAYER.size() + numeric.size();
    for (List<String> vs : categories.values()) {
      n += vs.size();
    }
    return n + activations.size() + (nchwcBlock > 0 ? 1 : 0);
  }

  /**
   * The settings a prediction uses: the defaults, then {@code given}.
   *
   * @throws BadInputException for a key the models do not know or a value never seen (a categorical
   *     one, or a numeric one where every training run had the same)
   */
  Map<String, String> resolve(Map<String, String> given) {
    Map<String, String> out = new LinkedHashMap<>(defaults);
    for (Map.Entry<String, String> e : given.entrySet()) {
      String k = e.getKey();
      String v = e.getValue();
      if (numeric.containsKey(k)) {
        if (!isNumber(v)) {
          throw new BadInputException("setting " + k + "=" + v + " is not a number");
        }
        if (fixed.contains(k) && Double.parseDouble(v) != Double.parseDouble(defaults.get(k))) {
          throw neverMeasured(
              k,
              v,
              k
                  + "="
                  + defaults.get(k)
                  + " only (every training run had it), so they cannot tell what another value"
                  + " does");
        }
      } else if (categories.containsKey(k)) {
        if (!categories.get(k).contains(v)) {
          throw neverMeasured(k, v, String.join(", ", categories.get(k)));
        }
      } else {
        throw new BadInputException(
            "setting '"
                + k
                + "' is not an input of the models; they know "
                + String.join(", ", defaults.keySet()));
      }
      out.put(k, v);
    }
    return out;
  }

  private static BadInputException neverMeasured(String key, String value, String known) {
    return new BadInputException(
        "setting " + key + "=" + value + " was never measured; the models know " + known);
  }

  /**
   * The features of {@code layer}, in a network of context {@code context}, at {@code settings}
   * (resolved: every key present).
   */
  double[] row(LayerSpec layer, Context context, Map<String, String> settings) {
    double[] x = new double[size()];
    layerFeatures(layer, x);
    x[11] = Math.log(Math.max(1, context.layers()));
    x[12] = Math.log1p(context.macs());
    x[13] = Math.log1p(context.elements());
    x[BUSY] = Double.isNaN(context.busyMs()) ? 0 : Math.log(Math.max(context.busyMs(), 1e-6));
    // the host's work per inference: a launch per layer, each paced by the CPU clock (GHz)
    String clock =
        numeric.containsKey(HOST_CLOCK)
            ? settings.getOrDefault(HOST_CLOCK, defaults.get(HOST_CLOCK))
            : null;
    double ghz = clock == null || !isNumber(clock) ? 1 : Double.parseDouble(clock) * 1e-6;
    x[HOST] = x[11] - Math.log(Math.max(ghz, 1e-6));
    setOthers(x, context.othersMs());
    int i = LAYER.size();
    for (Map.Entry<String, Boolean> e : numeric.entrySet()) {
      String v = settings.getOrDefault(e.getKey(), defaults.get(e.getKey()));
      double d = Double.parseDouble(v);
      x[i++] = e.getValue() ? Math.log(Math.max(d, 1e-12)) : d;
    }
    for (Map.Entry<String, List<String>> e : categories.entrySet()) {
      String v = settings.getOrDefault(e.getKey(), defaults.get(e.getKey()));
      for (String c : e.getValue()) {
        x[i++] = c.equals(v) ? 1 : 0;
      }
    }
    String act = activationKey(layer);
    for (String a : activations) {
      x[i++] = a.equals(act) ? 1 : 0;
    }
    if (nchwcBlock > 0) {
      x[i] = nchwc(layer, nchwcBlock);
    }
    return x;
  }

  /**
   * The row of a whole network (one pseudo-layer) for the network-level models (the gap, the mode
   * ratios): {@link #row} without the host's work. Those models are fitted on a few dozen networks,
   * mostly single layers; the host's work, a layer count, would reach far outside their range for a
   * network of hundreds of layers, and their polynomials do not stop at the edge.
   */
  double[] networkRow(LayerSpec network, Context context, Map<String, String> settings) {
    double[] x = row(network, context, settings);
    x[HOST] = 0;
    x[HOST_PER_OTHERS] = 0;
    return x;
  }

  private static void layerFeatures(LayerSpec l, double[] x) {
    List<Integer> in = l.inputShape();
    List<Integer> out = l.outputShape();
    x[0] = Math.log1p(l.macs());
    x[1] = Math.log1p(l.inputElements());
    x[2] = Math.log1p(l.outputElements());
    x[3] = Math.log1p(l.params());
    x[4] = l.kernel();
    x[5] = l.stride();
    x[6] = Math.log1p(in.isEmpty() ? 0 : in.get(0));
    x[7] = Math.log1p(out.isEmpty() ? 0 : out.get(0));
    x[8] = Math.log1p(spatial(in));
    x[9] = Math.log1p(spatial(out));
    x[10] = Math.log(Math.max(1, l.groups()));
  }

  private static long spatial(List<Integer> shape) {
    long n = 1;
    for (int i = 1; i < shape.size(); i++) {
      n *= shape.get(i);
    }
    return n;
  }

  static boolean isNumber(String v) {
    try {
      return Double.isFinite(Double.parseDouble(v));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    ObjectNode n = o.putObject("numeric");
    numeric.forEach(n::put);
    ObjectNode c = o.putObject("categories");
    categories.forEach((k, vs) -> vs.forEach(c.putArray(k)::add));
    ObjectNode d = o.putObject("defaults");
    defaults.forEach(d::put);
    if (!activations.isEmpty()) {
      activations.forEach(o.putArray("activations")::add);
    }
    if (!fixed.isEmpty()) {
      fixed.forEach(o.putArray("fixed")::add);
    }
    if (nchwcBlock > 0) {
      o.put("nchwc_block", nchwcBlock);
    }
    return o;
  }

  static FeatureSpace fromJson(JsonNode o) {
    Map<String, Boolean> numeric = new TreeMap<>();
    o.get("numeric")
        .fields()
        .forEachRemaining(e -> numeric.put(e.getKey(), e.getValue().asBoolean()));
    Map<String, List<String>> categories = new TreeMap<>();
    o.get("categories")
        .fields()
        .forEachRemaining(
            e -> {
              List<String> vs = new ArrayList<>();
              e.getValue().forEach(v -> vs.add(v.asText()));
              categories.put(e.getKey(), vs);
            });
    Map<String, String> defaults = new TreeMap<>();
    o.get("defaults")
        .fields()
        .forEachRemaining(e -> defaults.put(e.getKey(), e.getValue().asText()));
    List<String> activations = new ArrayList<>();
    if (o.has("activations")) {
      o.get("activations").forEach(v -> activations.add(v.asText()));
    }
    // models fitted before the key was written refuse nothing here
    List<String> fixed = new ArrayList<>();
    if (o.has("fixed")) {
      o.get("fixed").forEach(v -> fixed.add(v.asText()));
    }
    int block = o.has("nchwc_block") ? o.get("nchwc_block").asInt() : 0;
    return new FeatureSpace(numeric, categories, defaults, activations, fixed, block);
  }
}
