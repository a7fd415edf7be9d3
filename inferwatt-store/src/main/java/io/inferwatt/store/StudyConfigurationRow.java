package io.inferwatt.store;

import java.util.Map;

/**
 * One finished configuration of a study, with the numbers the optima need. Power and energy are
 * those of the run's total rail ({@link RunInput#totalRail()}; NaN when no rail is the total).
 *
 * @param configKey the configuration's key (settings hash)
 * @param position its position in the plan
 * @param sweep the sweep that produced it
 * @param runId the run that holds its results
 * @param model the network
 * @param settings the run's settings, in order
 * @param batch inputs per inference
 * @param latencyMsMean mean latency per inference, ms (NaN when not measured)
 * @param totalRail the rail behind power and energy, empty when no rail is the total
 * @param powerMwMean mean power of that rail over the inferences, mW
 * @param energyMjPaper energy per inference of that rail, mean power × mean latency, mJ
 */
public record StudyConfigurationRow(
    String configKey,
    int position,
    String sweep,
    long runId,
    String model,
    Map<String, String> settings,
    int batch,
    double latencyMsMean,
    String totalRail,
    double powerMwMean,
    double energyMjPaper) {}
