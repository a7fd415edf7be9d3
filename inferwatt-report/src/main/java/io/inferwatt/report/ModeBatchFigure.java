package io.inferwatt.report;

import static io.inferwatt.report.Style.*;

import io.inferwatt.report.StudyResults.Configuration;
import io.inferwatt.store.StudyInput;
import io.inferwatt.study.Models;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Fig. 7: sync vs async × batch, box plots of per-inference values. */
final class ModeBatchFigure {

  private ModeBatchFigure() {}

  static Figure build(ReportContext cx) {
    List<StudyInput.Slice> slices = cx.slices;
    Set<Integer> used = cx.used;
    String id = "fig7";
    String label = "Fig. 7";
    String title = "Synchronous vs asynchronous execution for different batch sizes";
    List<Configuration> cs = List.of();
    for (int i = 0; i < slices.size(); i++) {
      StudyInput.Slice s = slices.get(i);
      if (!used.contains(i)
          && new HashSet<>(s.factors()).equals(Set.of(Models.MODE, Models.BATCH))) {
        cs = new ArrayList<>(cx.members(s));
        used.add(i);
        break;
      }
    }
    if (cs.isEmpty()) {
      return Figure.absent(id, label, title, "the study has no grid over mode and batch");
    }
    cs.sort(
        Comparator.comparing((Configuration c) -> c.setting(Models.MODE).equals("sync") ? 0 : 1)
            .thenComparingInt(Configuration::batch));
    List<String> cats =
        cs.stream().map(c -> cap(c.setting(Models.MODE)) + " B" + c.batch()).toList();
    List<String> svgs = cx.boxPanels(cs, cats, "mode and batch");
    return Figure.of(
        id,
        label,
        title,
        boxNote()
            + " Latency and energy are divided by the batch (per input), as in the"
            + " paper.",
        svgs);
  }
}
