package io.inferwatt.fleet;

import io.inferwatt.study.Configuration;
import io.inferwatt.study.Expansion;
import io.inferwatt.study.Plan;
import io.inferwatt.study.Plans;
import io.inferwatt.study.ProfileResult;
import io.inferwatt.study.StudyRunner;
import io.inferwatt.study.boards.Boards;
import io.inferwatt.study.boards.StudyBoard;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Small studies measured on the virtual Nano, for the tests. */
final class SimRuns {
  private SimRuns() {}

  static String plan(String study, int cores) {
    StringBuilder vary = new StringBuilder();
    for (int i = 1; i <= cores; i++) {
      vary.append(i == 1 ? "" : ", ").append(i);
    }
    return """
        study: %s
        board: sim:nano
        engine: sim
        seed: 3
        protocol: {warmup: 1, cycles: 10, max_layer_cycles: 10, min_samples_per_layer: 2, idle: 10ms}
        baseline: {model: mobilenetv2, cpu.cores: 4}
        sweeps:
          - name: cores
            vary: {cpu.cores: [%s]}
          - name: clocks
            vary: {cpu.freq_khz: [102000, 307200, 1479000]}
        """
        .formatted(study, vary);
  }

  record Measured(Expansion study, List<Configuration> configs, List<ProfileResult> results) {}

  static Measured measure(String planText) {
    Plan plan = Plans.parse(planText, "test plan");
    List<Configuration> cs = new ArrayList<>();
    List<ProfileResult> rs = new ArrayList<>();
    try (StudyBoard board = Boards.openStudy(plan, null, false, l -> {})) {
      Expansion ex = Plans.expand(plan, board.name(), board.engines(), board.knobs());
      StudyRunner.run(
          board.recorder(),
          ex,
          new StudyRunner.Sink() {
            @Override
            public Set<String> begin(Expansion study) {
              return Set.of();
            }

            @Override
            public void finished(Expansion study, Configuration c, ProfileResult r) {
              cs.add(c);
              rs.add(r);
            }
          },
          new StudyRunner.Listener() {});
      return new Measured(ex, cs, rs);
    }
  }
}
