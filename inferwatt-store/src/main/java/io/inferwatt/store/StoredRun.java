package io.inferwatt.store;

import io.inferwatt.core.analysis.AnalysisResult;
import java.time.Instant;
import java.util.Map;

/**
 * A run as the measurement base holds it.
 *
 * @param id the run's id
 * @param board the board's name
 * @param simulated whether the board was simulated
 * @param model the network measured
 * @param settings the run's settings, in their saved order
 * @param startedAt when the run started (to the microsecond)
 * @param toolVersion the inferwatt version that measured it
 * @param environment where it ran, in the saved order
 * @param result the analysis: per-rail inference results, layers per rail, phases, warnings
 * @param totalRail the rail its power source marked as the board's total (the {@code total} column
 *     of {@code inference_results}); empty when no rail was
 * @param samplesStored raw power samples (instants, not rows per rail) stored with the run; 0 when
 *     none were kept
 */
public record StoredRun(
    long id,
    String board,
    boolean simulated,
    String model,
    Map<String, String> settings,
    Instant startedAt,
    String toolVersion,
    Map<String, String> environment,
    AnalysisResult result,
    String totalRail,
    long samplesStored) {

  public StoredRun {
    settings = RunInput.ordered(settings, "settings");
    environment = RunInput.ordered(environment, "environment");
    java.util.Objects.requireNonNull(totalRail, "totalRail");
  }
}
