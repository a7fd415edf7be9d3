package io.inferwatt.cli;

import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.RawSamples;
import io.inferwatt.store.RunDetails;
import io.inferwatt.store.RunInput;
import io.inferwatt.study.ProfileResult;
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

  /** Stores a profile with its raw samples (on by default for {@code profile}). */
  long save(ProfileResult r) {
    return save(r, Map.of());
  }

  /** Stores a profile; {@code notes} join the run's environment (clock alignment, engine). */
  long save(ProfileResult r, Map<String, String> notes) {
    return save(r, notes, Optional.empty());
  }

  /**
   * Stores a profile with the power logger's own cost (dropped samples, CPU time) added to the
   * logger statistics that the recording's read times give.
   */
  long save(ProfileResult r, Map<String, String> notes, Optional<LoggerFeed.Cost> loggerCost) {
    RunDetails details = details(r);
    if (loggerCost.isPresent() && details.logger().isPresent()) {
      RunDetails.LoggerStats s = details.logger().get();
      LoggerFeed.Cost c = loggerCost.get();
      details =
          details.withLogger(
              new RunDetails.LoggerStats(
                  s.source(),
                  s.samples(),
                  s.periodMsMedian(),
                  s.periodMsP99(),
                  s.periodMsMax(),
                  s.readMsMean(),
                  s.readMsP99(),
                  s.readMsMax(),
                  c.droppedSamples(),
                  c.cpuPercent(),
                  s.overheadPowerMw()));
    }
    return saveWith(r, notes, details);
  }

  private long saveWith(ProfileResult r, Map<String, String> notes, RunDetails details) {
    Map<String, String> settings = new LinkedHashMap<>(r.settings());
    settings.put("batch", Integer.toString(r.workload().batch()));
    settings.put("mode", r.workload().mode().id());
    settings.put("input", r.workload().input().id());
    return store.saveRun(
        new RunInput(
            r.board(),
            r.simulated(),
            r.workload().network().name(),
            settings,
            r.startedAt(),
            Main.version(),
            withNotes(notes),
            r.analysis(),
            Optional.of(RawSamples.of(r.timeline())),
            details));
  }

  /** Per-inference records, the network's layer features and the logger's statistics of a run. */
  static RunDetails details(ProfileResult r) {
    return RunDetails.of(r.timeline(), r.workload().network(), r.board());
  }

  private static Map<String, String> withNotes(Map<String, String> notes) {
    Map<String, String> env = environment();
    env.putAll(notes);
    return env;
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
