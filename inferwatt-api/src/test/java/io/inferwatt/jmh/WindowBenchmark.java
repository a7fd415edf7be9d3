package io.inferwatt.jmh;

import io.inferwatt.api.MeterOptions;
import io.inferwatt.api.PowerMeter;
import io.inferwatt.api.Window;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of opening and closing one window (benchmark, not a test): {@code java -cp ...
 * io.inferwatt.jmh.ApiBench window}. The sysfs root comes from the parameter {@code root}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WindowBenchmark {

  @Param("")
  public String root;

  PowerMeter meter;

  @Setup
  public void open() {
    meter = PowerMeter.open(MeterOptions.defaults().withRoot(Path.of(root)).withJfr(true));
  }

  @TearDown
  public void close() {
    meter.close();
  }

  @Benchmark
  public Window openAndClose() {
    Window w = meter.window("w");
    w.close();
    return w;
  }
}
