package io.inferwatt.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/** A small CPU-bound benchmark for the profiler's tests and its overhead comparison. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SpinBenchmark {

  double x = 1.0001;

  @Benchmark
  public void spin(Blackhole bh) {
    double y = x;
    for (int i = 0; i < 200; i++) {
      y = y * 1.0000001 + 1e-9;
    }
    bh.consume(y);
  }
}
