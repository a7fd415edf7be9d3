package io.inferwatt.study;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferwatt.engines.sim.VirtualNano;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The built-in paper study on the virtual Nano reproduces the paper's Table I. */
class PaperStudyTest {

  @Test
  void tableOne() {
    VirtualNano nano = VirtualNano.create(1);
    Plan plan = PaperStudy.plan("sim:nano");
    Expansion ex = Plans.expand(plan, "sim:nano", List.of("sim"), nano.knobs());
    Map<String, Outcome> out = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    StudyRunner.run(nano, ex, new StudyRunner.Sink() {
      @Override
      public Set<String> begin(Expansion study) {
        return Set.of();
      }

      @Override
      public void finished(Expansion study, Configuration c, ProfileResult r) {
        out.put(c.key(), Outcome.of(c.key(), c.settings(), r.analysis()));
      }
    }, new StudyRunner.Listener() {});
    System.out.println("configs " + ex.configurations().size() + " in " + (System.nanoTime() - t0) / 1e9 + " s");
    Optima.Result r = Optima.compute(ex, out, 0.02);
    r.overall().forEach((k, v) -> System.out.println(k + " " + v));
    for (Optima.SliceOptima s : r.slices()) {
      System.out.println(s);
    }
    for (Outcome o : out.values()) {
      System.out.println(o);
    }
  }
}
