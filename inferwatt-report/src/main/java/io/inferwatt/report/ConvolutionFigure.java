package io.inferwatt.report;

import static io.inferwatt.report.Style.*;

import io.inferwatt.core.model.ModelName;
import io.inferwatt.report.Chart.Box;
import io.inferwatt.report.Chart.Series;
import io.inferwatt.report.StudyResults.Configuration;
import io.inferwatt.study.Models;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Fig. 11: one convolution, kernel / stride / output channels. */
final class ConvolutionFigure {

  private ConvolutionFigure() {}

  static Figure build(ReportContext cx) {
    String total = cx.total;
    String id = "fig11";
    String label = "Fig. 11";
    String title = "Power of a convolution vs kernel size, stride and output channels";
    List<String> svgs = new ArrayList<>();
    String[] names = {
      "kernel size (pixels)",
      "stride (pixels)",
      "input channels",
      "output channels",
      "height (pixels)",
      "width (pixels)"
    };
    while (true) {
      List<Configuration> cs =
          cx.slice(Models.MODEL, l -> l.stream().allMatch(c -> conv(c.model()).isPresent()));
      if (cs.isEmpty()) {
        break;
      }
      int varies = -1;
      List<int[]> params = new ArrayList<>();
      for (Configuration c : cs) {
        ModelName.Conv k = conv(c.model()).orElseThrow();
        params.add(
            new int[] {
              k.kernel(), k.stride(), k.inChannels(), k.outChannels(), k.height(), k.width()
            });
      }
      for (int g = 0; g < 6 && varies < 0; g++) {
        for (int[] v : params) {
          if (v[g] != params.get(0)[g]) {
            varies = g;
            break;
          }
        }
      }
      int g = Math.max(0, varies);
      List<String> cats = new ArrayList<>();
      Box[] boxes = new Box[cs.size()];
      for (int i = 0; i < cs.size(); i++) {
        int[] v = params.get(i);
        cats.add(g == 0 || g == 1 ? v[g] + "×" + v[g] : Integer.toString(v[g]));
        boxes[i] = Box.of(cx.dist(cs.get(i)).powerMw());
      }
      svgs.add(
          Chart.categorical(
                  "Power vs " + names[g].replaceFirst(" \\(.*", ""), names[g], "power (mW)", cats)
              .add(Series.boxes("power (" + total + " rail) per inference", IN_COLOR, boxes))
              .svg());
    }
    if (svgs.isEmpty()) {
      return Figure.absent(
          id,
          label,
          title,
          "the study has no single-convolution networks (conv-kK-sS-cINxOUT-HxW)");
    }
    return Figure.of(
        id,
        label,
        title,
        "One convolution at 3×224×224 input; the rest of each sweep at kernel 1×1,"
            + " stride 1, 3 output channels. "
            + boxNote()
            + " These inferences last about one sample period or less, so"
            + " each holds 0–2 samples, some of them from the gap between inferences or the input reformat: the boxes are"
            + " wide and the mean sits below the median.",
        svgs);
  }

  /** The convolution a model name stands for ({@code conv-kK-sS-cINxOUT-HxW}), if it is one. */
  private static Optional<ModelName.Conv> conv(String model) {
    return ModelName.parse(model)
        .filter(ModelName.Conv.class::isInstance)
        .map(ModelName.Conv.class::cast);
  }
}
