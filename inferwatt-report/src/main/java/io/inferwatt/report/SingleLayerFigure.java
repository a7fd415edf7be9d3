package io.inferwatt.report;

import static io.inferwatt.report.Style.*;

import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import io.inferwatt.core.model.ModelName;
import io.inferwatt.report.Chart.Series;
import io.inferwatt.report.StudyResults.Configuration;
import io.inferwatt.study.Models;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Fig. 10: layers mapped inside the network vs the same layers as single-layer networks. */
final class SingleLayerFigure {

  private SingleLayerFigure() {}

  static Figure build(ReportContext cx) {
    StudyResults results = cx.results;
    Map<String, Configuration> configs = cx.configs;
    Configuration baselineConfig = cx.baselineConfig;
    String total = cx.total;
    String id = "fig10";
    String label = "Fig. 10";
    String title =
        "Power, latency and energy of single layers: mapped in the network vs single-layer networks";
    List<Configuration> cs =
        cx.slice(Models.MODEL, l -> l.stream().allMatch(c -> layerOf(c.model()).isPresent()));
    if (cs.isEmpty()) {
      return Figure.absent(id, label, title, "the study has no single-layer networks (NET-layerI)");
    }
    int n = cs.size();
    List<String> cats = new ArrayList<>();
    double[][] mapped = new double[4][n];
    double[][] single = new double[4][n];
    double[] mappedLat = new double[n];
    double[] singleLat = new double[n];
    double[] mappedE = new double[n];
    double[] singleE = new double[n];
    for (int i = 0; i < n; i++) {
      Configuration c = cs.get(i);
      ModelName.Layer named = layerOf(c.model()).orElseThrow();
      int layer = named.index();
      // the single-layer network: its last layer is the layer (the first is its own input reformat)
      Optional<LayerSummary> s =
          c.run().result().layers().stream().max(Comparator.comparingInt(LayerSummary::index));
      Configuration whole =
          configs.values().stream()
              .filter(k -> k.model().equals(named.network()) && results.sameExceptModel(k, c))
              .findFirst()
              .orElse(baselineConfig);
      Optional<LayerSummary> w = whole == null ? Optional.empty() : whole.layer(layer);
      String type = s.map(LayerSummary::type).orElse("");
      cats.add("L" + layer + " " + type);
      fill(total, mapped, mappedLat, mappedE, w, i);
      fill(total, single, singleLat, singleE, s, i);
    }
    String x = "layer of " + layerOf(cs.get(0).model()).orElseThrow().network();
    Chart p =
        Chart.categorical("Power (" + total + " rail), mean with 95% CI", x, "power (mW)", cats)
            .add(Series.bars("mapped in the network", IN_COLOR, mapped[0], mapped[1], mapped[2]))
            .add(Series.bars("single-layer network", CPU_COLOR, single[0], single[1], single[2]));
    Chart l =
        Chart.categorical("Latency of the layer", x, "latency (ms)", cats)
            .add(Series.bars("mapped in the network", IN_COLOR, mappedLat))
            .add(Series.bars("single-layer network", CPU_COLOR, singleLat));
    Chart e =
        Chart.categorical("Energy of the layer", x, "energy (mJ)", cats)
            .add(Series.bars("mapped in the network", IN_COLOR, mappedE))
            .add(Series.bars("single-layer network", CPU_COLOR, singleE));
    return Figure.of(
        id,
        label,
        title,
        "Left of each pair: the layer's mapped mean power inside the whole network (its"
            + " layer phase); right: the same layer alone behind its own input reformat, timed by the profiler so the"
            + " reformat is left out. The paper drew boxes over mapped samples; the store keeps each layer's mean and 95%"
            + " CI (over samples), shown as bar and whisker. Layers the mapping could not measure have no bar.",
        List.of(p.svg(), l.svg(), e.svg()));
  }

  private static void fill(
      String total, double[][] p, double[] lat, double[] e, Optional<LayerSummary> l, int i) {
    var power = l.map(x -> x.powerMw().get(total)).orElse(null);
    if (l.isEmpty() || power == null) {
      p[0][i] = p[1][i] = p[2][i] = lat[i] = e[i] = Double.NaN;
      return;
    }
    p[0][i] = power.mean();
    p[1][i] = power.ci95Low();
    p[2][i] = power.ci95High();
    lat[i] = l.get().durationMsMean();
    Double energy = l.get().energyMj().get(total);
    e[i] = energy == null ? Double.NaN : energy;
  }

  /** The single layer a model name stands for ({@code NET-layerI}), if it is one. */
  private static Optional<ModelName.Layer> layerOf(String model) {
    return ModelName.parse(model)
        .filter(ModelName.Layer.class::isInstance)
        .map(ModelName.Layer.class::cast);
  }
}
