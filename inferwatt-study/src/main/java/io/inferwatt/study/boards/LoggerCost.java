package io.inferwatt.study.boards;

/**
 * The power logger's cost over every start and stop of a measurement, kept with the run's logger
 * statistics.
 *
 * @param droppedSamples samples the logger dropped: the bounded hand-off had no room for them, or
 *     they came from a stalled source after the ordered merge had passed their time
 * @param cpuPercent CPU time of the logger threads over the time logged, % of one core; NaN where
 *     the JVM cannot measure thread CPU time
 */
public record LoggerCost(long droppedSamples, double cpuPercent) {}
