package io.inferwatt.report;

import static io.inferwatt.report.Style.*;

import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import io.inferwatt.report.Chart.Series;
import io.inferwatt.report.StudyResults.Configuration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Fig. 3: energy per layer of the baseline configuration. */
final class LayerEnergyFigure {

  private LayerEnergyFigure() {}

  static Figure build(ReportContext cx) {
    Map<String, String> baseline = cx.baseline;
    Configuration baselineConfig = cx.baselineConfig;
    String id = "fig3";
    String label = "Fig. 3";
    String title = "Energy of single layers (baseline configuration)";
    if (baselineConfig == null) {
      return Figure.absent(id, label, title, "the study has no finished configuration");
    }
    long run = baselineConfig.row().runId();
    List<LayerSummary> ls = baselineConfig.run().result().layers();
    if (ls.stream().allMatch(l -> l.energyMj().isEmpty())) {
      return Figure.absent(
          id,
          label,
          title,
          "the baseline configuration has no layer results (asynchronous runs have none)");
    }
    Map<Integer, String> typeOf = new LinkedHashMap<>();
    Map<String, Map<Integer, Double>> energy = new LinkedHashMap<>();
    for (LayerSummary l : ls) {
      if (l.energyMj().isEmpty()) {
        continue;
      }
      typeOf.put(l.index(), l.type());
      for (String rail : baselineConfig.run().result().rails()) {
        Double e = l.energyMj().get(rail);
        if (e != null) {
          energy.computeIfAbsent(rail, k -> new HashMap<>()).put(l.index(), e);
        }
      }
    }
    List<Integer> idx = new ArrayList<>(typeOf.keySet());
    List<String> cats = idx.stream().map(String::valueOf).toList();
    List<String> svgs = new ArrayList<>();
    String shown = energy.containsKey(cx.total) ? cx.total : energy.keySet().iterator().next();
    Chart c =
        Chart.categorical(
                "Energy per layer, " + shown + " rail (run " + run + ")",
                "layer index",
                "energy per execution (mJ)",
                cats)
            .stacked()
            .width(900);
    for (String t : new LinkedHashSet<>(typeOf.values())) {
      double[] y = new double[idx.size()];
      for (int k = 0; k < idx.size(); k++) {
        y[k] =
            typeOf.get(idx.get(k)).equals(t)
                ? energy.get(shown).getOrDefault(idx.get(k), Double.NaN)
                : Double.NaN;
      }
      c.add(Series.bars(t, strongTypeColor(t), y));
    }
    svgs.add(c.svg());
    if (energy.containsKey("cpu") && energy.containsKey("gpu")) {
      Chart s =
          Chart.categorical(
                  "Energy per layer, CPU + GPU rails (stacked)",
                  "layer index",
                  "energy per execution (mJ)",
                  cats)
              .stacked()
              .width(900);
      for (String rail : List.of("gpu", "cpu")) {
        double[] y = new double[idx.size()];
        for (int k = 0; k < idx.size(); k++) {
          y[k] = energy.get(rail).getOrDefault(idx.get(k), Double.NaN);
        }
        s.add(Series.bars(rail + " rail", railColor(rail, 0), y));
      }
      svgs.add(s.svg());
    }
    return Figure.of(
        id,
        label,
        title,
        "Energy = mapped mean power × mean profiled duration of each layer (the paper's"
            + " definition), for the baseline configuration ("
            + esc(describe(baselineConfig))
            + "). Layers the mapping could not"
            + " measure have no bar. The per-layer table below has every number.",
        svgs);
  }
}
