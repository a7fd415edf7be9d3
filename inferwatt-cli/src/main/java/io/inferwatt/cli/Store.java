package io.inferwatt.cli;

import io.inferwatt.fleet.Results;
import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.RawSamples;
import io.inferwatt.store.RunDetails;
import io.inferwatt.store.RunInput;
import io.inferwatt.study.ProfileResult;
import io.inferwatt.study.boards.LoggerCost;
import java.nio.file.Path;
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

  static Store of(MeasurementStore store) {
    return new Store(store);
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
   * A profile as a stored run: its settings with the engine's (batch, mode, input, threads where
   * chosen), the tool's version, {@code environment}, the analysis, the samples if kept and the
   * details.
   */
  static RunInput runInput(
      ProfileResult r,
      Map<String, String> environment,
      Optional<RawSamples> samples,
      RunDetails details) {
    return Results.runInput(r, environment, samples, details, Main.version());
  }

  /** Per-inference records, the network's layer features and the logger's statistics of a run. */
  static RunDetails details(ProfileResult r) {
    return Results.details(r);
  }

  static Map<String, String> environment() {
    return Results.environment();
  }

  @Override
  public void close() {
    store.close();
  }
}
