package io.inferwatt.core.analysis;

import io.inferwatt.core.SampleSource;
import io.inferwatt.core.analysis.AnalysisResult.MappingInfo;
import io.inferwatt.core.analysis.AnalysisResult.ResidualPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The window-aware layer mapping. A power sensor does not report the power at one instant but the
 * power seen through its response: a mean over an averaging window (the INA3221's conversion time,
 * about 1.1 ms on a Jetson; about 25 ms for NVML on an A100), a first-order low-pass (an RC filter
 * in a current-sense amplifier or meter), or both in series ({@link SensorResponse}). Sample {@code
 * i} is modelled as the power weighted by the response {@code h} back from {@code readEnd_i − δ}:
 *
 * <pre>
 *   y_i = Σ_k a_ik p_k + noise,   a_ik = ∫ h(s) [unknown k runs at readEnd_i − δ − s] ds
 * </pre>
 *
 * <p>with one unknown power per layer, one for the unattributed tails and one for the time between
 * inferences ({@code K = layers + 2}); the weights are summed over every cycle the response touches
 * (for a boxcar of width {@code W} they are the fractions of {@code [readEnd − W − δ, readEnd − δ]}
 * each unknown covers; {@code W = 0} is a point sample). The powers of all layers are fitted at
 * once by least squares through the normal equations {@code AᵀA p = Aᵀy}, accumulated sample by
 * sample (K×K plus one right-hand side per rail: memory does not grow with the samples) and solved
 * with EJML's Cholesky decomposition; confidence intervals come from {@code (AᵀA)⁻¹ σ²} with the
 * residual variance σ².
 *
 * <p>The response is estimated from the data: the residual is smallest at the true response ({@link
 * WindowSearch}: boxcar, low-pass and the two in series compete, each with its offset). The search
 * runs on an evenly thinned subset of at most {@value #BUFFER_CAP} samples (bounded memory); the
 * final fit uses every sample. Only samples whose responses lie inside the span of the mapped
 * inferences count, the same set for every candidate.
 */
final class WindowMapping {

  /** In {@link LayerMapping#AUTO}, a window below this fraction of the shortest layer is nil. */
  static final double NEGLIGIBLE_FRACTION = 0.25;

  /**
   * Largest condition number of the scaled normal equations that still counts as resolvable.
   * Empirical, on synthetic Jetson-like runs: windows of 1.1 and 2.2 ms over 0.05–1.2 ms layers
   * give 2e2–5e2; a window twice as long as an inference, with jittered gaps, 4e4 (per-layer errors
   * mean 5%, worst 60%, with confidence intervals to match); strictly periodic runs, whose windows
   * repeat, 1e14 and more.
   */
  static final double MAX_CONDITION = 1e6;

  /** Samples kept for the window search, at most. */
  static final int BUFFER_CAP = 1 << 13;

  /** Copies of layer intervals kept with the search's samples, at most (20 bytes each). */
  static final int ENTRY_CAP = 1 << 20;

  /** A best window beyond this fraction of the searched range widens the range (×4). */
  static final double RANGE_EDGE = 0.75;

  /** The search covers windows up to at least this, in ns (INA-like sensors). */
  static final long MIN_WINDOW_RANGE_NS = 3_000_000;

  /** A column with less coverage than this many whole samples is left out (not measured). */
  static final double MIN_COLUMN_SAMPLES = 1.0;

  static final int COARSE_WINDOWS = 17;

  /** Low-pass time constants on the coarse grid (the low-pass shapes cost more per sample). */
  static final int COARSE_TIME_CONSTANTS = 8;

  static final int COARSE_OFFSETS = 9;
  static final int MAX_PATTERN_STEPS = 200;
  static final int COARSE_SAMPLES = 4096;
  static final double NS_PER_MS = 1e6;

  private WindowMapping() {}

  /**
   * The outcome of the mapping.
   *
   * @param info the method used and what was found about the sensor
   * @param fit per-column powers of the window fit, or null when the paper's numbers apply
   */
  record Outcome(MappingInfo info, Fit fit) {}

  /**
   * The window fit's results, per column: layers {@code 0..slots-1}, then the tail ({@link
   * #tailColumn()}) and the time between inferences ({@link #gapColumn()}).
   *
   * @param powerMw estimate per column and rail, {@link Estimate#NONE} for a column left out
   * @param equivalentSamples samples wholly inside the column giving the same precision, {@code 1 /
   *     [(AᵀA)⁻¹]kk}; NaN for a column left out
   */
  record Fit(int slots, Estimate[][] powerMw, double[] equivalentSamples) {
    int tailColumn() {
      return slots;
    }

    int gapColumn() {
      return slots + 1;
    }
  }

  /**
   * Runs the window-aware mapping.
   *
   * @param source the samples, read several times
   * @param railIdx for each reported rail, its index in the samples' values
   * @param layout the layers of the mapped inferences on the time axis
   * @param spanStartNs start of the first mapped inference
   * @param spanEndNs end of the last mapped inference
   * @param samplePeriodNs median time between samples (NaN when unknown)
   * @param meanLatencyNs mean latency of the mapped inferences
   * @param options mapping mode and window hint
   * @param warnings where problems are reported
   */
  static Outcome map(
      SampleSource source,
      int[] railIdx,
      LayerLayout layout,
      long spanStartNs,
      long spanEndNs,
      double samplePeriodNs,
      double meanLatencyNs,
      AnalysisOptions options,
      List<String> warnings) {
    Searched found =
        search(source, railIdx, layout, spanStartNs, spanEndNs, samplePeriodNs, options, warnings);
    if (found.early() != null) {
      return found.early();
    }
    Outcome negligible = negligible(found, shortestLayerNs(layout), options);
    if (negligible != null) {
      return negligible;
    }
    // every sample: from the buffer when it holds them all, else one more streaming pass
    WindowDesign design = found.design();
    WindowNormal normal =
        found.buffer().stride == 1
            ? design.accumulate(found.buffer(), found.kernel(), found.d(), 1)
            : design.accumulate(source, found.kernel(), found.d());
    return decide(found, normal, meanLatencyNs, warnings);
  }

  /**
   * What the response search found: the response and offset {@code d} (ns) with the design and
   * buffer it used, whether it re-checked a response found before ({@code reused}: {@link
   * AnalysisOptions#sensorPrior()}), or the paper's outcome when there were too few samples ({@code
   * early}); {@code taps} is the non-parametric response when it won ({@link KernelSearch}), else
   * null.
   */
  record Searched(
      WindowDesign design,
      WindowBuffer buffer,
      SensorResponse response,
      long d,
      List<ResidualPoint> curve,
      boolean reused,
      Outcome early,
      TapKernel taps) {

    /** The boxcar part of the response, ns. */
    long w() {
      return response.boxcarNs();
    }

    WindowKernel kernel() {
      return taps != null ? new WindowKernel(taps) : new WindowKernel(response);
    }

    /** The response as written in the mapping's {@code response}. */
    String spec() {
      return taps != null ? taps.spec() : response.spec();
    }

    /** The width of the boxcar with the response's spread, ns. */
    double equivalentWidthNs() {
      return taps != null ? taps.equivalentWidthNs() : response.equivalentWidthNs();
    }
  }

  /** Estimates the sensor's window from the samples of {@code source}, widening the range. */
  static Searched search(
      SampleSource source,
      int[] railIdx,
      LayerLayout layout,
      long spanStartNs,
      long spanEndNs,
      double samplePeriodNs,
      AnalysisOptions options,
      List<String> warnings) {
    long hint = options.windowHintNs().orElse(-1);
    AnalysisOptions.SensorPrior prior = options.sensorPrior().orElse(null);
    long wMax = MIN_WINDOW_RANGE_NS;
    if (samplePeriodNs > 0) {
      wMax = Math.max(wMax, (long) (2 * samplePeriodNs));
    }
    wMax = Math.max(wMax, 2 * hint);
    if (prior != null) {
      wMax = Math.max(wMax, 2 * new WindowKernel(prior.response()).lengthNs);
    }
    // a window longer than an eighth of the run leaves too few samples whose windows fit inside
    long limit = Math.max(wMax, (spanEndNs - spanStartNs) / 8);
    WindowDesign design;
    WindowBuffer buffer;
    WindowSearch search;
    while (true) {
      WindowRange range = new WindowRange(wMax, -wMax / 6, wMax / 2);
      design = new WindowDesign(layout, range, spanStartNs, spanEndNs, railIdx);
      buffer = new WindowBuffer(railIdx.length);
      long skippedNaN = design.fill(source, buffer);
      if (buffer.size < 2 * design.k) {
        return new Searched(
            null,
            null,
            SensorResponse.INSTANT,
            0,
            List.of(),
            false,
            paper(
                "too few samples ("
                    + buffer.size
                    + ") with windows inside the mapped inferences for "
                    + design.k
                    + " unknowns; the paper's mapping is used"),
            null);
      }
      search = new WindowSearch(design, buffer, range);
      if (prior == null || !search.runFrom(prior)) {
        search.run(hint);
      }
      if (search.chosenLengthNs() < RANGE_EDGE * wMax || wMax >= limit) {
        if (skippedNaN > 0) {
          warnings.add(
              skippedNaN
                  + " samples had a rail without a value (NaN) and were left out of the window"
                  + " mapping");
        }
        break;
      }
      // the best window lies at the end of the range: the sensor averages longer; widen
      wMax = Math.min(limit, wMax * 4);
    }
    WindowSearch.Found f = search.chosen;
    List<ResidualPoint> curve = search.curve();
    // a re-check of an earlier configuration's parametric response does not try the kernel again
    // a re-check of an earlier configuration's parametric response does not try the kernel again;
    // the full kernel fit runs only when a cheap screen says it can win
    KernelSearch.Result taps =
        search.reused || !KernelSearch.promising(KernelSearch.screen(design, buffer, f))
            ? null
            : KernelSearch.fit(design, buffer, f);
    if (taps != null) {
      curve = new ArrayList<>(curve);
      curve.addAll(taps.curve());
      if (taps.residual() < f.residual() * (1 - KernelSearch.MARGIN)) {
        return new Searched(
            design,
            buffer,
            new SensorResponse(f.w(), f.tau()),
            taps.d(),
            curve,
            false,
            null,
            taps.kernel());
      }
    }
    return new Searched(
        design,
        buffer,
        new SensorResponse(f.w(), f.tau()),
        f.d(),
        curve,
        search.reused,
        null,
        null);
  }

  /**
   * In {@link LayerMapping#AUTO}: the paper's outcome when the response is negligible (its
   * equivalent boxcar width below {@value #NEGLIGIBLE_FRACTION} of the shortest layer), else null.
   */
  static Outcome negligible(Searched found, double shortestNs, AnalysisOptions options) {
    double widthNs = found.equivalentWidthNs();
    if (options.mapping() == LayerMapping.AUTO && widthNs < NEGLIGIBLE_FRACTION * shortestNs) {
      String why =
          String.format(
              Locale.ROOT,
              "estimated sensor response %s (as wide as a %.4f ms boxcar) is below %.0f%% of the"
                  + " shortest layer (%.4f ms): the sensor is as good as instantaneous and the"
                  + " paper's mapping applies",
              found.spec(),
              widthNs / NS_PER_MS,
              NEGLIGIBLE_FRACTION * 100,
              shortestNs / NS_PER_MS);
      return new Outcome(info(found, "paper", false, Double.NaN, true, why), null);
    }
    return null;
  }

  private static MappingInfo info(
      Searched found,
      String method,
      boolean used,
      double condition,
      boolean resolvable,
      String why) {
    SensorResponse resp = found.response();
    double wMs = (found.taps() != null ? found.taps().lengthNs() : resp.boxcarNs()) / NS_PER_MS;
    double dMs = found.d() / NS_PER_MS;
    return new MappingInfo(
        method,
        used ? wMs : 0,
        used ? dMs : 0,
        wMs,
        dMs,
        condition,
        resolvable,
        why,
        found.curve(),
        found.spec(),
        found.taps() != null ? 0 : resp.tauNs() / NS_PER_MS);
  }

  /** The outcome of the final fit over every sample ({@code normal}). */
  static Outcome decide(
      Searched found, WindowNormal normal, double meanLatencyNs, List<String> warnings) {
    double widthNs = found.equivalentWidthNs();
    String what =
        String.format(
            Locale.ROOT,
            "the sensor response (%s, as wide as a %.3f ms boxcar, estimated)",
            found.spec(),
            widthNs / NS_PER_MS);
    WindowSolution sol = WindowSolution.of(normal, true);
    if (!sol.choleskyOk || !(sol.condition <= MAX_CONDITION)) {
      String cause =
          widthNs > meanLatencyNs
              ? String.format(
                  Locale.ROOT,
                  "%s is longer than an inference (%.3f ms), so every sample blends whole"
                      + " inferences",
                  what,
                  meanLatencyNs / NS_PER_MS)
              : what + " covers the layers in too few different ways";
      String cond =
          sol.choleskyOk
              ? String.format(Locale.ROOT, "condition number %.2g", sol.condition)
              : "the normal equations are singular";
      warnings.add(
          "the window-aware layer mapping cannot resolve the layers: "
              + cause
              + " ("
              + cond
              + "). Per-layer numbers use the paper's mapping instead, which blends neighbouring"
              + " layers. To resolve them: record more cycles, and randomise the gaps between"
              + " inferences (a random pause of up to one sensor window before each inference)"
              + " so that the windows fall on the layers at varying phases (the phase shift of"
              + " Yang et al.)");
      String why = "window fit ill-conditioned (" + cond + "); paper's numbers reported";
      return new Outcome(info(found, "paper", false, sol.condition, false, why), null);
    }
    if (widthNs > meanLatencyNs) {
      warnings.add(
          String.format(
              Locale.ROOT,
              "%s is longer than an inference (%.3f ms): the per-layer powers rest on the varying"
                  + " phase of the windows and are less precise; read their confidence intervals."
                  + " More cycles and randomised gaps between inferences (the phase shift of Yang"
                  + " et al.) narrow them",
              what,
              meanLatencyNs / NS_PER_MS));
    }
    String why =
        String.format(
            Locale.ROOT,
            "least-squares fit over %d samples with the estimated sensor response %s, offset %.4f"
                + " ms%s",
            normal.n,
            found.spec(),
            found.d() / NS_PER_MS,
            found.reused()
                ? " (found on an earlier recording of this sensor and re-checked near there on"
                    + " this one)"
                : "");
    MappingInfo info = info(found, "window", true, sol.condition, true, why);
    return new Outcome(info, sol.fit(found.design().slots));
  }

  /** The paper's mapping, for a reason that does not need a window estimate. */
  static Outcome paper(String reason) {
    return new Outcome(
        new MappingInfo("paper", 0, 0, Double.NaN, Double.NaN, Double.NaN, true, reason, List.of()),
        null);
  }

  /** Mean duration of the shortest layer in ns (infinite without layers). */
  static double shortestLayerNs(LayerLayout layout) {
    double shortest = Double.POSITIVE_INFINITY;
    for (int s = 0; s < layout.slotCount; s++) {
      if (layout.cycles[s] > 0) {
        double dur = layout.durationSumNs[s] / layout.cycles[s];
        if (dur > 0) {
          shortest = Math.min(shortest, dur);
        }
      }
    }
    return shortest;
  }
}
