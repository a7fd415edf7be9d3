package io.inferwatt.core.analysis;

import io.inferwatt.core.analysis.AnalysisResult.ResidualPoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * The non-parametric candidate of the response search: a {@link TapKernel} of {@value #TAPS} taps
 * fitted to the buffered samples, for sensors that none of the parametric shapes describes (two
 * low-pass poles, a boxcar after a filter). The model {@code y_i = Σ_m w_m x_im(p)} is bilinear in
 * the taps {@code w} and the layer powers {@code p}, so the fit alternates: the layer powers by
 * least squares through the current taps (the window fit's own normal equations), then the taps by
 * non-negative least squares with {@code Σ w = 1} given those powers, where {@code x_im} is the
 * mean of the fitted power over tap {@code m}'s lags. It starts from the best parametric shape cut
 * into taps, on lags a little before its offset to a little past its end, for {@value #ROUNDS}
 * rounds at each of the {@link #SPANS} kernel lengths; the best residual over every round is kept,
 * so the kernel never fits worse than the parametric start cut into taps.
 *
 * <p>It is chosen over the parametric shape only when its relative residual is at least {@value
 * #MARGIN} (relative) below: it has more free parameters, and on a sensor a parametric shape
 * describes the shape's own numbers are the ones to report. The full fit costs about as much as the
 * whole parametric search; it runs only when a cheap {@link #screen} says it can win.
 */
final class KernelSearch {

  /** Spacings between the kernel's knots ({@value} + 1 knots). */
  static final int TAPS = 32;

  /** Gauss–Newton steps at each length, at most. */
  static final int ROUNDS = 12;

  /** A step that lowers the residual by less than this (relative) ends the search. */
  static final double CONVERGED = 1e-4;

  /** Halvings of a step that does not lower the residual. */
  static final int HALVINGS = 3;

  /** Levenberg–Marquardt damping on the step's diagonal (relative). */
  static final double DAMPING = 1e-3;

  /** How much lower the kernel's residual must be to be chosen over the parametric shape. */
  static final double MARGIN = 0.02;

  /** Kernel lengths tried, as multiples of the parametric start's length. */
  static final double[] SPANS = {0.5, 0.75, 1.0};

  /** The smallest tap, ns. */
  static final long MIN_TAP_NS = 1_000;

  /** Buffered samples the screen fits on, at most (an even thinning of the buffer). */
  static final int SCREEN_SAMPLES = 1024;

  /** Gauss–Newton steps of the screen. */
  static final int SCREEN_ROUNDS = 1;

  /**
   * How much lower than the parametric residual the screen's kernel residual must be for the full
   * fit to run: half of {@link #MARGIN}, since the screen's kernel has fewer steps and one span.
   */
  static final double SCREEN_MARGIN = MARGIN / 2;

  /** The span of the screen's kernel: the whole parametric start cut into taps. */
  static final double SCREEN_SPAN = 1.0;

  /**
   * The fitted kernel.
   *
   * @param kernel the taps
   * @param d the offset of lag 0, ns
   * @param residual the relative residual on every buffered sample
   * @param curve the best residual at each kernel length (response {@code kernel}, window = length)
   */
  record Result(TapKernel kernel, long d, double residual, List<ResidualPoint> curve) {}

  private KernelSearch() {}

  /**
   * Fits the kernel from the parametric shape {@code start}; null when {@code start} is instant
   * (nothing to shape) or the samples leave no room for taps.
   */
  static Result fit(WindowDesign design, WindowBuffer buffer, WindowSearch.Found start) {
    WindowKernel parametric = start.kernel();
    if (parametric.point || buffer.size < 2 * design.k) {
      return null;
    }
    WindowRange range = design.range;
    List<Result> found =
        Arrays.stream(SPANS)
            .parallel()
            .mapToObj(span -> atSpan(design, buffer, start, parametric, range, span, 1, ROUNDS))
            .toList();
    Result best = null;
    List<ResidualPoint> curve = new ArrayList<>();
    for (Result r : found) {
      if (r == null) {
        continue;
      }
      curve.add(
          new ResidualPoint(
              r.kernel().lengthNs() / WindowMapping.NS_PER_MS,
              r.d() / WindowMapping.NS_PER_MS,
              r.residual(),
              "kernel",
              0));
      if (best == null || r.residual() < best.residual()) {
        best = r;
      }
    }
    return best == null ? null : new Result(best.kernel(), best.d(), best.residual(), curve);
  }

  /**
   * Whether the full fit ({@link #fit}) can win, at a small part of its cost: the kernel over the
   * whole parametric start (span {@value #SCREEN_SPAN}), fitted for {@value #SCREEN_ROUNDS} steps
   * on an even thinning of at most {@value #SCREEN_SAMPLES} buffered samples, against the
   * parametric shape on the same samples. On the synthetic sensors of the tests (about 900 samples
   * screened) one step settles it, and more steps move the residual by under 3% of itself: where a
   * parametric shape describes the sensor the kernel ends within 0.3% of the parametric residual
   * (boxcar, boxcar and low-pass) or above it (a low-pass cut into taps: 1.4–3 times); where none
   * does it ends at 0.29 (two low-pass poles) and 0.37 (two boxcars in series) of it. {@link
   * #promising} lets the full fit run when the screen's kernel is at least {@value #SCREEN_MARGIN}
   * (relative) below. A sensor on which only a shorter kernel than the parametric start's, or many
   * steps, would win is missed.
   *
   * @return {parametric residual, kernel residual} on the screen's samples; null when the kernel
   *     has nothing to shape or no room (then {@link #fit} returns null too)
   */
  static double[] screen(WindowDesign design, WindowBuffer buffer, WindowSearch.Found start) {
    WindowKernel parametric = start.kernel();
    if (parametric.point || buffer.size < 2 * design.k) {
      return null;
    }
    int thin = Math.max(1, -Math.floorDiv(-buffer.size, SCREEN_SAMPLES));
    if (buffer.size / thin < 2 * design.k) {
      thin = 1;
    }
    Result r =
        atSpan(design, buffer, start, parametric, design.range, SCREEN_SPAN, thin, SCREEN_ROUNDS);
    if (r == null) {
      return null;
    }
    double p =
        WindowSolution.of(design.accumulate(buffer, parametric, start.d(), thin), false)
            .relativeResidual();
    return new double[] {p, r.residual()};
  }

  /**
   * Whether the screen's kernel residual clears {@link #SCREEN_MARGIN} below the parametric one.
   */
  static boolean promising(double[] screen) {
    return screen != null && screen[1] < screen[0] * (1 - SCREEN_MARGIN);
  }

  /** The kernel over {@code span} times the parametric start's length; null without room. */
  private static Result atSpan(
      WindowDesign design,
      WindowBuffer buffer,
      WindowSearch.Found start,
      WindowKernel parametric,
      WindowRange range,
      double span,
      int thin,
      int rounds) {
    long pad = parametric.lengthNs / 8;
    long d0 = Math.max(range.dMin(), start.d() - pad);
    long len =
        Math.min(
            Math.round(span * parametric.lengthNs) + (start.d() - d0) + pad,
            range.dMax() + range.wMax() - d0);
    long tap = len / TAPS;
    if (tap < MIN_TAP_NS) {
      return null;
    }
    // each knot starts with the parametric weight within half a spacing of it
    double[] w = new double[TAPS + 1];
    for (int m = 0; m <= TAPS; m++) {
      long from = clamp(d0 + m * tap - tap / 2 - start.d(), parametric.lengthNs);
      long to = clamp(d0 + m * tap + tap / 2 - start.d(), parametric.lengthNs);
      w[m] = parametric.lagWeight(from, to);
    }
    return refine(design, buffer, new TapKernel(tap, w), d0, thin, rounds);
  }

  private static long clamp(long lagNs, long lengthNs) {
    return Math.max(0, Math.min(lengthNs, lagNs));
  }

  /**
   * Gauss–Newton on the taps with the layer powers projected out (variable projection): at each
   * step the layer powers are the least-squares ones for the current taps, the taps' step solves
   * the linearised problem with the powers' share removed (the Schur complement of the joint normal
   * equations) under {@code w ≥ 0} and {@code Σ w = 1}, and a step is taken only when the residual
   * falls (halved up to {@value #HALVINGS} times).
   */
  private static Result refine(
      WindowDesign design, WindowBuffer buffer, TapKernel kernel, long d, int thin, int rounds) {
    TapKernel cur = kernel;
    WindowSolution sol = solve(design, buffer, cur, d, thin);
    double res = sol.relativeResidual();
    if (!Double.isFinite(res)) {
      return null;
    }
    int n = cur.knots();
    WindowKernel[] hats = new WindowKernel[n];
    for (int m = 0; m < n; m++) {
      hats[m] = new WindowKernel(TapKernel.hat(cur.tapNs, n, m));
    }
    for (int it = 0; it < rounds; it++) {
      double[] w = cur.weights();
      double[] v = step(design, buffer, d, w, sol, hats, thin);
      if (v == null) {
        break;
      }
      double before = res;
      double t = 1;
      for (int h = 0; h <= HALVINGS; h++, t /= 2) {
        double[] wt = new double[n];
        for (int m = 0; m < n; m++) {
          wt[m] = w[m] + t * (v[m] - w[m]);
        }
        TapKernel next = new TapKernel(cur.tapNs, wt);
        WindowSolution s = solve(design, buffer, next, d, thin);
        double r = s.relativeResidual();
        if (r < res) {
          cur = next;
          sol = s;
          res = r;
          break;
        }
      }
      if (!(res < before * (1 - CONVERGED))) {
        break;
      }
    }
    return new Result(cur, d, res, List.of());
  }

  private static WindowSolution solve(
      WindowDesign design, WindowBuffer buffer, TapKernel kernel, long d, int thin) {
    return WindowSolution.of(design.accumulate(buffer, new WindowKernel(kernel), d, thin), false);
  }

  /** Per column and rail, the fitted power; a column left out gets the rail's mean reading. */
  private static double[][] powers(WindowSolution sol) {
    WindowNormal ne = sol.ne;
    double[][] p = new double[ne.k][ne.rails];
    for (int c = 0; c < ne.k; c++) {
      for (int r = 0; r < ne.rails; r++) {
        p[c][r] = ne.ySum[r] / Math.max(1, ne.n);
      }
    }
    for (int i = 0; i < sol.active.length; i++) {
      for (int r = 0; r < ne.rails; r++) {
        p[sol.active[i]][r] = sol.x.unsafe_get(i, r);
      }
    }
    return p;
  }

  /**
   * The taps the linearised problem at {@code w} asks for (non-negative, adding up to 1), each rail
   * weighed by its total sum of squares (the relative residual the candidates compete on); null
   * when the rails do not vary or the system is singular.
   */
  private static double[] step(
      WindowDesign design,
      WindowBuffer b,
      long d,
      double[] w,
      WindowSolution sol,
      WindowKernel[] hats,
      int thin) {
    WindowNormal ne = sol.ne;
    int rails = b.rails;
    int k = design.k;
    int n = hats.length;
    double[] scale = new double[rails];
    boolean any = false;
    for (int r = 0; r < rails; r++) {
      double tss = ne.yty[r] - ne.ySum[r] * ne.ySum[r] / ne.n;
      scale[r] = tss > 0 ? 1 / tss : 0;
      any |= tss > 0;
    }
    int ma = sol.active.length;
    if (!any || ma == 0) {
      return null;
    }
    double[][] p = powers(sol);
    int[] pos = new int[k];
    Arrays.fill(pos, -1);
    for (int i = 0; i < ma; i++) {
      pos[sol.active[i]] = i;
    }
    double[][][] ax = new double[rails][ma][n]; // Aᵀ X_r over the active columns
    double[][] xx = new double[n][n]; // Σ_r X_rᵀ X_r / tss_r
    double[] g = new double[n]; // Σ_r X_rᵀ e_r / tss_r
    double[][] h = new double[n][k];
    double[] a = new double[k];
    int[] cols = new int[k];
    boolean[] seen = new boolean[k];
    double[][] x = new double[n][rails];
    double[] e = new double[rails];
    WindowRow row = new WindowRow(k);
    for (int i = 0; i < b.size; i += thin) {
      long end = b.endNs[i] - d;
      int nc = 0;
      for (int m = 0; m < n; m++) {
        design.row(hats[m], end, b.locStart, b.locEnd, b.locSlot, b.off[i], b.off[i + 1], row);
        for (int j = 0; j < row.m; j++) {
          int col = row.cols[j];
          h[m][col] = row.vals[col];
          if (!seen[col]) {
            seen[col] = true;
            cols[nc++] = col;
          }
        }
      }
      for (int j = 0; j < nc; j++) {
        int col = cols[j];
        double v = 0;
        for (int m = 0; m < n; m++) {
          v += w[m] * h[m][col];
        }
        a[col] = v;
      }
      for (int r = 0; r < rails; r++) {
        double fit = 0;
        for (int j = 0; j < nc; j++) {
          fit += a[cols[j]] * p[cols[j]][r];
        }
        e[r] = b.y[i * rails + r] - fit;
        for (int m = 0; m < n; m++) {
          double v = 0;
          for (int j = 0; j < nc; j++) {
            v += h[m][cols[j]] * p[cols[j]][r];
          }
          x[m][r] = v;
        }
      }
      for (int r = 0; r < rails; r++) {
        if (scale[r] == 0) {
          continue;
        }
        for (int m = 0; m < n; m++) {
          double xm = x[m][r] * scale[r];
          g[m] += xm * e[r];
          for (int q = m; q < n; q++) {
            xx[m][q] += xm * x[q][r];
          }
        }
        for (int j = 0; j < nc; j++) {
          int at = pos[cols[j]];
          if (at < 0) {
            continue;
          }
          double aj = a[cols[j]];
          double[] axr = ax[r][at];
          for (int m = 0; m < n; m++) {
            axr[m] += aj * x[m][r];
          }
        }
      }
      for (int j = 0; j < nc; j++) {
        int col = cols[j];
        seen[col] = false;
        a[col] = 0;
        for (int m = 0; m < n; m++) {
          h[m][col] = 0;
        }
      }
    }
    // the Schur complement: S = Σ_r [X_rᵀX_r − (AᵀX_r)ᵀ (AᵀA)⁻¹ (AᵀX_r)] / tss_r
    DMatrixRMaj ata = new DMatrixRMaj(ma, ma);
    for (int i = 0; i < ma; i++) {
      for (int j = 0; j < ma; j++) {
        int ci = Math.min(sol.active[i], sol.active[j]);
        int cj = Math.max(sol.active[i], sol.active[j]);
        ata.unsafe_set(i, j, ne.ata[ci * k + cj]);
      }
    }
    LinearSolverDense<DMatrixRMaj> chol = LinearSolverFactory_DDRM.chol(ma);
    if (!chol.setA(ata)) {
      return null;
    }
    double[][] s = new double[n][n];
    for (int m = 0; m < n; m++) {
      for (int q = m; q < n; q++) {
        s[m][q] = xx[m][q];
      }
    }
    for (int r = 0; r < rails; r++) {
      if (scale[r] == 0) {
        continue;
      }
      DMatrixRMaj rhs = new DMatrixRMaj(ax[r]);
      DMatrixRMaj z = new DMatrixRMaj(ma, n);
      chol.solve(rhs, z);
      for (int m = 0; m < n; m++) {
        for (int q = m; q < n; q++) {
          double v = 0;
          for (int i = 0; i < ma; i++) {
            v += ax[r][i][m] * z.unsafe_get(i, q);
          }
          s[m][q] -= scale[r] * v;
        }
      }
    }
    double maxDiag = 0;
    for (int m = 0; m < n; m++) {
      for (int q = 0; q < m; q++) {
        s[m][q] = s[q][m];
      }
      s[m][m] *= 1 + DAMPING;
      maxDiag = Math.max(maxDiag, s[m][m]);
    }
    if (!(maxDiag > 0)) {
      return null;
    }
    // minimise (v − w)ᵀ S (v − w) − 2 gᵀ (v − w) over v ≥ 0, with Σ v = 1 as a heavy penalty
    double lambda = 1e4 * maxDiag;
    double[] c = new double[n];
    for (int m = 0; m < n; m++) {
      double v = g[m];
      for (int q = 0; q < n; q++) {
        v += s[m][q] * w[q];
      }
      c[m] = v + lambda;
    }
    for (int m = 0; m < n; m++) {
      for (int q = 0; q < n; q++) {
        s[m][q] += lambda;
      }
    }
    double[] v = Nnls.solve(s, c);
    double sum = 0;
    for (double t : v) {
      sum += t;
    }
    return sum > 0 ? v : null;
  }
}
