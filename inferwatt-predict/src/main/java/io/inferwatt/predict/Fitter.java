package io.inferwatt.predict;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.engines.onnx.LayerSample;
import io.inferwatt.store.StoredModel;
import io.inferwatt.store.TrainingData;
import io.inferwatt.study.Models;
import io.inferwatt.study.boards.Boards;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Fits a {@link ModelSet} on a training set: per layer type and target, both learners are
 * cross-validated on the same folds (rows grouped by network family, so that a fold holds families
 * the fit never saw; by row when a type comes from one network only) and the one with the lower
 * mean of the folds' median absolute error is refitted on every row.
 *
 * <p>Over 500 lines on purpose: the folds, the learners' cross-validation, the choice per type and
 * target, the network gap model and the refit all read the same per-type rows and fold assignment;
 * split apart, that state would be passed through every piece.
 */
public final class Fitter {

  /** The fewest rows a layer type needs to be modelled. */
  public static final int MIN_ROWS = 10;

  /** The learners a fit can cross-validate, by name. */
  public static final List<String> LEARNERS = List.of(LassoPoly.NAME, WorkLasso.NAME, Gbt.NAME);

  /** The most folds. */
  public static final int FOLDS = 5;

  /** Out-of-fold points kept per layer type and target for the report. */
  static final int POINTS = 200;

  private Fitter() {}

  /**
   * What a fit gives.
   *
   * @param models the fitted set
   * @param stored the set as the base stores it (id 0)
   * @param errorsPct per layer type, the chosen latency model's cross-validated median error, %
   */
  public record Result(ModelSet models, StoredModel stored, Map<String, Double> errorsPct) {}

  /**
   * Fits every layer type of {@code data}.
   *
   * @param study the study the data comes from (null: every run), for the record
   * @param skipShort leave out layer types with fewer than {@link #MIN_ROWS} rows instead of
   *     refusing
   * @param learners the learners to try ({@link LassoPoly#NAME}, {@link Gbt#NAME})
   * @throws BadInputException when the data is empty, spans several boards, or a layer type has too
   *     few rows and {@code skipShort} is false
   */
  public static Result fit(
      TrainingData data, String study, boolean skipShort, Set<String> learners) {
    List<TrainingData.Layer> rows = data.layers();
    if (rows.isEmpty()) {
      throw new BadInputException(
          "the base holds no per-layer measurements to fit on; run a study with layer profiling first");
    }
    Set<String> boards = new TreeSet<>();
    rows.forEach(r -> boards.add(r.board()));
    if (boards.size() > 1) {
      throw new BadInputException(
          "the base holds layers measured on "
              + String.join(", ", boards)
              + "; choose one with --board");
    }
    String board = boards.iterator().next();
    if (HOST_BOARDS.contains(board)) {
      // a real machine's latency phase has outliers (another process, an interrupt: a run's mean
      // came out 1.8 times its median under real-time priority at load 13); the network-level
      // models learn each run's median, and predict the median; the layers likewise learn their
      // median cycle, so that a network's layers and its latency are the same statistic
      data =
          new TrainingData(
              data.layers().stream().map(TrainingData.Layer::withMedianLatency).toList(),
              data.networks().stream().map(TrainingData.Network::withMedianLatency).toList());
      rows = data.layers();
    }
    Set<String> railSet = new LinkedHashSet<>();
    rows.forEach(r -> railSet.addAll(r.powerMw().keySet()));
    List<String> rails = new ArrayList<>(railSet);
    String totalRail =
        data.networks().stream()
            .map(TrainingData.Network::totalRail)
            .filter(t -> t != null)
            .findFirst()
            .orElse(rails.isEmpty() ? "" : rails.get(0));
    Map<Long, Map<String, String>> runSettings = new LinkedHashMap<>();
    rows.forEach(r -> runSettings.putIfAbsent(r.runId(), r.settings()));
    requireOneThreadsKind(runSettings.values());
    FeatureSpace space = FeatureSpace.of(runSettings.values());
    if (HOST_BOARDS.contains(board)) {
      // on the host's CPU an activation can be a kernel of its own (ONNX Runtime runs a Swish or
      // a hard swish beside its convolution, a ReLU inside it): which one a layer carries is an
      // input where the training layers carry more than one
      Set<String> acts = new java.util.TreeSet<>();
      rows.forEach(r -> acts.add(FeatureSpace.activationKey(r.layer())));
      if (acts.size() > 1) {
        space = space.withActivations(acts);
      }
      // and whether ONNX Runtime runs a convolution in its NCHWc blocks, where the training
      // convolutions run both ways
      int block = io.inferwatt.engines.ort.OrtFusion.hostBlockSize();
      if (rows.stream().anyMatch(r -> FeatureSpace.nchwc(r.layer(), block) == 1)
          && rows.stream().anyMatch(r -> FeatureSpace.nchwc(r.layer(), block) == 0)) {
        space = space.withNchwc(block);
      }
    }
    Map<Long, List<LayerSpec>> runLayers = new HashMap<>();
    rows.forEach(r -> runLayers.computeIfAbsent(r.runId(), k -> new ArrayList<>()).add(r.layer()));
    Map<Long, Double> runBusyMs = new HashMap<>();
    rows.forEach(r -> runBusyMs.merge(r.runId(), r.latencyMs(), Double::sum));
    Map<Long, FeatureSpace.Context> contexts = new HashMap<>();
    Map<Long, FeatureSpace.Context> busyContexts = new HashMap<>();
    runLayers.forEach(
        (run, ls) -> {
          FeatureSpace.Context c = FeatureSpace.Context.of(ls);
          contexts.put(run, c);
          busyContexts.put(run, c.withBusy(runBusyMs.get(run)));
        });

    Map<String, List<TrainingData.Layer>> byType = new TreeMap<>();
    rows.forEach(r -> byType.computeIfAbsent(r.layer().type(), k -> new ArrayList<>()).add(r));
    Map<String, Integer> skipped = new TreeMap<>();
    byType.forEach(
        (t, rs) -> {
          if (rs.size() < MIN_ROWS) {
            skipped.put(t, rs.size());
          }
        });
    if (!skipped.isEmpty() && !skipShort) {
      List<String> s = new ArrayList<>();
      skipped.forEach((t, n) -> s.add(t + " (" + n + ")"));
      throw new BadInputException(
          "too few measured rows for layer type "
              + String.join(", ", s)
              + ": each type needs at least "
              + MIN_ROWS
              + "; measure more, or fit the other types with --skip-short");
    }
    if (skipped.size() == byType.size()) {
      throw new BadInputException(
          "no layer type has the " + MIN_ROWS + " measured rows a model needs");
    }

    WorkLasso.Basis work = WorkLasso.Basis.of(space);
    WorkLasso.Basis workPower = WorkLasso.Basis.forPower(space);
    Map<String, ModelSet.TypeModels> types = new TreeMap<>();
    List<StoredModel.Fold> folds = new ArrayList<>();
    List<StoredModel.Point> points = new ArrayList<>();
    Map<String, Double> errors = new TreeMap<>();
    for (Map.Entry<String, List<TrainingData.Layer>> e : byType.entrySet()) {
      if (skipped.containsKey(e.getKey())) {
        continue;
      }
      String type = e.getKey();
      List<TrainingData.Layer> rs = e.getValue();
      double[][] x = new double[rs.size()][];
      // power also takes the time the run's layers kept the board busy (not the latency or the
      // energy: for a network of one layer that time is the latency itself)
      double[][] xb = new double[rs.size()][];
      List<String> groups = new ArrayList<>();
      double[] lat = new double[rs.size()];
      for (int i = 0; i < x.length; i++) {
        TrainingData.Layer r = rs.get(i);
        double others = runBusyMs.get(r.runId()) - r.latencyMs();
        x[i] = space.row(r.layer(), contexts.get(r.runId()).withOthers(others), r.settings());
        xb[i] = space.row(r.layer(), busyContexts.get(r.runId()).withOthers(others), r.settings());
        groups.add(foldGroup(r.model()));
        lat[i] = Math.log(r.latencyMs());
      }
      if (HOST_BOARDS.contains(board) || !contextVaries(rs, contexts)) {
        // on the host's CPU (ONNX Runtime) there are no launches to hide behind other layers, and
        // the network context carries the run's own slowdown (a real machine's speed drifts
        // between runs; the others' measured time above all), which a prediction cannot know:
        // learnt, it pulled the fixed point of a network's layers 20 % low (ResNet-34 at 128
        // pixels), and leaving it out gave the lower leave-one-family-out error (median 19.2 %
        // against 26.5 % with the network's size kept, docs/prediction.md).
        // Elsewhere, a type measured only in networks of about one size (single layers): the
        // context says nothing the layer's own features do not, and a fit on it extrapolates
        // along whatever it correlated with; the type's models do without it
        for (int i = 0; i < x.length; i++) {
          java.util.Arrays.fill(x[i], FeatureSpace.CONTEXT_FROM, FeatureSpace.CONTEXT_TO, 0);
          java.util.Arrays.fill(xb[i], FeatureSpace.CONTEXT_FROM, FeatureSpace.CONTEXT_TO, 0);
        }
      }
      Folds f = Folds.of(groups);
      Map<String, TargetModel> targets = new LinkedHashMap<>();
      LassoPoly.Designs designs =
          learners.contains(LassoPoly.NAME) || learners.contains(WorkLasso.NAME)
              ? f.designs(x)
              : null;
      Chosen latency = choose(type, "latency", x, lat, f, designs, work, learners, folds, points);
      targets.put("latency", latency.model());
      errors.put(type, latency.model().cvErrorPct());
      LassoPoly.Designs powerDesigns = null;
      List<Integer> powerRows = null;
      for (String rail : rails) {
        List<Integer> have = new ArrayList<>();
        for (int i = 0; i < rs.size(); i++) {
          Double p = rs.get(i).powerMw().get(rail);
          if (p != null && p > 0) {
            have.add(i);
          }
        }
        if (have.size() < MIN_ROWS) {
          continue;
        }
        double[][] xr = new double[have.size()][];
        double[][] xe = new double[have.size()][];
        double[] pw = new double[have.size()];
        double[] en = new double[have.size()];
        double[] latOof = new double[have.size()];
        List<String> g = new ArrayList<>();
        for (int j = 0; j < xr.length; j++) {
          int i = have.get(j);
          xr[j] = xb[i];
          xe[j] = x[i];
          pw[j] = Math.log(rs.get(i).powerMw().get(rail));
          en[j] = pw[j] + lat[i] - Math.log(1000);
          latOof[j] = latency.outOfFold()[i];
          g.add(groups.get(i));
        }
        Folds fr = Folds.of(g);
        // the rails with a value on the same rows share their Gram matrices
        if (!have.equals(powerRows)) {
          powerDesigns = designs == null ? null : fr.designs(xr);
          powerRows = have;
        }
        LassoPoly.Designs dr = powerDesigns;
        Chosen power =
            choose(type, "power:" + rail, xr, pw, fr, dr, workPower, learners, folds, points);
        targets.put("power:" + rail, power.model());
        // energy: power × latency, or a model of its own where that cross-validates better
        double[] product = new double[en.length];
        for (int j = 0; j < en.length; j++) {
          product[j] = power.outOfFold()[j] + latOof[j] - Math.log(1000);
        }
        String target = "energy:" + rail;
        double[] productFolds = Errors.foldMedians(en, product, fr.fold(), fr.k());
        TargetModel productModel = withQuantiles(null, en, product, productFolds);
        if (rail.equals(totalRail)) {
          // the energy, like the latency, without the busy time (its own sum for one layer)
          LassoPoly.Designs de =
              have.size() == rs.size() || designs == null ? designs : fr.designs(xe);
          Chosen direct = choose(type, target, xe, en, fr, de, work, learners, folds, points);
          boolean productWins = productModel.cvErrorPct() <= direct.model().cvErrorPct();
          addFolds(folds, type, target, TargetModel.PRODUCT, "", productFolds, fr, productWins);
          if (productWins) {
            unchoose(folds, type, target);
            targets.put(target, productModel);
          } else {
            targets.put(target, direct.model());
          }
        } else {
          addFolds(folds, type, target, TargetModel.PRODUCT, "", productFolds, fr, true);
          targets.put(target, productModel);
        }
      }
      types.put(type, new ModelSet.TypeModels(rs.size(), targets));
    }
    Map<String, TargetModel> network = fitNetwork(data, space, rails, folds, contexts);
    network.putAll(fitModes(data, space, rails, runLayers, folds));
    ModelSet models =
        new ModelSet(board, rails, totalRail, space, types, skipped, network, MIN_ROWS);
    Set<Long> runs = new TreeSet<>();
    rows.forEach(r -> runs.add(r.runId()));
    StoredModel stored =
        new StoredModel(
            0,
            Instant.now(),
            board,
            study,
            rails,
            rows.size(),
            runs.size(),
            String.join(",", space.names()),
            models.learners(),
            ModelSet.FORMAT,
            models.toJson(),
            folds,
            points);
    return new Result(models, stored, errors);
  }

  /**
   * The network-level models, additive: what a network's measured latency and each rail's energy
   * add to the sum of its measured layers (the unattributed tail, gaps between layers), in ms and
   * mJ, from the settings and the network's size. Each is kept within the range of gaps measured,
   * so that a network unlike every training network (another family, ten times the layers) adds at
   * most the largest gap seen rather than a multiple of its own sum.
   */
  private static Map<String, TargetModel> fitNetwork(
      TrainingData data,
      FeatureSpace space,
      List<String> rails,
      List<StoredModel.Fold> folds,
      Map<Long, FeatureSpace.Context> contexts) {
    Map<Long, List<TrainingData.Layer>> byRun = new HashMap<>();
    data.layers().forEach(l -> byRun.computeIfAbsent(l.runId(), k -> new ArrayList<>()).add(l));
    List<double[]> xs = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    List<Double> latGap = new ArrayList<>();
    List<Double> latTotal = new ArrayList<>();
    List<Double> latSum = new ArrayList<>();
    List<Double> layerCount = new ArrayList<>();
    Map<String, List<Double>> energyGap = new LinkedHashMap<>();
    Map<String, List<Double>> energyTotal = new LinkedHashMap<>();
    rails.forEach(
        r -> {
          energyGap.put(r, new ArrayList<>());
          energyTotal.put(r, new ArrayList<>());
        });
    for (TrainingData.Network n : data.networks()) {
      List<TrainingData.Layer> ls = byRun.get(n.runId());
      if (ls == null || n.latencyMs() <= 0) {
        continue;
      }
      boolean complete = true;
      double sumLat = 0;
      Map<String, Double> sumE = new HashMap<>();
      for (TrainingData.Layer l : ls) {
        sumLat += l.latencyMs();
        for (String r : rails) {
          Double p = l.powerMw().get(r);
          if (p == null) {
            complete = false;
          } else {
            sumE.merge(r, p * l.latencyMs() / 1000, Double::sum);
          }
        }
      }
      if (!complete || rails.stream().anyMatch(r -> n.energyMj().getOrDefault(r, 0.0) <= 0)) {
        continue;
      }
      xs.add(
          space.networkRow(
              networkLayer(ls.stream().map(TrainingData.Layer::layer).toList()),
              contexts.get(n.runId()),
              n.settings()));
      groups.add(foldGroup(n.model()));
      latGap.add(n.latencyMs() - sumLat);
      latTotal.add(n.latencyMs());
      latSum.add(sumLat);
      layerCount.add((double) ls.size());
      for (String r : rails) {
        energyGap.get(r).add(n.energyMj().get(r) - sumE.get(r));
        energyTotal.get(r).add(n.energyMj().get(r));
      }
    }
    Map<String, TargetModel> out = new LinkedHashMap<>();
    if (xs.size() < 2) {
      out.put("latency", new TargetModel(null, 0, 0, Double.NaN).bounded(0, 0));
      rails.forEach(
          r -> out.put("energy:" + r, new TargetModel(null, 0, 0, Double.NaN).bounded(0, 0)));
      return out;
    }
    double[][] x = xs.toArray(new double[0][]);
    Folds f = Folds.of(groups);
    LassoPoly.Designs designs = f.designs(x);
    TargetModel gapLatency = gap("latency", designs, unbox(latGap), unbox(latTotal), f, folds);
    out.put(
        "latency",
        chooseLatency(
            gapLatency,
            x,
            unbox(latGap),
            unbox(latTotal),
            unbox(latSum),
            unbox(layerCount),
            groups,
            folds));
    for (String r : rails) {
      out.put(
          "energy:" + r,
          gap(
              "energy:" + r,
              designs,
              unbox(energyGap.get(r)),
              unbox(energyTotal.get(r)),
              f,
              folds));
    }
    return out;
  }

  /**
   * Boards whose engine runs on the host's CPU (ONNX Runtime on this machine): their models do
   * without the network context ({@link FeatureSpace#CONTEXT_FROM} on).
   */
  static final Set<String> HOST_BOARDS = Set.of(Boards.LOCAL, Boards.LINUX_CPU);

  /** The target under which the network latency models' comparison over families is stored. */
  static final String BY_FAMILY = "family:latency";

  /**
   * The network latency model: the additive gap ({@code gapModel}) or a linear map of the layers'
   * sum ({@link SumLinear}), whichever cross-validates better with whole <em>families</em> held out
   * (a network's name up to its first {@code -}: its widths and resolutions together), the error of
   * a fold being the median of |predicted − measured| / measured latency. A map learnt on the
   * training networks follows a network larger than all of them where a gap bounded by the gaps
   * measured cannot. Both learners' folds are stored under {@link #BY_FAMILY}; with fewer than
   * three families the gap model stays.
   */
  private static TargetModel chooseLatency(
      TargetModel gapModel,
      double[][] x,
      double[] gap,
      double[] total,
      double[] sum,
      double[] layers,
      List<String> models,
      List<StoredModel.Fold> folds) {
    List<String> families = models.stream().map(Fitter::family).toList();
    if (new TreeSet<>(families).size() < 3) {
      return gapModel;
    }
    Folds f = Folds.of(families);
    // every family weighs the same in the map (hundreds of one-layer samples would else decide it)
    Map<String, Integer> size = new HashMap<>();
    families.forEach(m -> size.merge(m, 1, Integer::sum));
    double[] weight = families.stream().mapToDouble(m -> 1.0 / size.get(m)).toArray();
    Fit<LassoPoly> g = LassoPoly.fit(f.designs(x), gap);
    double[] gapOof = g.outOfFold();
    double lo = min(gap);
    double hi = max(gap);
    double[] linOof = new double[total.length];
    for (int k = 0; k < f.k(); k++) {
      List<Integer> train = new ArrayList<>();
      for (int i = 0; i < total.length; i++) {
        if (f.fold()[i] != k) {
          train.add(i);
        }
      }
      SumLinear m =
          SumLinear.fit(
              pick(sum, train), pick(layers, train), pick(total, train), pick(weight, train));
      for (int i = 0; i < total.length; i++) {
        if (f.fold()[i] == k) {
          linOof[i] = m.total(sum[i], layers[i]);
        }
      }
    }
    double[] gapErr = new double[f.k()];
    double[] linErr = new double[f.k()];
    double[] res = new double[total.length];
    for (int k = 0; k < f.k(); k++) {
      List<Double> ge = new ArrayList<>();
      List<Double> le = new ArrayList<>();
      for (int i = 0; i < total.length; i++) {
        if (f.fold()[i] == k) {
          double gp = Math.max(lo, Math.min(hi, gapOof[i]));
          ge.add(Math.abs(Math.max(0, sum[i] + gp) - total[i]) / total[i] * 100);
          le.add(Math.abs(Math.max(0, linOof[i]) - total[i]) / total[i] * 100);
        }
      }
      gapErr[k] = Errors.median(ge.stream().mapToDouble(Double::doubleValue).toArray());
      linErr[k] = Errors.median(le.stream().mapToDouble(Double::doubleValue).toArray());
    }
    for (int i = 0; i < total.length; i++) {
      res[i] = total[i] - linOof[i];
    }
    boolean linear = mean(linErr) < mean(gapErr);
    SumLinear all = SumLinear.fit(sum, layers, total, weight);
    addFolds(folds, "network", BY_FAMILY, LassoPoly.NAME, "", gapErr, f, !linear);
    addFolds(folds, "network", BY_FAMILY, SumLinear.NAME, all.hyperParameters(), linErr, f, linear);
    if (!linear) {
      return gapModel;
    }
    unchoose(folds, "network", "gap:latency");
    return new TargetModel(
        all, Errors.quantile(res, 0.025), Errors.quantile(res, 0.975), mean(linErr));
  }

  /**
   * The group a row's network is held out with in the folds of the layer models, the network gap
   * and the mode ratios: its family (every width and resolution together), so that the learner and
   * its strength are chosen by how they do on families the fold never saw, as a prediction of a new
   * network asks; a network of a layer sample ({@link LayerSample#member}: one layer or a few) is a
   * group of its own.
   */
  static String foldGroup(String model) {
    return LayerSample.member(model).isPresent() ? model : family(model);
  }

  /** A network's family: its name up to the first {@code -} (widths and resolutions together). */
  static String family(String model) {
    int dash = model.indexOf('-');
    return dash < 0 ? model : model.substring(0, dash);
  }

  private static double[] pick(double[] v, List<Integer> rows) {
    double[] out = new double[rows.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v[rows.get(i)];
    }
    return out;
  }

  /**
   * Whether {@code rows} come from networks of several sizes (the largest at least twice the
   * smallest layer count), so that the network-context inputs can be learnt for their type.
   */
  private static boolean contextVaries(
      List<TrainingData.Layer> rows, Map<Long, FeatureSpace.Context> contexts) {
    int lo = Integer.MAX_VALUE;
    int hi = 0;
    for (TrainingData.Layer r : rows) {
      int n = contexts.get(r.runId()).layers();
      lo = Math.min(lo, n);
      hi = Math.max(hi, n);
    }
    return hi >= 2 * lo;
  }

  /** The setting that names the execution mode. */
  static final String MODE = "mode";

  /** The key of the network-level model of {@code target} in a mode layers were not profiled in. */
  static String modeKey(String mode, String target) {
    // concat, not +: a + of two strings spun about 9 classes at its first use in a prediction
    return (MODE + "=").concat(mode).concat(":").concat(target);
  }

  /**
   * Network-level models of each mode the layers were never profiled in (asynchronous runs have no
   * per-layer profile on the virtual Nano): the log ratio of a network's latency and of each rail's
   * energy in that mode to the same network at the same other settings in the profiled mode, from
   * the networks measured both ways, by Lasso on polynomial features of the network's size and the
   * settings, kept within the ratios measured. A prediction in that mode is the profiled mode's,
   * scaled by them.
   */
  private static Map<String, TargetModel> fitModes(
      TrainingData data,
      FeatureSpace space,
      List<String> rails,
      Map<Long, List<LayerSpec>> runLayers,
      List<StoredModel.Fold> folds) {
    Map<String, TargetModel> out = new LinkedHashMap<>();
    String profiled = space.defaults().get(MODE);
    List<String> modes = space.categories().get(MODE);
    if (profiled == null || modes == null) {
      return out;
    }
    Map<String, TrainingData.Network> base = new HashMap<>();
    Map<String, List<LayerSpec>> layersOf = new HashMap<>();
    for (TrainingData.Network n : data.networks()) {
      if (profiled.equals(n.settings().get(MODE)) && runLayers.containsKey(n.runId())) {
        base.putIfAbsent(pairKey(n), n);
        layersOf.putIfAbsent(n.model(), runLayers.get(n.runId()));
      }
    }
    Map<String, List<TrainingData.Network[]>> pairs = new TreeMap<>();
    for (TrainingData.Network n : data.networks()) {
      String mode = n.settings().get(MODE);
      TrainingData.Network b = base.get(pairKey(n));
      if (mode == null || modes.contains(mode) || b == null || n.latencyMs() <= 0) {
        continue;
      }
      pairs.computeIfAbsent(mode, k -> new ArrayList<>()).add(new TrainingData.Network[] {n, b});
    }
    pairs.forEach(
        (mode, ps) -> {
          if (ps.size() < 4) {
            return;
          }
          double[][] x = new double[ps.size()][];
          List<String> groups = new ArrayList<>();
          double[] lat = new double[ps.size()];
          Map<String, double[]> energy = new LinkedHashMap<>();
          for (int i = 0; i < x.length; i++) {
            TrainingData.Network a = ps.get(i)[0];
            TrainingData.Network b = ps.get(i)[1];
            List<LayerSpec> ls = layersOf.get(b.model());
            x[i] = space.networkRow(networkLayer(ls), FeatureSpace.Context.of(ls), b.settings());
            groups.add(foldGroup(a.model()));
            lat[i] = Math.log(a.latencyMs() / b.latencyMs());
            for (String r : rails) {
              double ea = energyMj(a, r);
              double eb = energyMj(b, r);
              energy.computeIfAbsent(r, k -> new double[x.length])[i] =
                  ea > 0 && eb > 0 ? Math.log(ea / eb) : Double.NaN;
            }
          }
          Folds f = Folds.of(groups);
          LassoPoly.Designs d = f.designs(x);
          out.put(modeKey(mode, "latency"), ratio(modeKey(mode, "latency"), d, lat, f, folds));
          energy.forEach(
              (r, e) -> {
                // the pairs with an energy on this rail (a network without power samples has none)
                List<Integer> have = new ArrayList<>();
                for (int i = 0; i < e.length; i++) {
                  if (Double.isFinite(e[i])) {
                    have.add(i);
                  }
                }
                if (have.size() < 4) {
                  return;
                }
                String t = modeKey(mode, "energy:" + r);
                if (have.size() == e.length) {
                  out.put(t, ratio(t, d, e, f, folds));
                  return;
                }
                double[][] xs = new double[have.size()][];
                double[] es = new double[have.size()];
                List<String> gs = new ArrayList<>();
                for (int j = 0; j < xs.length; j++) {
                  xs[j] = x[have.get(j)];
                  es[j] = e[have.get(j)];
                  gs.add(groups.get(have.get(j)));
                }
                Folds fs = Folds.of(gs);
                out.put(t, ratio(t, fs.designs(xs), es, fs, folds));
              });
        });
    return out;
  }

  /**
   * A network's energy per inference on {@code rail}: the integral over an inference, or mean power
   * × latency where the samples did not cover one (a network shorter than the sample period).
   */
  private static double energyMj(TrainingData.Network n, String rail) {
    double e = n.energyMj().getOrDefault(rail, 0.0);
    return e > 0 ? e : n.powerMw().getOrDefault(rail, 0.0) * n.latencyMs() / 1000;
  }

  /** A network's model and its settings other than the mode. */
  private static String pairKey(TrainingData.Network n) {
    Map<String, String> s = new TreeMap<>(n.settings());
    s.remove(MODE);
    return n.model() + " " + s;
  }

  /** One mode ratio model (log scale), its folds stored, kept within the ratios measured. */
  private static TargetModel ratio(
      String target, LassoPoly.Designs d, double[] y, Folds f, List<StoredModel.Fold> folds) {
    Fit<LassoPoly> fit = LassoPoly.fit(d, y);
    double[] fe = Errors.foldMedians(y, fit.outOfFold(), f.fold(), f.k());
    addFolds(
        folds,
        "network",
        target,
        fit.model().learner(),
        fit.model().hyperParameters(),
        fe,
        f,
        true);
    return withQuantiles(fit.model(), y, fit.outOfFold(), fe).bounded(min(y), max(y));
  }

  /**
   * One additive gap model (Lasso on polynomial features, linear scale), its folds' errors stored
   * as the median of |out-of-fold gap − measured gap| / the network's measured total, %.
   */
  static TargetModel gap(
      String target,
      LassoPoly.Designs designs,
      double[] gap,
      double[] total,
      Folds f,
      List<StoredModel.Fold> folds) {
    Fit<LassoPoly> fit = LassoPoly.fit(designs, gap);
    double[] oof = fit.outOfFold();
    double[] errs = new double[f.k()];
    double[] res = new double[gap.length];
    for (int k = 0; k < f.k(); k++) {
      List<Double> e = new ArrayList<>();
      for (int i = 0; i < gap.length; i++) {
        if (f.fold()[i] == k) {
          e.add(Math.abs(oof[i] - gap[i]) / total[i] * 100);
        }
      }
      errs[k] = Errors.median(e.stream().mapToDouble(Double::doubleValue).toArray());
    }
    for (int i = 0; i < gap.length; i++) {
      res[i] = gap[i] - oof[i];
    }
    addFolds(
        folds,
        "network",
        "gap:" + target,
        fit.model().learner(),
        fit.model().hyperParameters(),
        errs,
        f,
        true);
    return new TargetModel(
            fit.model(), Errors.quantile(res, 0.025), Errors.quantile(res, 0.975), mean(errs))
        .bounded(min(gap), max(gap));
  }

  private static double min(double[] v) {
    return java.util.Arrays.stream(v).min().orElse(0);
  }

  private static double max(double[] v) {
    return java.util.Arrays.stream(v).max().orElse(0);
  }

  /**
   * A whole network as one pseudo-layer (its MACs and parameters summed) for the network models.
   */
  static LayerSpec networkLayer(List<LayerSpec> layers) {
    long macs = 0;
    long params = 0;
    for (LayerSpec l : layers) {
      macs += l.macs();
      params += l.params();
    }
    LayerSpec first = layers.get(0);
    LayerSpec last = layers.get(layers.size() - 1);
    return new LayerSpec(
        "network",
        "Network",
        first.inputShape(),
        last.outputShape(),
        layers.size(),
        0,
        0,
        macs,
        params);
  }

  private static double[] unbox(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private record Chosen(TargetModel model, double[] outOfFold) {}

  private static Chosen choose(
      String type,
      String target,
      double[][] x,
      double[] y,
      Folds f,
      LassoPoly.Designs designs,
      WorkLasso.Basis work,
      Set<String> learners,
      List<StoredModel.Fold> folds,
      List<StoredModel.Point> points) {
    List<Fit<? extends Regressor>> fits = new ArrayList<>();
    boolean needDesigns = learners.contains(LassoPoly.NAME) || learners.contains(WorkLasso.NAME);
    LassoPoly.Designs d = designs != null || !needDesigns ? designs : f.designs(x);
    if (learners.contains(LassoPoly.NAME)) {
      fits.add(LassoPoly.fit(d, y));
    }
    if (learners.contains(WorkLasso.NAME) && work != null) {
      fits.add(WorkLasso.fit(work, x, d, y));
    }
    if (learners.contains(Gbt.NAME) && y.length >= 2 * MIN_ROWS) {
      fits.add(Gbt.fit(x, y, f.fold(), f.k()));
      if (work != null && work.power()) {
        // for a power, trees also under the clock terms (with the xgboost learner: same folds)
        fits.add(WorkGbt.fit(work, x, y, f.fold(), f.k()));
      }
    }
    if (fits.isEmpty()) {
      // none of the learners asked for fits here (trees need 2 × MIN_ROWS rows, work-lasso a work
      // basis): the baseline is fitted instead, and shows as the chosen learner
      fits.add(LassoPoly.fit(d != null ? d : f.designs(x), y));
    }
    int best = 0;
    double bestErr = Double.POSITIVE_INFINITY;
    List<double[]> foldErrs = new ArrayList<>();
    for (int i = 0; i < fits.size(); i++) {
      double[] fe = Errors.foldMedians(y, fits.get(i).outOfFold(), f.fold(), f.k());
      foldErrs.add(fe);
      double err = mean(fe);
      if (err < bestErr) {
        bestErr = err;
        best = i;
      }
    }
    for (int i = 0; i < fits.size(); i++) {
      Regressor m = fits.get(i).model();
      addFolds(
          folds, type, target, m.learner(), m.hyperParameters(), foldErrs.get(i), f, i == best);
    }
    Fit<? extends Regressor> chosen = fits.get(best);
    double[] oof = chosen.outOfFold();
    for (int i = 0; i < Math.min(POINTS, y.length); i++) {
      int row = (int) ((long) i * y.length / Math.min(POINTS, y.length));
      points.add(new StoredModel.Point(type, target, Math.exp(y[row]), Math.exp(oof[row])));
    }
    // the network context stays within the range of these rows (Boxed); a polynomial far outside
    // its rows explodes, and trees stop at their last leaf: their predictions stay within a factor
    // e of the range measured for this type and target. The work model extrapolates along its
    // work terms (its correction is kept within the corrections measured), so a layer four times
    // the largest one measured takes four times as long, unbounded.
    TargetModel model = withQuantiles(Boxed.of(chosen.model(), x), y, oof, foldErrs.get(best));
    if (!(chosen.model() instanceof WorkLasso)) {
      model = model.bounded(min(y) - 1, max(y) + 1);
    }
    return new Chosen(model, oof);
  }

  private static TargetModel withQuantiles(
      Regressor model, double[] y, double[] oof, double[] foldErrs) {
    double[] res = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      res[i] = y[i] - oof[i];
    }
    return new TargetModel(
        model, Errors.quantile(res, 0.025), Errors.quantile(res, 0.975), mean(foldErrs));
  }

  private static void addFolds(
      List<StoredModel.Fold> folds,
      String type,
      String target,
      String learner,
      String hyper,
      double[] errs,
      Folds f,
      boolean chosen) {
    for (int k = 0; k < errs.length; k++) {
      folds.add(new StoredModel.Fold(type, target, learner, k, f.size(k), errs[k], chosen, hyper));
    }
  }

  /** Marks every fold of {@code type}/{@code target} stored so far as not chosen. */
  private static void unchoose(List<StoredModel.Fold> folds, String type, String target) {
    for (int i = 0; i < folds.size(); i++) {
      StoredModel.Fold f = folds.get(i);
      if (f.layerType().equals(type)
          && f.target().equals(target)
          && !f.learner().equals(TargetModel.PRODUCT)) {
        folds.set(
            i,
            new StoredModel.Fold(
                f.layerType(),
                f.target(),
                f.learner(),
                f.fold(),
                f.rowsHeldOut(),
                f.medianAbsErrorPct(),
                false,
                f.hyperParameters()));
      }
    }
  }

  private static double mean(double[] v) {
    double s = 0;
    int n = 0;
    for (double d : v) {
      if (Double.isFinite(d)) {
        s += d;
        n++;
      }
    }
    return n == 0 ? Double.POSITIVE_INFINITY : s / n;
  }

  /**
   * Each row's fold: by group (network) when there are at least two groups, else by row; seeded, so
   * a fit is repeatable.
   */
  record Folds(int[] fold, int k) {
    static Folds of(List<String> groups) {
      List<String> distinct = new ArrayList<>(new TreeSet<>(groups));
      Collections.shuffle(distinct, new Random(12));
      int n = groups.size();
      int[] fold = new int[n];
      if (distinct.size() >= 2) {
        int k = Math.min(FOLDS, distinct.size());
        Map<String, Integer> of = new HashMap<>();
        for (int i = 0; i < distinct.size(); i++) {
          of.put(distinct.get(i), i % k);
        }
        for (int i = 0; i < n; i++) {
          fold[i] = of.get(groups.get(i));
        }
        return new Folds(fold, k);
      }
      int k = Math.min(FOLDS, Math.max(2, n));
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        order.add(i);
      }
      Collections.shuffle(order, new Random(12));
      for (int i = 0; i < n; i++) {
        fold[order.get(i)] = i % k;
      }
      return new Folds(fold, k);
    }

    /** The polynomial design matrices of the rows {@code x} on these folds. */
    LassoPoly.Designs designs(double[][] x) {
      return new LassoPoly.Designs(x, fold, k);
    }

    int size(int f) {
      int s = 0;
      for (int v : fold) {
        s += v == f ? 1 : 0;
      }
      return s;
    }
  }

  /**
   * Refuses training runs of which some ran at a chosen ONNX Runtime thread count (setting {@code
   * threads}) and others at the engine's own choice, which no run records: a run without the
   * setting would take the others' most frequent count as its own, a latency measured at another.
   */
  static void requireOneThreadsKind(Collection<Map<String, String>> runSettings) {
    long chosen = runSettings.stream().filter(s -> s.containsKey(Models.THREADS)).count();
    if (chosen > 0 && chosen < runSettings.size()) {
      throw new BadInputException(
          chosen
              + " of the "
              + runSettings.size()
              + " training runs were measured at a chosen ONNX Runtime thread count (setting "
              + Models.THREADS
              + ") and "
              + (runSettings.size() - chosen)
              + " at the engine's own, which is not recorded: their latencies do not compare."
              + " Fit them apart (fit --study, --exclude-model) or measure the others with"
              + " threads set");
    }
  }
}
