package io.inferwatt.fleet;

import io.inferwatt.store.RawSamples;
import io.inferwatt.store.RunDetails;
import io.inferwatt.store.RunInput;
import io.inferwatt.store.StudyInput;
import io.inferwatt.study.Expansion;
import io.inferwatt.study.Models;
import io.inferwatt.study.Plan;
import io.inferwatt.study.ProfileResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A measured profile as the base stores it, and a study as the base records it: the one conversion
 * that {@code profile}, {@code study run} and the fleet's agents share.
 */
public final class Results {
  private Results() {}

  /**
   * A profile as a stored run: its settings with the engine's (batch, mode, input, and threads
   * where chosen), the tool's version, {@code environment}, the analysis, the samples if kept and
   * the details.
   */
  public static RunInput runInput(
      ProfileResult r,
      Map<String, String> environment,
      Optional<RawSamples> samples,
      RunDetails details,
      String toolVersion) {
    Map<String, String> settings = new LinkedHashMap<>(r.settings());
    settings.put("batch", Integer.toString(r.workload().batch()));
    settings.put("mode", r.workload().mode().id());
    settings.put("input", r.workload().input().id());
    if (r.workload().threads() > 0) {
      // ONNX Runtime's intra-op threads where a plan or profile --threads chose them
      settings.put(Models.THREADS, Integer.toString(r.workload().threads()));
    }
    return new RunInput(
        r.board(),
        r.simulated(),
        r.workload().network().name(),
        settings,
        r.startedAt(),
        toolVersion,
        environment,
        r.analysis(),
        r.totalRail(),
        samples,
        details);
  }

  /** Per-inference records, the network's layer features and the logger's statistics of a run. */
  public static RunDetails details(ProfileResult r) {
    return RunDetails.of(r.timeline(), r.workload().network(), r.board());
  }

  /** The machine a run was measured on: OS and Java. */
  public static Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("os.name", System.getProperty("os.name"));
    env.put("os.version", System.getProperty("os.version"));
    env.put("os.arch", System.getProperty("os.arch"));
    env.put("java.version", System.getProperty("java.version"));
    return env;
  }

  /** The study row and slices of an expanded plan. */
  public static StudyInput studyInput(Expansion study) {
    Plan p = study.plan();
    List<StudyInput.Slice> slices =
        study.slices().stream()
            .map(s -> new StudyInput.Slice(s.label(), s.factors(), s.keys()))
            .toList();
    return new StudyInput(
        p.study(),
        p.board(),
        p.engine(),
        p.board().startsWith("sim:"),
        p.text(),
        study.configurations().size(),
        slices);
  }
}
