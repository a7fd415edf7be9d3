package io.inferwatt.hardware.sensors;

/**
 * How one source's logger thread did: the self-measurement of the power logger. Periods are between
 * the starts of successive reads; NaN where nothing was measured yet.
 *
 * @param kind the source's kind
 * @param reads reads done
 * @param failedReads reads in which at least one rail failed (recorded as NaN gaps)
 * @param droppedSamples samples the consumer's queue had no room for, and samples the ordered merge
 *     dropped because they arrived after it had passed their time (the source had stalled)
 * @param missedDeadlines deadlines skipped because a read overran more than one period
 * @param periodNs the period asked for in ns (0: back to back)
 * @param meanPeriodNs achieved period, mean, ns
 * @param p99PeriodNs achieved period, 99th percentile, ns
 * @param meanReadNs time one read takes, mean, ns
 * @param p99ReadNs time one read takes, 99th percentile, ns
 * @param medianChangeNs median time between changes of any rail's value, ns: the sensor's own
 *     update period when reads are faster than it, else at most the read period
 * @param cpuTimeNs CPU time of the logger thread, ns; -1 when the JVM cannot measure it
 * @param lastError the last failure, naming the file or call; null if none
 * @param failure why the thread stopped early (failures persisted); null if it did not
 */
public record SourceStats(
    String kind,
    long reads,
    long failedReads,
    long droppedSamples,
    long missedDeadlines,
    long periodNs,
    double meanPeriodNs,
    double p99PeriodNs,
    double meanReadNs,
    double p99ReadNs,
    double medianChangeNs,
    long cpuTimeNs,
    String lastError,
    String failure) {

  /** The same statistics with {@code n} more dropped samples. */
  SourceStats plusDropped(long n) {
    return new SourceStats(
        kind,
        reads,
        failedReads,
        droppedSamples + n,
        missedDeadlines,
        periodNs,
        meanPeriodNs,
        p99PeriodNs,
        meanReadNs,
        p99ReadNs,
        medianChangeNs,
        cpuTimeNs,
        lastError,
        failure);
  }

  /** CPU time of the logger thread per read, ns; NaN before the first read. */
  public double cpuTimePerReadNs() {
    return reads == 0 || cpuTimeNs < 0 ? Double.NaN : (double) cpuTimeNs / reads;
  }
}
