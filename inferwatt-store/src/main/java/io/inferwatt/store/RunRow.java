package io.inferwatt.store;

import java.time.Instant;

/**
 * One line of the run listing. Power and energy are those of the run's total rail, the one its
 * power source marked as the board's total ({@link RunInput#totalRail()}); NaN when none was.
 *
 * @param id the run's id
 * @param startedAt when the run started (to the microsecond)
 * @param board the board's name
 * @param simulated whether the board was simulated
 * @param model the network measured
 * @param settingsSummary the settings as {@code key=value} in their order, joined by {@code ", "}
 * @param inferenceCount inferences that are not warm-up
 * @param latencyMsMean mean latency in ms, NaN when not measured
 * @param totalRail the rail behind the power and energy columns, empty when no rail is the total
 * @param powerMwMean mean power of {@code totalRail} during inferences in mW, NaN when not measured
 * @param energyMjPerInference energy per inference of {@code totalRail} in mJ (trapezoidal), NaN
 *     when not measured
 * @param samplesStored raw power samples stored with the run; 0 when none were kept
 */
public record RunRow(
    long id,
    Instant startedAt,
    String board,
    boolean simulated,
    String model,
    String settingsSummary,
    long inferenceCount,
    double latencyMsMean,
    String totalRail,
    double powerMwMean,
    double energyMjPerInference,
    long samplesStored) {}
