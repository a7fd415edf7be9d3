package io.inferwatt.jmh;

import io.inferwatt.api.Measurement;
import io.inferwatt.api.MeterOptions;
import io.inferwatt.api.PowerMeter;
import io.inferwatt.api.RailEstimate;
import io.inferwatt.api.Window;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.profile.ProfilerException;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that measures every iteration in an inferwatt window and adds, per power rail, the
 * mean power ({@code ·energy.RAIL.power}, mW) and the energy per operation ({@code
 * ·energy.RAIL.perOp}, mJ/op): {@code -prof io.inferwatt.jmh.EnergyProfiler}. The sensors are this
 * machine's, or those under {@code $INFERWATT_SYSFS_ROOT}, or under the option {@code root=DIR}
 * ({@code -prof "io.inferwatt.jmh.EnergyProfiler:root=/tmp/sys"}); or a board of inferwatt's
 * registry named by {@code $INFERWATT_BOARD} or the option {@code board=NAME} ({@code
 * board=sim:nano}, the virtual Jetson Nano, with {@code inferwatt-study} on the class path), whose
 * results are labelled {@code [simulated]} ({@code ·energy.in.power[simulated]}). Options are
 * separated by {@code ;}. The power logger runs on its own thread for the whole run; the profiler
 * itself only takes two time stamps per iteration.
 */
public final class EnergyProfiler implements InternalProfiler {

  private final MeterOptions options;
  private PowerMeter meter;
  private Window window;
  private String tag = "";

  /** With the default sensors. */
  public EnergyProfiler() throws ProfilerException {
    this("");
  }

  /**
   * With options {@code root=DIR} (the sysfs root) and {@code board=NAME}, separated by {@code ;}.
   */
  public EnergyProfiler(String initLine) throws ProfilerException {
    MeterOptions o = MeterOptions.defaults().withJfr(false);
    for (String part : initLine == null ? new String[0] : initLine.split(";")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      if (p.startsWith("root=")) {
        o = o.withRoot(Path.of(p.substring(5)));
      } else if (p.startsWith("board=") && p.length() > 6) {
        o = o.withBoard(p.substring(6));
      } else {
        throw new ProfilerException(
            "EnergyProfiler: unknown option '" + p + "'; the options are root=DIR and board=NAME");
      }
    }
    options = o;
  }

  @Override
  public String getDescription() {
    return "inferwatt: mean power (mW) and energy per operation (mJ/op) per power rail"
        + " (options: root=DIR; board=NAME)";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    if (meter == null) {
      meter = PowerMeter.open(options);
      tag = meter.simulated() ? "[simulated]" : "";
      Runtime.getRuntime().addShutdownHook(new Thread(meter::close, "inferwatt-jmh-close"));
    }
    window = meter.window(benchmarkParams.getBenchmark());
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    Window w = window;
    window = null;
    if (w == null) {
      return List.of();
    }
    w.close();
    Measurement m = w.measurement();
    long ops = result.getMetadata() == null ? 0 : result.getMetadata().getMeasuredOps();
    List<Result> out = new ArrayList<>();
    for (Map.Entry<String, RailEstimate> e : m.rails().entrySet()) {
      RailEstimate r = e.getValue();
      out.add(
          new ScalarResult(
              "·energy." + e.getKey() + ".power" + tag,
              r.meanPowerMw(),
              "mW",
              AggregationPolicy.AVG));
      if (ops > 0) {
        out.add(
            new ScalarResult(
                "·energy." + e.getKey() + ".perOp" + tag,
                r.energyMj() / ops,
                "mJ/op",
                AggregationPolicy.AVG));
      }
    }
    return out;
  }
}
