package io.inferwatt.cli;

import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.RawSamples;
import io.inferwatt.store.RunDetails;
import io.inferwatt.store.RunInput;
import io.inferwatt.study.ProfileResult;
import io.inferwatt.study.boards.LoggerCost;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The measurement base as the commands use it. */
final class Store implements AutoCloseable {
  private final MeasurementStore store;

  private Store(MeasurementStore store) {
    this.store = store;
  }

  static Store open(Path file) {
    return new Store(MeasurementStore.open(file));
  }

  MeasurementStore base() {
    return store;
  }

  /**
   * Stores a profile with what {@code keep} keeps of its recording; {@code notes} join the run's
   * environment (clock alignment, engine), and the power logger's own cost (dropped samples, CPU
   * time) joins the logger statistics that the recording's read times give.
   */
  long save(
      ProfileResult r, Map<String, String> notes, Optional<LoggerCost> loggerCost, KeepRaw keep) {
    RunDetails details = details(r);
    if (loggerCost.isPresent() && details.logger().isPresent()) {
      LoggerCost c = loggerCost.get();
      details =
          details.withLogger(details.logger().get().withCost(c.droppedSamples(), c.cpuPercent()));
    }
    Map<String, String> env = environment();
    env.putAll(notes);
    return store.saveRun(keep.apply(runInput(r, env, Optional.empty(), details), r));
  }

  /**
   * A profile as a stored run: its settings with the engine's (batch, mode, input), the tool's
   * version, {@code environment}, the analysis, the samples if kept and the details.
   */
  static RunInput runInput(
      ProfileResult r,
      Map<String, String> environment,
      Optional<RawSamples> samples,
      RunDetails details) {
    Map<String, String> settings = new LinkedHashMap<>(r.settings());
    settings.put("batch", Integer.toString(r.workload().batch()));
    settings.put("mode", r.workload().mode().id());
    settings.put("input", r.workload().input().id());
    return new RunInput(
        r.board(),
        r.simulated(),
        r.workload().network().name(),
        settings,
        r.startedAt(),
        Main.version(),
        environment,
        r.analysis(),
        r.totalRail(),
        samples,
        details);
  }

  /** Per-inference records, the network's layer features and the logger's statistics of a run. */
  static RunDetails details(ProfileResult r) {
    return RunDetails.of(r.timeline(), r.workload().network(), r.board());
  }

  static Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("os.name", System.getProperty("os.name"));
    env.put("os.version", System.getProperty("os.version"));
    env.put("os.arch", System.getProperty("os.arch"));
    env.put("java.version", System.getProperty("java.version"));
    return env;
  }

  @Override
  public void close() {
    store.close();
  }
}
