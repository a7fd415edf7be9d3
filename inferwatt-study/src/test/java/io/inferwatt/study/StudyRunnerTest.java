package io.inferwatt.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.engines.sim.VirtualNano;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A study interrupted in the middle resumes and ends with every configuration exactly once. */
class StudyRunnerTest {
  private static final String PLAN =
      """
      study: r
      board: sim:nano
      protocol: {warmup: 1, cycles: 5, max_layer_cycles: 5, min_samples_per_layer: 1, idle: 5ms}
      sweeps:
        - name: cores
          vary: {cpu.cores: [1, 2, 3, 4]}
        - name: mb
          grid: {mode: [sync, async], batch: [1, 2]}
      """;

  /** A store in memory: keeps what it was given, like the measurement base. */
  static final class MemorySink implements StudyRunner.Sink {
    final Map<String, ProfileResult> stored = new LinkedHashMap<>();
    final List<String> order = new ArrayList<>();

    @Override
    public Set<String> begin(Expansion study) {
      return Set.copyOf(stored.keySet());
    }

    @Override
    public void finished(Expansion study, Configuration c, ProfileResult r) {
      if (stored.put(c.key(), r) != null) {
        throw new AssertionError("configuration " + c.key() + " measured twice");
      }
      order.add(c.key());
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aStudyWithAConfigurationTooLargeMeasuresNothing() {
    // a 999×999 kernel on 224×224: about 18 s per inference on the virtual Nano, so 5000 cycles per
    // phase take days and hold tens of millions of samples
    String plan =
        "study: big\nboard: sim:nano\nprotocol: {warmup: 1, cycles: 5000, max_layer_cycles: 5,"
            + " idle: 5ms}\nsweeps:\n  - name: k\n    vary: {model: [conv-k3-s1-c3x3-224x224,"
            + " conv-k999-s1-c3x16-224x224]}\n";
    VirtualNano nano = VirtualNano.create(3);
    Expansion e =
        Plans.expand(Plans.parse(plan, "big.yaml"), "sim:nano", List.of("sim"), nano.knobs());
    MemorySink sink = new MemorySink();
    List<String> started = new ArrayList<>();
    assertThatThrownBy(
            () ->
                StudyRunner.run(
                    nano,
                    e,
                    sink,
                    new StudyRunner.Listener() {
                      @Override
                      public void started(Configuration c, int done, int total) {
                        started.add(c.key());
                      }
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "study big: 1 of 2 configurations cannot be measured here, nothing was measured;"
                + " configuration 2/2 [k] "
                + e.configurations().get(1).key()
                + ": conv-k999-s1-c3x16-224x224 on sim:nano: the ")
        // memory or time first, by the heap this test runs in; either way the cycles are to blame
        .hasMessageContaining("lower the cycles (now 5000 per phase, 18.3 s each");
    assertThat(started).isEmpty();
    assertThat(sink.stored).isEmpty();
    // the dry run's check is the same one, and sums what a study that fits needs
    assertThatThrownBy(() -> StudyRunner.check(nano, e))
        .hasMessageStartingWith("study big: 1 of 2");
    Expansion small =
        Plans.expand(Plans.parse(PLAN, "r.yaml"), "sim:nano", List.of("sim"), nano.knobs());
    StudyRunner.Needs needs = StudyRunner.check(nano, small);
    assertThat(needs.durationKnown()).isTrue();
    double sum = 0;
    for (Configuration c : small.configurations()) {
      Map<String, String> knobs = new LinkedHashMap<>(c.settings());
      Models.ENGINE_KEYS.forEach(knobs::remove);
      sum +=
          Budget.estimate(
                  nano, Models.workload(c.settings()), knobs, small.plan().protocol(), false)
              .durationNs();
    }
    assertThat(needs.durationNs()).isEqualTo(sum);
  }

  @Test
  void anInterruptedStudyResumesWithTheFirstUnfinishedConfiguration() {
    VirtualNano nano = VirtualNano.create(3);
    Expansion e =
        Plans.expand(Plans.parse(PLAN, "r.yaml"), "sim:nano", List.of("sim"), nano.knobs());
    assertThat(e.configurations()).hasSize(7);
    MemorySink sink = new MemorySink();
    List<String> started = new ArrayList<>();
    StudyRunner.Listener crashAfterThree =
        new StudyRunner.Listener() {
          @Override
          public void started(Configuration c, int done, int total) {
            started.add(c.key());
          }

          @Override
          public void progress(String phase, long done, long total) {
            if (sink.stored.size() == 3 && phase.equals("power")) {
              throw new IllegalStateException("Ctrl-C");
            }
          }
        };
    assertThatThrownBy(() -> StudyRunner.run(nano, e, sink, crashAfterThree)).hasMessage("Ctrl-C");
    assertThat(sink.stored).hasSize(3);
    assertThat(started).hasSize(4);
    // the failed configuration restored the board
    assertThat(nano.knobs()).extracting(k -> k.read()).containsExactly("4", "1479000", "921600000");

    List<Integer> resumedAt = new ArrayList<>();
    StudyRunner.Summary s =
        StudyRunner.run(
            nano,
            e,
            sink,
            new StudyRunner.Listener() {
              @Override
              public void started(Configuration c, int done, int total) {
                resumedAt.add(c.index());
              }
            });
    assertThat(s).isEqualTo(new StudyRunner.Summary(7, 3, 4));
    assertThat(resumedAt).containsExactly(3, 4, 5, 6);
    assertThat(sink.order)
        .containsExactlyElementsOf(e.configurations().stream().map(Configuration::key).toList());
    // a third run measures nothing
    assertThat(StudyRunner.run(nano, e, sink, new StudyRunner.Listener() {}))
        .isEqualTo(new StudyRunner.Summary(7, 7, 0));
    ProfileResult async = sink.stored.get(e.configurations().get(5).key());
    assertThat(async.workload().mode().id()).isEqualTo("async");
    assertThat(async.settings()).containsEntry("cpu.cores", "4");
  }

  @Test
  void aShuffledPlanMeasuresEveryConfigurationOnceInItsSeedsOrderAndResumesInIt() {
    VirtualNano nano = VirtualNano.create(5);
    Expansion e = shuffled(nano);
    // the same configurations (keys and their order in the study) as the plan as written
    Expansion written =
        Plans.expand(
            Plans.parse(PLAN.replace("board: sim:nano", "board: sim:nano\nseed: 5"), "r.yaml"),
            "sim:nano",
            List.of("sim"),
            nano.knobs());
    assertThat(e.configurations()).isEqualTo(written.configurations());
    List<String> asWritten = e.configurations().stream().map(Configuration::key).toList();

    MemorySink sink = new MemorySink();
    StudyRunner.Listener stopAfterTwo =
        new StudyRunner.Listener() {
          @Override
          public void progress(String phase, long done, long total) {
            if (sink.stored.size() == 2 && phase.equals("power")) {
              throw new IllegalStateException("Ctrl-C");
            }
          }
        };
    assertThatThrownBy(() -> StudyRunner.run(nano, e, sink, stopAfterTwo)).hasMessage("Ctrl-C");
    StudyRunner.run(nano, e, sink, new StudyRunner.Listener() {});
    // every configuration once, not in the written order, and in the order the seed draws on
    // every run: the resumed study went on where the first stopped
    List<String> drawn = StudyRunner.measuringOrder(e).stream().map(Configuration::key).toList();
    assertThat(sink.order).containsExactlyElementsOf(drawn);
    assertThat(sink.order).containsExactlyInAnyOrderElementsOf(asWritten);
    assertThat(sink.order).isNotEqualTo(asWritten);
    assertThat(StudyRunner.measuringOrder(e)).isEqualTo(StudyRunner.measuringOrder(e));
  }

  @Test
  void aLimitMeasuresTheFirstUnfinishedConfigurationsOfTheOrderAndTheNextRunTheRest() {
    VirtualNano nano = VirtualNano.create(5);
    Expansion e = shuffled(nano);
    List<String> drawn = StudyRunner.measuringOrder(e).stream().map(Configuration::key).toList();
    MemorySink sink = new MemorySink();
    StudyRunner.Listener quiet = new StudyRunner.Listener() {};

    assertThat(StudyRunner.run(nano, e, sink, quiet, 3))
        .isEqualTo(new StudyRunner.Summary(7, 0, 3));
    assertThat(sink.order).containsExactlyElementsOf(drawn.subList(0, 3));
    assertThat(StudyRunner.run(nano, e, sink, quiet, 3))
        .isEqualTo(new StudyRunner.Summary(7, 3, 3));
    assertThat(StudyRunner.run(nano, e, sink, quiet, 3))
        .isEqualTo(new StudyRunner.Summary(7, 6, 1));
    assertThat(sink.order).containsExactlyElementsOf(drawn);
    assertThatThrownBy(() -> StudyRunner.run(nano, e, sink, quiet, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * {@link #PLAN} measured in the order its seed 5 draws ({@code order: shuffled}) on {@code nano}.
   */
  private static Expansion shuffled(VirtualNano nano) {
    String text = PLAN.replace("board: sim:nano", "board: sim:nano\norder: shuffled\nseed: 5");
    return Plans.expand(Plans.parse(text, "r.yaml"), "sim:nano", List.of("sim"), nano.knobs());
  }
}
