package io.inferwatt.store;

import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.AnalysisResult.LayerSummary;
import io.inferwatt.core.analysis.AnalysisResult.PhaseSummary;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks a run against what the schema cannot express, before anything is written. */
final class RunChecks {
  private RunChecks() {}

  /** Refuses a run whose rails are not unique or whose values name a rail it does not have. */
  static void validate(RunInput run) {
    AnalysisResult r = run.result();
    Set<String> rails = new HashSet<>(r.rails());
    if (rails.size() != r.rails().size()) {
      throw new IllegalArgumentException("the run's rails are not unique: " + r.rails());
    }
    if (!run.totalRail().isEmpty() && !rails.contains(run.totalRail())) {
      throw new IllegalArgumentException(
          "the run's total rail '" + run.totalRail() + "' is not one of its rails " + r.rails());
    }
    checkRails("inference power", r.inferences().powerMw(), rails, r.rails());
    checkRails("inference energy", r.inferences().energyMj(), rails, r.rails());
    checkRails("inference energy (paper)", r.inferences().energyMjPaper(), rails, r.rails());
    checkRails("idle power", r.idlePowerMw(), rails, r.rails());
    checkRails("unattributed power", r.unattributed().powerMw(), rails, r.rails());
    Set<Integer> indices = new HashSet<>();
    for (LayerSummary l : r.layers()) {
      if (!indices.add(l.index())) {
        throw new IllegalArgumentException(
            "layer index " + l.index() + " (" + l.name() + ") appears twice in the run's layers");
      }
      String what = "layer " + l.index() + " (" + l.name() + ")";
      checkRails(what + " power", l.powerMw(), rails, r.rails());
      checkRails(what + " energy", l.energyMj(), rails, r.rails());
    }
    for (PhaseSummary p : r.phases()) {
      checkRails("phase " + p.name() + " energy", p.energyMj(), rails, r.rails());
      checkRails("phase " + p.name() + " power", p.powerMwMean(), rails, r.rails());
    }
  }

  private static void checkRails(
      String what, Map<String, ?> values, Set<String> rails, List<String> railList) {
    for (String rail : values.keySet()) {
      if (!rails.contains(rail)) {
        throw new IllegalArgumentException(
            what
                + " has a value for rail '"
                + rail
                + "', which is not one of the run's rails "
                + railList);
      }
    }
  }
}
