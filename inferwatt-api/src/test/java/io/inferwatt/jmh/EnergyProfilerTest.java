package io.inferwatt.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.inferwatt.api.FakeNano;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

class EnergyProfilerTest {

  @TempDir Path root;

  @Test
  void aRealJmhRunGetsPowerAndEnergyPerOpPerRail() throws Exception {
    FakeNano.write(root, 2300, 400, 700);
    Options opt =
        new OptionsBuilder()
            .include(SpinBenchmark.class.getName() + ".spin")
            .forks(0)
            .warmupIterations(1)
            .warmupTime(TimeValue.milliseconds(100))
            .measurementIterations(2)
            .measurementTime(TimeValue.milliseconds(300))
            .addProfiler(EnergyProfiler.class, "root=" + root)
            .shouldFailOnError(true)
            .build();
    Collection<RunResult> results = new Runner(opt).run();
    assertThat(results).hasSize(1);
    RunResult r = results.iterator().next();
    Map<String, Result> secondary = r.getAggregatedResult().getSecondaryResults();
    assertThat(secondary)
        .containsKeys(
            "·energy.in.power", "·energy.in.perOp", "·energy.gpu.power", "·energy.cpu.perOp");
    assertThat(secondary.get("·energy.in.power").getScore()).isCloseTo(2300, within(5.0));
    assertThat(secondary.get("·energy.in.power").getScoreUnit()).isEqualTo("mW");
    assertThat(secondary.get("·energy.in.perOp").getScoreUnit()).isEqualTo("mJ/op");
    // per iteration: energy per op = power / throughput = 2300 mW / (ops per ms * 1000), in mJ
    for (IterationResult it : r.getBenchmarkResults().iterator().next().getIterationResults()) {
      double opsPerMs = it.getPrimaryResult().getScore();
      double expected = 2300.0 / (opsPerMs * 1000.0);
      assertThat(it.getSecondaryResults().get("·energy.in.perOp").getScore())
          .isCloseTo(expected, within(expected * 0.1));
    }
  }

  @Test
  void aRealJmhRunOnTheVirtualBoardGetsSimulatedResultsLabelledSo() throws Exception {
    Options opt =
        new OptionsBuilder()
            .include(SpinBenchmark.class.getName() + ".spin")
            .forks(0)
            .warmupIterations(1)
            .warmupTime(TimeValue.milliseconds(100))
            .measurementIterations(2)
            .measurementTime(TimeValue.milliseconds(300))
            .addProfiler(EnergyProfiler.class, "board=sim:nano")
            .shouldFailOnError(true)
            .build();
    RunResult r = new Runner(opt).run().iterator().next();
    Map<String, Result> secondary = r.getAggregatedResult().getSecondaryResults();
    assertThat(secondary)
        .containsKeys(
            "·energy.in.power[simulated]",
            "·energy.in.perOp[simulated]",
            "·energy.gpu.power[simulated]",
            "·energy.cpu.perOp[simulated]")
        .doesNotContainKey("·energy.in.power");
    double inMw = secondary.get("·energy.in.power[simulated]").getScore();
    assertThat(inMw).isGreaterThan(secondary.get("·energy.gpu.power[simulated]").getScore());
    assertThat(inMw).isGreaterThan(500);
    for (IterationResult it : r.getBenchmarkResults().iterator().next().getIterationResults()) {
      double opsPerMs = it.getPrimaryResult().getScore();
      double power = it.getSecondaryResults().get("·energy.in.power[simulated]").getScore();
      double expected = power / (opsPerMs * 1000.0);
      assertThat(it.getSecondaryResults().get("·energy.in.perOp[simulated]").getScore())
          .isCloseTo(expected, within(expected * 0.1));
    }
  }

  @Test
  void anUnknownOptionIsRefusedWithTheKnownOnes() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new EnergyProfiler("rot=/x"))
        .hasMessageContaining("unknown option 'rot=/x'")
        .hasMessageContaining("root=DIR")
        .hasMessageContaining("board=NAME");
  }
}
