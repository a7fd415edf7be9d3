package io.inferwatt.report;

import static io.inferwatt.report.Style.*;

import io.inferwatt.report.Chart.Series;
import io.inferwatt.report.StudyResults.Configuration;
import io.inferwatt.study.Models;
import java.util.List;

/** Fig. 8: power over latency per network. */
final class NetworksFigure {

  private NetworksFigure() {}

  static Figure build(ReportContext cx) {
    String total = cx.total;
    String id = "fig8";
    String label = "Fig. 8";
    String title = "Power over latency of different networks";
    List<Configuration> cs =
        cx.slice(Models.MODEL, l -> l.stream().noneMatch(c -> c.model().contains("-")));
    if (cs.isEmpty()) {
      return Figure.absent(id, label, title, "the study does not sweep whole networks");
    }
    Chart c =
        Chart.numeric("Power vs latency per network", "latency per inference (ms)", "power (mW)");
    for (int i = 0; i < cs.size(); i++) {
      Configuration k = cs.get(i);
      c.add(
          Series.xyPoints(
              k.model(),
              Chart.PALETTE[i % Chart.PALETTE.length],
              new double[] {k.row().latencyMsMean()},
              new double[] {k.power(total)},
              new String[] {k.model()}));
    }
    List<String> cats = cs.stream().map(Configuration::model).toList();
    Chart e =
        Chart.categorical("Energy per inference per network", "network", "energy (mJ)", cats)
            .add(
                Series.bars(
                    total + " rail",
                    "#b07aa1",
                    cs.stream().mapToDouble(k -> k.energyPerInput(total)).toArray()));
    return Figure.of(
        id,
        label,
        title,
        "One point per network: mean latency (latency phase) and mean power of the total"
            + " rail (power phase). Right: energy per inference.",
        List.of(c.svg(), e.svg()));
  }
}
