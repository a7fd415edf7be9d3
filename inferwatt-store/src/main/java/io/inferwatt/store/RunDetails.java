package io.inferwatt.store;

import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.Phases;
import io.inferwatt.core.PowerSample;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.Analyzer;
import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a run keeps besides its analysis: one record per inference, the features of the network's
 * layers (the training set for power and latency models), and how the power logger itself did.
 * Saved in the run's transaction ({@code inference_records}, {@code inference_rail_records}, {@code
 * layer_features}, {@code logger_stats}; see {@code docs/schema.md}).
 *
 * @param rails the rails of {@link InferenceRecord#powerMw()} and {@link
 *     InferenceRecord#energyMj()}, in order
 * @param inferences every inference that is not warm-up, in start order
 * @param layers the network's layers in execution order (position = {@code layer_index}); empty
 *     when the network is not known
 * @param logger the logger's self-measurement; empty when the run had no samples
 */
public record RunDetails(
    List<String> rails,
    List<InferenceRecord> inferences,
    List<LayerSpec> layers,
    Optional<LoggerStats> logger) {

  /** Nothing beyond the analysis. */
  public static final RunDetails NONE =
      new RunDetails(List.of(), List.of(), List.of(), Optional.empty());

  public RunDetails {
    rails = List.copyOf(rails);
    inferences = List.copyOf(inferences);
    layers = List.copyOf(layers);
    Objects.requireNonNull(logger, "logger");
    for (InferenceRecord r : inferences) {
      if (r.powerMw().length != rails.size() || r.energyMj().length != rails.size()) {
        throw new IllegalArgumentException(
            "inference "
                + r.seq()
                + " has values for "
                + r.powerMw().length
                + " rails, not "
                + rails.size()
                + " "
                + rails);
      }
    }
  }

  /**
   * One inference.
   *
   * @param seq its number in the recording
   * @param phase the protocol phase it started in ({@code latency}, {@code power}, {@code layers},
   *     or empty outside every phase)
   * @param startNs its start, monotonic ns
   * @param latencyMs its length in ms (for its whole batch)
   * @param batch inputs it processed
   * @param samples power samples inside it
   * @param powerMw per rail, the mean of the samples inside it in mW; NaN without samples
   * @param energyMj per rail, the trapezoidal integral of power over it in mJ; NaN when the samples
   *     do not cover it
   */
  public record InferenceRecord(
      long seq,
      String phase,
      long startNs,
      double latencyMs,
      int batch,
      long samples,
      double[] powerMw,
      double[] energyMj) {}

  /**
   * How the power logger did in a run, from the times of its reads.
   *
   * @param source what was read (the board or the power source's name)
   * @param samples readings taken
   * @param periodMsMedian median time between readings, ms
   * @param periodMsP99 99th percentile of that time, ms
   * @param periodMsMax longest time between readings, ms
   * @param readMsMean mean length of one read, ms
   * @param readMsP99 99th percentile of that length, ms
   * @param readMsMax longest read, ms
   * @param dropped readings lost in the hand-off to the writer; -1 when not known
   * @param cpuPercent CPU the logger used, percent of one core; NaN when not known
   * @param overheadPowerMw power the logging itself costs on the total rail, mW; NaN when not known
   */
  public record LoggerStats(
      String source,
      long samples,
      double periodMsMedian,
      double periodMsP99,
      double periodMsMax,
      double readMsMean,
      double readMsP99,
      double readMsMax,
      long dropped,
      double cpuPercent,
      double overheadPowerMw) {

    public LoggerStats {
      Objects.requireNonNull(source, "source");
    }

    /** The same statistics with {@code dropped} and {@code cpuPercent} replaced. */
    public LoggerStats withCost(long dropped, double cpuPercent) {
      return new LoggerStats(
          source,
          samples,
          periodMsMedian,
          periodMsP99,
          periodMsMax,
          readMsMean,
          readMsP99,
          readMsMax,
          dropped,
          cpuPercent,
          overheadPowerMw);
    }
  }

  /** The same details with {@code stats} as the logger's self-measurement. */
  public RunDetails withLogger(LoggerStats stats) {
    return new RunDetails(rails, inferences, layers, Optional.of(stats));
  }

  /**
   * The details of a recording: every non-warm-up inference with its mean power and energy per
   * rail, the network's layers, and the logger's statistics from the reads' times (what the
   * timeline cannot tell, such as dropped readings, is left unknown).
   *
   * @param timeline the recording
   * @param network the network that ran, or null when not known
   * @param source the power source's name for {@code logger_stats}
   */
  public static RunDetails of(Timeline timeline, NetworkSpec network, String source) {
    List<PhaseEvent> phases = new ArrayList<>(timeline.events().phases());
    phases.sort(Comparator.comparingLong(PhaseEvent::startNs));
    List<InferenceEvent> infs = new ArrayList<>(timeline.events().inferences());
    infs.sort(Comparator.comparingLong(InferenceEvent::startNs));
    List<PowerSample> samples = timeline.samples();
    int nr = timeline.rails().size();
    long[] t = new long[samples.size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = samples.get(i).tNs();
    }
    List<InferenceRecord> records = new ArrayList<>();
    for (InferenceEvent e : infs) {
      String phase = phaseOf(phases, e.startNs());
      if (phase.equals(Phases.WARMUP)) {
        continue;
      }
      double[] power = new double[nr];
      double[] energy = new double[nr];
      Arrays.fill(energy, Double.NaN);
      int from = lowerBound(t, e.startNs());
      int to = lowerBound(t, e.endNs() + 1); // samples with start <= t <= end
      long n = to - from;
      for (int r = 0; r < nr; r++) {
        double sum = 0;
        int count = 0;
        for (int i = from; i < to; i++) {
          double v = samples.get(i).powerMw()[r];
          if (!Double.isNaN(v)) {
            sum += v;
            count++;
          }
        }
        power[r] = count == 0 ? Double.NaN : sum / count;
      }
      boolean covered = t.length > 0 && t[0] <= e.startNs() && t[t.length - 1] >= e.endNs();
      if (covered && e.endNs() > e.startNs()) {
        for (int r = 0; r < nr; r++) {
          energy[r] = integralMj(samples, t, r, e.startNs(), e.endNs());
        }
      }
      records.add(
          new InferenceRecord(
              e.seq(), phase, e.startNs(), e.latencyNs() / 1e6, e.batch(), n, power, energy));
    }
    List<LayerSpec> layers = network == null ? List.of() : network.layers();
    return new RunDetails(timeline.rails(), records, layers, logger(samples, source));
  }

  private static String phaseOf(List<PhaseEvent> phases, long tNs) {
    for (PhaseEvent p : phases) {
      if (p.contains(tNs)) {
        return p.name();
      }
    }
    return "";
  }

  /** The first index whose time is at least {@code v}. */
  private static int lowerBound(long[] t, long v) {
    int lo = 0;
    int hi = t.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (t[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Trapezoidal integral of rail {@code r} over [a, b], in mJ, over that rail's own readings: a gap
   * (an empty reading, NaN) is bridged linearly between its neighbours, as the analysis does, and
   * never makes the whole inference NaN. NaN only when no reading of the rail is at or before
   * {@code a}, or at or after {@code b}.
   */
  private static double integralMj(List<PowerSample> s, long[] t, int r, long a, long b) {
    int i = lowerBound(t, a + 1) - 1; // the last reading at or before a
    while (i >= 0 && Double.isNaN(s.get(i).powerMw()[r])) {
      i--;
    }
    if (i < 0) {
      return Double.NaN;
    }
    long t0 = t[i];
    double p0 = s.get(i).powerMw()[r];
    double areaMwNs = 0;
    for (int j = i + 1; j < t.length && t0 < b; j++) {
      double p1 = s.get(j).powerMw()[r];
      if (Double.isNaN(p1)) {
        continue;
      }
      long t1 = t[j];
      areaMwNs += Analyzer.overlapMwNs(t0, p0, t1, p1, a, b);
      t0 = t1;
      p0 = p1;
    }
    return t0 < b ? Double.NaN : areaMwNs / 1e9;
  }

  private static Optional<LoggerStats> logger(List<PowerSample> samples, String source) {
    int n = samples.size();
    if (n == 0) {
      return Optional.empty();
    }
    double[] reads = new double[n];
    double readSum = 0;
    for (int i = 0; i < n; i++) {
      reads[i] = (samples.get(i).readEndNs() - samples.get(i).readStartNs()) / 1e6;
      readSum += reads[i];
    }
    Arrays.sort(reads);
    double[] periods = new double[Math.max(0, n - 1)];
    for (int i = 1; i < n; i++) {
      periods[i - 1] = (samples.get(i).tNs() - samples.get(i - 1).tNs()) / 1e6;
    }
    Arrays.sort(periods);
    return Optional.of(
        new LoggerStats(
            source == null ? "" : source,
            n,
            Analyzer.percentile(periods, 50),
            Analyzer.percentile(periods, 99),
            periods.length == 0 ? Double.NaN : periods[periods.length - 1],
            readSum / n,
            Analyzer.percentile(reads, 99),
            reads[n - 1],
            -1,
            Double.NaN,
            Double.NaN));
  }
}
