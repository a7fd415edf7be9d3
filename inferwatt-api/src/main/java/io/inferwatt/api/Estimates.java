package io.inferwatt.api;

/** One rail's {@link RailEstimate} between two points of its running sums. */
final class Estimates {

  private Estimates() {}

  /**
   * The estimate between points {@code a} and {@code z} (see {@link RailEstimate} for the
   * uncertainty's terms).
   *
   * @param durationNs the window's length
   * @param updateNs the sensor's update period (the placement of each edge)
   * @param b the idle baseline, or null
   * @param r the rail's index in the baseline
   */
  static RailEstimate between(
      RailHistory.Point a, RailHistory.Point z, long durationNs, long updateNs, Baseline b, int r) {
    double baselineMw = b == null ? 0 : b.mw()[r];
    double mwNs = z.energyMwNs() - a.energyMwNs();
    long coveredNs = z.coveredNs() - a.coveredNs();
    long n = z.n() - a.n();
    double mean = coveredNs > 0 ? mwNs / coveredNs : Double.NaN;
    double sd = 0;
    if (n >= 2) {
      double s1 = z.sum() - a.sum();
      double s2 = z.sumSq() - a.sumSq();
      double m = s1 / n;
      sd = Math.sqrt(Math.max(0, (s2 - n * m * m) / (n - 1)));
    }
    double covS = coveredNs / 1e9;
    double statMw = n >= 2 ? sd / Math.sqrt(n) : 0;
    double quantMw = 1.0 / Math.sqrt(12.0 * Math.max(n, 1));
    double edgeMj = Double.isNaN(mean) ? 0 : Math.abs(mean) * (updateNs / 1e9) / Math.sqrt(12);
    double baseMw = b == null ? 0 : b.sigmaMw()[r];
    double varMj =
        Math.pow(covS * statMw, 2)
            + Math.pow(covS * quantMw, 2)
            + 2 * edgeMj * edgeMj
            + Math.pow(covS * baseMw, 2);
    double energyMj = mwNs / 1e9 - baselineMw * covS;
    double sigmaMj = Math.sqrt(varMj);
    return new RailEstimate(
        energyMj,
        sigmaMj,
        Double.isNaN(mean) ? Double.NaN : mean - baselineMw,
        coveredNs > 0 ? sigmaMj / covS : Double.NaN,
        n,
        durationNs == 0 ? (coveredNs > 0 ? 1 : 0) : Math.min(1.0, (double) coveredNs / durationNs),
        baselineMw);
  }
}
