package io.inferwatt.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.core.analysis.Calibration;
import io.inferwatt.study.ProfileResult;
import java.io.PrintWriter;
import java.util.List;

/**
 * What {@code profile} prints on stdout for one measured configuration, as text or JSON: the
 * workload and settings, the calibration applied, the analysis, what the board's truth and energy
 * counter add ({@link TruthReport}) and where the run is stored.
 *
 * @param out stdout
 * @param json JSON instead of text
 * @param verbose every per-layer warning instead of their summary (text only)
 * @param base the measurement base, as the user named it
 */
record ProfileOutput(PrintWriter out, boolean json, boolean verbose, String base) {

  /**
   * Prints one run.
   *
   * @param runId the stored run, or null when it was not stored
   * @param cal the calibration applied to the readings (empty: none)
   */
  void print(ProfileResult r, Long runId, TruthReport extra, List<Calibration.RailFit> cal)
      throws Exception {
    if (json) {
      ObjectNode o = JsonReport.analysis(r.analysis());
      if (cal.isEmpty()) {
        o.putNull("calibrated");
      } else {
        ObjectNode c = o.putObject("calibrated");
        for (Calibration.RailFit f : cal) {
          ObjectNode n = c.putObject(f.rail());
          JsonReport.num(n, "gain", f.gain());
          JsonReport.num(n, "offset_mw", f.offsetMw());
        }
      }
      o.put("board", r.board());
      o.put("model", r.workload().network().name());
      ObjectNode s = o.putObject("settings");
      r.settings().forEach(s::put);
      s.put("batch", r.workload().batch());
      s.put("mode", r.workload().mode().id());
      s.put("input", r.workload().input().id());
      extra.json(o);
      if (runId != null) {
        o.put("run_id", runId);
      } else {
        o.putNull("run_id");
      }
      out.println(JsonReport.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o));
      return;
    }
    TextReport text = new TextReport(out, r.simulated(), verbose);
    text.line(
        "inferwatt profile: board %s%s, model %s, batch %d, %s, input %s",
        r.board(),
        r.simulated() ? " (virtual board: all numbers are simulated)" : "",
        r.workload().network().name(),
        r.workload().batch(),
        r.workload().mode().id(),
        r.workload().input().id());
    StringBuilder sb = new StringBuilder();
    r.settings()
        .forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "  ").append(k).append('=').append(v));
    text.line("settings: %s", sb.length() == 0 ? "(none: this board exposes no knobs yet)" : sb);
    for (Calibration.RailFit f : cal) {
      text.line(
          "calibrated: rail %s corrected as (reading - %.1f mW) / %.4f (the base's newest"
              + " calibration of this board)",
          f.rail(), f.offsetMw(), f.gain());
    }
    text.analysis(r.analysis());
    extra.text(text);
    if (runId != null) {
      text.line("stored as run %d in %s", runId, base);
    }
  }
}
