package io.inferwatt.predict;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Predicts a network's per-layer and total latency, power and energy from a {@link ModelSet}, at
 * one or many settings (all settings of a layer type go through each model in one call).
 *
 * <p>A layer: latency and power per rail are the models' predictions, energy is power × latency (or
 * its own model); each interval is {@code exp(log prediction + residual quantile)}. The network:
 * the sums over its layers plus the network-level gap models (ms and mJ); its interval takes every
 * layer at its bound at once (errors fully correlated), so it is wide rather than narrow.
 */
public final class Predictor {

  /**
   * The fewest rounds of the latencies' fixed point (each layer given the others' predicted time);
   * it goes on until the layers' sum changes by less than {@link #CONVERGED} at every setting, for
   * at most {@link #MAX_ROUNDS}. Three rounds from "alone" left ONNX Runtime's layers, which take
   * longer inside longer networks, at half their converged time (a ResNet-18 at 3.2 ms for 5.8).
   */
  static final int OTHERS_ROUNDS = 3;

  static final int MAX_ROUNDS = 40;

  /** The relative change of the layers' sum under which the fixed point stops. */
  static final double CONVERGED = 1e-3;

  private final ModelSet models;

  public Predictor(ModelSet models) {
    this.models = models;
  }

  /**
   * The settings a prediction uses: the models' defaults, then {@code given}. A mode the layers
   * were never profiled in is accepted where the network-level mode models know it.
   */
  public Map<String, String> resolve(Map<String, String> given) {
    String mode = given.get(Fitter.MODE);
    if (mode == null || !models.network().containsKey(Fitter.modeKey(mode, "latency"))) {
      return models.space().resolve(given);
    }
    Map<String, String> g = new LinkedHashMap<>(given);
    g.put(Fitter.MODE, models.defaults().get(Fitter.MODE));
    Map<String, String> out = models.space().resolve(g);
    out.put(Fitter.MODE, mode);
    return out;
  }

  /**
   * Predicts {@code net} at every setting of {@code settings} (each as given to {@link #resolve}).
   * In a mode the layers were never profiled in, the prediction is the profiled mode's, its
   * latencies and energies scaled by the network-level mode models (every layer alike).
   *
   * @throws BadInputException for a setting the models do not take
   */
  public List<Prediction> predict(NetworkSpec net, List<Map<String, String>> settings) {
    List<Map<String, String>> resolved = settings.stream().map(this::resolve).toList();
    String profiledMode = models.defaults().get(Fitter.MODE);
    List<Map<String, String>> profiled = new ArrayList<>();
    boolean scaled = false;
    for (Map<String, String> r : resolved) {
      String mode = r.get(Fitter.MODE);
      if (mode != null && models.network().containsKey(Fitter.modeKey(mode, "latency"))) {
        Map<String, String> p = new LinkedHashMap<>(r);
        p.put(Fitter.MODE, profiledMode);
        profiled.add(p);
        scaled = true;
      } else {
        profiled.add(r);
      }
    }
    List<Prediction> ps = predictProfiled(net, profiled);
    if (!scaled) {
      return ps;
    }
    double[] nx = null;
    List<Prediction> out = new ArrayList<>(ps.size());
    for (int i = 0; i < ps.size(); i++) {
      String mode = resolved.get(i).get(Fitter.MODE);
      if (resolved.get(i) == profiled.get(i)) {
        out.add(ps.get(i));
        continue;
      }
      nx =
          models
              .space()
              .networkRow(
                  Fitter.networkLayer(net.layers()),
                  FeatureSpace.Context.of(net.layers()),
                  profiled.get(i));
      out.add(inMode(ps.get(i), mode, resolved.get(i), nx));
    }
    return out;
  }

  /** {@code p} (profiled mode) scaled to {@code mode} by the network-level mode models. */
  private Prediction inMode(Prediction p, String mode, Map<String, String> settings, double[] x) {
    double lat = ratio(Fitter.modeKey(mode, "latency"), x);
    Map<String, Double> e = new HashMap<>();
    for (String r : models.rails()) {
      e.put(r, ratio(Fitter.modeKey(mode, "energy:" + r), x));
    }
    Map<String, Prediction.Value> netE = new LinkedHashMap<>();
    Map<String, Prediction.Value> netP = new LinkedHashMap<>();
    p.energyMj().forEach((r, v) -> netE.put(r, times(v, e.getOrDefault(r, lat))));
    p.powerMw().forEach((r, v) -> netP.put(r, times(v, e.getOrDefault(r, lat) / lat)));
    List<Prediction.Layer> layers = new ArrayList<>();
    for (Prediction.Layer l : p.layers()) {
      if (!l.predicted()) {
        layers.add(l);
        continue;
      }
      Map<String, Prediction.Value> lp = new LinkedHashMap<>();
      Map<String, Prediction.Value> le = new LinkedHashMap<>();
      l.powerMw().forEach((r, v) -> lp.put(r, times(v, e.getOrDefault(r, lat) / lat)));
      l.energyMj().forEach((r, v) -> le.put(r, times(v, e.getOrDefault(r, lat))));
      layers.add(
          new Prediction.Layer(
              l.index(), l.name(), l.type(), true, null, times(l.latencyMs(), lat), lp, le));
    }
    return new Prediction(
        p.board(), settings, p.partial(), times(p.latencyMs(), lat), netP, netE, layers);
  }

  /** The ratio a mode model predicts for network row {@code x} (1 without the model). */
  private double ratio(String key, double[] x) {
    TargetModel m = models.network().get(key);
    return m == null || m.model() == null
        ? 1
        : Math.exp(m.clamp(m.model().predict(new double[][] {x})[0]));
  }

  private static Prediction.Value times(Prediction.Value v, double f) {
    return new Prediction.Value(v.value() * f, v.low() * f, v.high() * f);
  }

  private List<Prediction> predictProfiled(NetworkSpec net, List<Map<String, String>> resolved) {
    List<LayerSpec> layers = net.layers();
    int s = resolved.size();
    int n = layers.size();
    // per setting, per layer: log latency, log power per rail, log energy per rail, with bounds
    double[][][] lat = new double[s][n][];
    List<Map<Integer, Map<String, double[]>>> power = new ArrayList<>();
    List<Map<Integer, Map<String, double[]>>> energy = new ArrayList<>();
    for (int i = 0; i < s; i++) {
      power.add(new HashMap<>());
      energy.add(new HashMap<>());
    }
    FeatureSpace.Context context = FeatureSpace.Context.of(layers);
    Map<String, List<Integer>> byType = new TreeMap<>();
    for (int j = 0; j < n; j++) {
      byType.computeIfAbsent(layers.get(j).type(), k -> new ArrayList<>()).add(j);
    }
    // first the latencies, each given the time of the other layers: a fixed point from "alone";
    // then their sum per setting is the context of the powers
    Map<String, double[]> latLogs = new HashMap<>();
    Map<String, double[][]> baseRows = new HashMap<>();
    double[] busyMs = new double[s];
    double[][] latMs = new double[s][n];
    for (int round = 0; round < MAX_ROUNDS; round++) {
      double[] from = busyMs.clone();
      double[][] own = new double[s][];
      for (int i = 0; i < s; i++) {
        own[i] = latMs[i].clone();
      }
      java.util.Arrays.fill(busyMs, 0);
      for (Map.Entry<String, List<Integer>> e : byType.entrySet()) {
        ModelSet.TypeModels tm = models.types().get(e.getKey());
        if (tm == null) {
          continue;
        }
        List<Integer> idx = e.getValue();
        TargetModel lm = tm.targets().get("latency");
        double[] lp =
            clamp(
                lm.model()
                    .predict(
                        othersRows(
                            e.getKey(), baseRows, idx, layers, resolved, context, from, own)),
                lm);
        latLogs.put(e.getKey(), lp);
        for (int i = 0; i < s; i++) {
          for (int k = 0; k < idx.size(); k++) {
            double v = lp[i * idx.size() + k];
            lat[i][idx.get(k)] = bounds(v, lm);
            latMs[i][idx.get(k)] = Math.exp(v);
          }
        }
      }
      boolean converged = true;
      for (int i = 0; i < s; i++) {
        for (double v : latMs[i]) {
          busyMs[i] += v;
        }
        converged &= Math.abs(busyMs[i] - from[i]) <= CONVERGED * busyMs[i];
      }
      if (converged && round >= OTHERS_ROUNDS - 1) {
        break;
      }
    }
    double[] from = busyMs.clone();
    double[] busy = busyMs;
    for (Map.Entry<String, List<Integer>> e : byType.entrySet()) {
      ModelSet.TypeModels tm = models.types().get(e.getKey());
      if (tm == null) {
        continue;
      }
      List<Integer> idx = e.getValue();
      double[][] x = othersRows(e.getKey(), baseRows, idx, layers, resolved, context, from, latMs);
      for (int i = 0; i < s; i++) {
        for (int k = 0; k < idx.size(); k++) {
          x[i * idx.size() + k][FeatureSpace.BUSY] = Math.log(Math.max(busy[i], 1e-6));
        }
      }
      double[][] xe = othersRows(e.getKey(), baseRows, idx, layers, resolved, context, from, latMs);
      double[] lp = latLogs.get(e.getKey());
      Map<String, double[]> pp = new HashMap<>();
      for (String rail : models.rails()) {
        TargetModel pm = tm.targets().get("power:" + rail);
        if (pm != null) {
          pp.put(rail, clamp(pm.model().predict(x), pm));
        }
      }
      Map<String, double[]> ep = new HashMap<>();
      for (String rail : models.rails()) {
        TargetModel em = tm.targets().get("energy:" + rail);
        if (em != null && em.model() != null) {
          ep.put(rail, clamp(em.model().predict(xe), em));
        }
      }
      for (int i = 0; i < s; i++) {
        for (int k = 0; k < idx.size(); k++) {
          int row = i * idx.size() + k;
          int j = idx.get(k);
          Map<String, double[]> pw = new LinkedHashMap<>();
          Map<String, double[]> en = new LinkedHashMap<>();
          for (String rail : models.rails()) {
            double[] p = pp.get(rail);
            if (p == null) {
              continue;
            }
            pw.put(rail, bounds(p[row], tm.targets().get("power:" + rail)));
            TargetModel em = tm.targets().get("energy:" + rail);
            double logE =
                ep.containsKey(rail) ? ep.get(rail)[row] : p[row] + lp[row] - Math.log(1000);
            en.put(rail, bounds(logE, em));
          }
          power.get(i).put(j, pw);
          energy.get(i).put(j, en);
        }
      }
    }
    List<Prediction> out = new ArrayList<>(s);
    for (int i = 0; i < s; i++) {
      out.add(network(net, context, resolved.get(i), lat[i], power.get(i), energy.get(i)));
    }
    return out;
  }

  /**
   * The rows of layers {@code idx} at every setting, setting-major, each with the time of the
   * network's other layers: {@code busyMs[setting]} less the layer's own {@code ownMs}. The rest of
   * a row does not change between calls: it is built once per type ({@code base}) and copied.
   */
  private double[][] othersRows(
      String type,
      Map<String, double[][]> base,
      List<Integer> idx,
      List<LayerSpec> layers,
      List<Map<String, String>> settings,
      FeatureSpace.Context context,
      double[] busyMs,
      double[][] ownMs) {
    double[][] rows =
        base.computeIfAbsent(
            type,
            t -> {
              double[][] b = new double[settings.size() * idx.size()][];
              for (int i = 0; i < settings.size(); i++) {
                for (int k = 0; k < idx.size(); k++) {
                  b[i * idx.size() + k] =
                      models.space().row(layers.get(idx.get(k)), context, settings.get(i));
                }
              }
              return b;
            });
    double[][] x = new double[rows.length][];
    for (int i = 0; i < settings.size(); i++) {
      for (int k = 0; k < idx.size(); k++) {
        int r = i * idx.size() + k;
        x[r] = rows[r].clone();
        FeatureSpace.setOthers(x[r], busyMs[i] - ownMs[i][idx.get(k)]);
      }
    }
    return x;
  }

  private Prediction network(
      NetworkSpec net,
      FeatureSpace.Context context,
      Map<String, String> settings,
      double[][] lat,
      Map<Integer, Map<String, double[]>> power,
      Map<Integer, Map<String, double[]>> energy) {
    List<LayerSpec> layers = net.layers();
    List<Prediction.Layer> out = new ArrayList<>();
    boolean partial = false;
    double[] sumLat = new double[3];
    Map<String, double[]> sumE = new LinkedHashMap<>();
    models.rails().forEach(r -> sumE.put(r, new double[3]));
    Map<Integer, String> inside = runInside(net);
    for (int j = 0; j < layers.size(); j++) {
      LayerSpec l = layers.get(j);
      if (lat[j] == null) {
        partial = true;
        out.add(
            new Prediction.Layer(j, l.name(), l.type(), false, why(l.type()), null, null, null));
        continue;
      }
      if (inside.containsKey(j)) {
        Prediction.Value zero = new Prediction.Value(0, 0, 0);
        Map<String, Prediction.Value> pw = new LinkedHashMap<>();
        power.get(j).keySet().forEach(r -> pw.put(r, zero));
        Map<String, Prediction.Value> en = new LinkedHashMap<>();
        energy.get(j).keySet().forEach(r -> en.put(r, zero));
        String why =
            "runs inside the kernel of layer "
                + inside.get(j)
                + " (ONNX Runtime fuses the addition into the convolution): 0 ms";
        out.add(new Prediction.Layer(j, l.name(), l.type(), true, why, zero, pw, en));
        continue;
      }
      add(sumLat, lat[j]);
      Map<String, Prediction.Value> pw = new LinkedHashMap<>();
      power.get(j).forEach((r, v) -> pw.put(r, value(v)));
      Map<String, Prediction.Value> en = new LinkedHashMap<>();
      energy
          .get(j)
          .forEach(
              (r, v) -> {
                en.put(r, value(v));
                add(sumE.get(r), v);
              });
      out.add(new Prediction.Layer(j, l.name(), l.type(), true, null, value(lat[j]), pw, en));
    }
    double[] nx = models.space().networkRow(Fitter.networkLayer(layers), context, settings);
    TargetModel latencyModel = models.network().get("latency");
    double[] netLat =
        addGap(
            sumLat,
            latencyModel,
            latencyModel != null && latencyModel.model() instanceof SumLinear
                ? SumLinear.withSum(nx, sumLat[0])
                : nx);
    Map<String, Prediction.Value> netE = new LinkedHashMap<>();
    Map<String, Prediction.Value> netP = new LinkedHashMap<>();
    for (String r : models.rails()) {
      double[] e = addGap(sumE.get(r), models.network().get("energy:" + r), nx);
      netE.put(r, value(e));
      netP.put(
          r,
          netLat[0] > 0
              ? new Prediction.Value(
                  e[0] / netLat[0] * 1000, e[1] / netLat[0] * 1000, e[2] / netLat[0] * 1000)
              : new Prediction.Value(0, 0, 0));
    }
    return new Prediction(models.board(), settings, partial, value(netLat), netP, netE, out);
  }

  /**
   * The layers ONNX Runtime runs inside another layer's kernel, by index (the kernel's layer), for
   * models of a board whose engine is ONNX Runtime on this machine's CPU; none otherwise. Their
   * rows are 0 ms in the training set (left out of the fit): the kernel's layer carries the time.
   */
  private Map<Integer, String> runInside(NetworkSpec net) {
    return Fitter.HOST_BOARDS.contains(models.board())
        ? io.inferwatt.engines.ort.OrtFusion.runInside(
            net, io.inferwatt.engines.ort.OrtFusion.hostBlockSize())
        : Map.of();
  }

  private String why(String type) {
    Integer rows = models.skipped().get(type);
    if (rows != null) {
      return "layer type "
          + type
          + " had "
          + rows
          + " measured rows, fewer than the "
          + models.minRows()
          + " a model needs";
    }
    return "no model for layer type "
        + type
        + "; the models know "
        + String.join(", ", models.layerTypes());
  }

  /**
   * {@code sum} (value, low, high) plus the network's gap model (ms or mJ, kept within the gaps
   * measured) and its residual quantiles; never below zero.
   */
  private static double[] addGap(double[] sum, TargetModel gap, double[] x) {
    if (gap == null) {
      return sum.clone();
    }
    double g = gap.model() == null ? 0 : gap.clamp(gap.model().predict(new double[][] {x})[0]);
    return new double[] {
      Math.max(0, sum[0] + g),
      Math.max(0, sum[1] + g + gap.qLow()),
      Math.max(0, sum[2] + g + gap.qHigh())
    };
  }

  private static double[] clamp(double[] logs, TargetModel m) {
    for (int i = 0; i < logs.length; i++) {
      logs[i] = m.clamp(logs[i]);
    }
    return logs;
  }

  private static double[] bounds(double log, TargetModel m) {
    return new double[] {Math.exp(log), Math.exp(log + m.qLow()), Math.exp(log + m.qHigh())};
  }

  private static void add(double[] acc, double[] v) {
    for (int i = 0; i < 3; i++) {
      acc[i] += v[i];
    }
  }

  private static Prediction.Value value(double[] v) {
    return new Prediction.Value(v[0], Math.min(v[0], v[1]), Math.max(v[0], v[2]));
  }
}
