package io.inferwatt.report;

import static io.inferwatt.report.Style.*;

import io.inferwatt.report.Chart.Series;
import io.inferwatt.report.StudyResults.Configuration;
import java.util.ArrayList;
import java.util.List;

/** Figs. 4–6: one factor of the hardware swept, three panels. */
final class SweepFigure {

  private SweepFigure() {}

  static Figure build(ReportContext cx, String id, String label, String title, String factor) {
    String total = cx.total;
    List<Configuration> cs = cx.slice(factor, x -> true);
    if (cs.isEmpty()) {
      return Figure.absent(id, label, title, "the study does not sweep " + factor);
    }
    List<String> cats = cs.stream().map(c -> pretty(factor, c.setting(factor))).toList();
    String x = axis(factor);
    List<String> svgs = new ArrayList<>();
    String note;
    if (factor.equals("cpu.freq_khz")) {
      Chart p =
          Chart.categorical("CPU + GPU power (stacked)", x, "power (mW)", cats)
              .stacked()
              .add(
                  Series.bars(
                      "gpu rail",
                      GPU_COLOR,
                      cs.stream().mapToDouble(c -> c.power("gpu")).toArray()))
              .add(
                  Series.bars(
                      "cpu rail",
                      CPU_COLOR,
                      cs.stream().mapToDouble(c -> c.power("cpu")).toArray()));
      svgs.add(p.svg());
      svgs.add(cx.latencyChart(cs, cats, x));
      svgs.add(cx.energyChart(cs, cats, x, List.of(total)));
      note =
          "Power of the CPU and GPU rails stacked (their sum is what the paper's Fig. 5 stacks); latency per"
              + " inference with its p95 as the upper whisker; energy per inference of the total rail.";
    } else if (factor.equals("gpu.freq_hz")) {
      Chart p =
          Chart.categorical("GPU and CPU power", x, "power (mW)", cats)
              .fromZero()
              .add(cx.line("gpu rail", GPU_COLOR, cs, "gpu"))
              .add(cx.line("cpu rail", CPU_COLOR, cs, "cpu"));
      svgs.add(p.svg());
      svgs.add(cx.latencyChart(cs, cats, x));
      svgs.add(cx.energyChart(cs, cats, x, List.of("gpu", total)));
      note =
          "GPU and CPU rail power with 95% CIs; latency per inference (whisker: p95); energy per inference of"
              + " the GPU rail (the paper's GPU energy) and of the total rail.";
    } else {
      Chart p =
          Chart.categorical("Power (" + total + " rail)", x, "power (mW)", cats)
              .add(cx.line(total + " rail", IN_COLOR, cs, total));
      svgs.add(p.svg());
      svgs.add(cx.energyChart(cs, cats, x, List.of(total)));
      svgs.add(cx.latencyChart(cs, cats, x));
      note =
          "Mean power of the total rail with its 95% CI (from the spread of per-inference means), energy per"
              + " inference (mean power × mean latency) and latency per inference (whisker: p95).";
    }
    return Figure.of(id, label, title, note, svgs);
  }
}
