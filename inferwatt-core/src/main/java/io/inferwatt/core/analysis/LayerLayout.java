package io.inferwatt.core.analysis;

/**
 * Layer intervals on the time axis, sorted by start, each tagged with its layer slot or -1 for an
 * inference's unattributed tail, and each slot's cycles and summed duration: what the window
 * mapping's search works on. {@link AnalysisStream} lays the layers out (paper §III.B) as they
 * stream and keeps only the intervals around the samples; this holds a stretch of them.
 */
final class LayerLayout {
  final long[] starts;
  final long[] ends;
  final int[] slotOf;
  final int intervalCount;
  final int slotCount;
  final long[] cycles;
  final double[] durationSumNs;

  LayerLayout(
      long[] starts,
      long[] ends,
      int[] slotOf,
      int intervalCount,
      int slotCount,
      long[] cycles,
      double[] durationSumNs) {
    this.starts = starts;
    this.ends = ends;
    this.slotOf = slotOf;
    this.intervalCount = intervalCount;
    this.slotCount = slotCount;
    this.cycles = cycles;
    this.durationSumNs = durationSumNs;
  }
}
