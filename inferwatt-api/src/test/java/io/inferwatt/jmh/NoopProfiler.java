package io.inferwatt.jmh;

import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;

/** A profiler that does nothing: the control for {@link ApiBench}'s profiler comparison. */
public final class NoopProfiler implements InternalProfiler {

  @Override
  public String getDescription() {
    return "does nothing (control)";
  }

  @Override
  public void beforeIteration(BenchmarkParams b, IterationParams i) {}

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams b, IterationParams i, IterationResult r) {
    return List.of();
  }
}
