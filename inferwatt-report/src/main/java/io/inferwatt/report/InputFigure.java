package io.inferwatt.report;

import static io.inferwatt.report.Style.*;

import io.inferwatt.report.StudyResults.Configuration;
import io.inferwatt.study.Models;
import java.util.List;

/** Fig. 9: input kinds. */
final class InputFigure {

  private InputFigure() {}

  static Figure build(ReportContext cx) {
    String id = "fig9";
    String label = "Fig. 9";
    String title = "Effect of the input on power";
    List<Configuration> cs = cx.slice(Models.INPUT, l -> true);
    if (cs.isEmpty()) {
      return Figure.absent(id, label, title, "the study does not sweep the input");
    }
    List<String> cats = cs.stream().map(c -> c.setting(Models.INPUT)).toList();
    return Figure.of(id, label, title, boxNote(), cx.boxPanels(cs, cats, "input"));
  }
}
