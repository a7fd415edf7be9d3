package io.inferwatt.report;

import static io.inferwatt.report.Style.*;

import io.inferwatt.report.Chart.Series;
import io.inferwatt.report.StudyResults.Configuration;
import io.inferwatt.store.StudyInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Slices no paper figure drew: power, latency and energy vs their values, one figure each. */
final class OtherSlicesFigure {

  private OtherSlicesFigure() {}

  static List<Figure> build(ReportContext cx) {
    List<StudyInput.Slice> slices = cx.slices;
    String total = cx.total;
    Set<Integer> used = cx.used;
    List<Figure> out = new ArrayList<>();
    int n = 0;
    for (int i = 0; i < slices.size(); i++) {
      if (used.contains(i)) {
        continue;
      }
      StudyInput.Slice s = slices.get(i);
      List<Configuration> cs = cx.members(s);
      if (cs.size() < 2) {
        continue;
      }
      n++;
      List<String> cats =
          cs.stream()
              .map(
                  c ->
                      String.join(
                          " ",
                          s.factors().stream()
                              .map(
                                  f ->
                                      s.factors().size() == 1
                                          ? pretty(f, c.setting(f))
                                          : f + "=" + pretty(f, c.setting(f)))
                              .toList()))
              .toList();
      String x =
          s.factors().size() == 1 ? axis(s.factors().get(0)) : String.join(", ", s.factors());
      Chart p =
          Chart.categorical("Power (" + total + " rail)", x, "power (mW)", cats)
              .add(cx.line(total + " rail", IN_COLOR, cs, total));
      Chart e =
          Chart.categorical("Energy per input", x, "energy per input (mJ)", cats)
              .fromZero()
              .add(
                  Series.line(
                      total + " rail",
                      "#b07aa1",
                      cs.stream().mapToDouble(k -> k.energyPerInput(total)).toArray()));
      Chart l =
          Chart.categorical("Latency per input", x, "latency per input (ms)", cats)
              .fromZero()
              .add(
                  Series.line(
                      "mean",
                      "#e15759",
                      cs.stream().mapToDouble(Configuration::latencyPerInput).toArray()));
      out.add(
          Figure.of(
              "slice" + i,
              "Sweep " + s.label(),
              "power, latency and energy",
              "A sweep of this study that" + " no figure of the paper draws.",
              List.of(p.svg(), e.svg(), l.svg())));
    }
    return out;
  }
}
