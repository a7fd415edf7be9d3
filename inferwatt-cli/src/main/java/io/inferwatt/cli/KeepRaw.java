package io.inferwatt.cli;

import io.inferwatt.store.RawSamples;
import io.inferwatt.store.RunDetails;
import io.inferwatt.store.RunInput;
import io.inferwatt.study.ProfileResult;

/**
 * What a stored run keeps beyond its results ({@code --keep-raw}): {@code all} its whole recording
 * (raw power samples and every inference, layer and phase event, so that Fig. 2 and {@code
 * inferwatt reanalyze} work), {@code summary} the per-inference records only, {@code none} neither.
 * Layer features and the logger's statistics are kept at every level (a few rows).
 */
enum KeepRaw {
  NONE,
  SUMMARY,
  ALL;

  /** The name people type. */
  String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** {@code run} (with every detail) cut to what this level keeps of {@code r}. */
  RunInput apply(RunInput run, ProfileResult r) {
    RunDetails d = run.details();
    return switch (this) {
      case NONE ->
          run.withDetails(new RunDetails(d.rails(), java.util.List.of(), d.layers(), d.logger()));
      case SUMMARY -> run;
      case ALL -> run.withRaw(RawSamples.of(r.timeline()), r.timeline().events());
    };
  }
}
