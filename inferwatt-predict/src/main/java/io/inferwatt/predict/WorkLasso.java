package io.inferwatt.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A work model with a Lasso correction. For times (and energies): first a non-negative linear fit,
 * on the linear scale, of the value on work terms — each of {1, MACs, tensor elements} times the
 * batch, times 1 or the reciprocal of each clock frequency among the settings (the roofline's
 * compute, memory and per-launch terms; which clock paces which term is left to the fit) — with
 * relative errors (rows weighted by 1/value²); then {@link LassoPoly} on the log of what that fit
 * leaves (measured / work model), its strength cross-validated as usual. A sum of terms is what a
 * polynomial of logs approximates worst, so the work model takes the sum and the Lasso the rest
 * (per-input factors of the batch and mode, power states). For powers the terms are 1 and each
 * clock's f, f², f³ (static and dynamic power, the voltage rising with the clock), the Lasso taking
 * the layer's activity.
 *
 * <p>The non-negative fit has a few parameters (3 × (1 + clocks + gates)) and is fitted on every
 * row once; the cross-validation of the correction holds networks out as for the other learners.
 */
final class WorkLasso implements Regressor {

  static final String NAME = "work-lasso";

  /**
   * Where the work terms come from in a row of {@link FeatureSpace}.
   *
   * @param batch the index of the log batch, or -1
   * @param clocks the indices of the log clock frequencies whose reciprocals pace work terms (for a
   *     time, every clock but the host's)
   * @param power terms of a power rather than a time: 1 and each clock's f, f², f³ (static power,
   *     dynamic power ∝ f·V² with the voltage rising with f)
   * @param host the index of the log host clock ({@link FeatureSpace#HOST_CLOCK}) for a time, or
   *     -1: its reciprocal paces the host's launches, which a layer waits for only where the rest
   *     of the network does not hide them
   * @param gates where the host's launch terms open, in {@code log_network_host_per_others_ms} (the
   *     host's work per inference over the other layers' time): each host term is gated by a
   *     logistic step at one of these positions; none: a single term, always open
   */
  record Basis(int batch, int[] clocks, boolean power, int host, double[] gates) {

    /** The gates' steepness in the log ratio: a factor e above its position opens one to 0.98. */
    static final double GATE_SLOPE = 4;

    /** How many gates {@link #gated} places over the rows' range of the ratio. */
    static final int GATES = 16;

    /**
     * The basis of a time or an energy in {@code space}: its batch, the reciprocal of every numeric
     * setting named like a frequency, and the host's clock apart ({@link #gated}). A layer alone
     * waits for every launch of the host; inside a long network the other layers' work hides them:
     * a term in 1/f of the host's clock, learnt open on single layers, made every layer of a long
     * network slow at a slow CPU clock.
     */
    static Basis of(FeatureSpace space) {
      int host =
          space.numeric().getOrDefault(FeatureSpace.HOST_CLOCK, false)
              ? space.indexOf(FeatureSpace.HOST_CLOCK)
              : -1;
      return new Basis(batchIndex(space), clocks(space, host), false, host, new double[0]);
    }

    /**
     * The basis of a power in {@code space}: every clock, the host's too (its f, f², f³ are the CPU
     * rail's dynamic power).
     */
    static Basis forPower(FeatureSpace space) {
      return new Basis(batchIndex(space), clocks(space, -1), true, -1, new double[0]);
    }

    private static int batchIndex(FeatureSpace space) {
      return space.numeric().getOrDefault("batch", false) ? space.indexOf("batch") : -1;
    }

    private static int[] clocks(FeatureSpace space, int except) {
      List<Integer> clocks = new ArrayList<>();
      space
          .numeric()
          .forEach(
              (k, log) -> {
                if (log && k.contains("freq") && space.indexOf(k) != except) {
                  clocks.add(space.indexOf(k));
                }
              });
      return clocks.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * This basis with its host terms gated at {@link #GATES} positions evenly over the 2nd to 98th
     * percentile of the rows' {@code log_network_host_per_others_ms}; unchanged where the rows span
     * no range of it (a type without network context: one host term, always open).
     */
    Basis gated(double[][] x) {
      if (power || host < 0 || x.length == 0) {
        return this;
      }
      double[] z = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        z[i] = x[i][FeatureSpace.HOST_PER_OTHERS];
      }
      java.util.Arrays.sort(z);
      double lo = z[(int) Math.floor(0.02 * (z.length - 1))];
      double hi = z[(int) Math.ceil(0.98 * (z.length - 1))];
      if (!(hi - lo > 1e-6)) {
        return new Basis(batch, clocks, power, host, new double[0]);
      }
      double[] g = new double[GATES];
      for (int k = 0; k < GATES; k++) {
        g[k] = lo + (hi - lo) * (k + 0.5) / GATES;
      }
      return new Basis(batch, clocks, power, host, g);
    }

    /** Writes this basis and the terms' {@code weights} into {@code o}. */
    void toJson(ObjectNode o, double[] weights) {
      o.put("batch", batch);
      o.put("power", power);
      ArrayNode cl = o.putArray("clocks");
      for (int c : clocks) {
        cl.add(c);
      }
      if (host >= 0) {
        o.put("host", host);
        ArrayNode g = o.putArray("gates");
        for (double v : gates) {
          g.add(v);
        }
      }
      ArrayNode w = o.putArray("weights");
      for (double v : weights) {
        w.add(v);
      }
    }

    /**
     * The basis written by {@link #toJson}. A model of an earlier fit has no host terms: its clocks
     * hold the host's, its launch term always open.
     */
    static Basis fromJson(JsonNode o) {
      int[] clocks = new int[o.get("clocks").size()];
      for (int i = 0; i < clocks.length; i++) {
        clocks[i] = o.get("clocks").get(i).asInt();
      }
      double[] gates = new double[o.path("gates").size()];
      for (int i = 0; i < gates.length; i++) {
        gates[i] = o.get("gates").get(i).asDouble();
      }
      return new Basis(
          o.get("batch").asInt(),
          clocks,
          o.path("power").asBoolean(),
          o.path("host").asInt(-1),
          gates);
    }

    private int hostTerms() {
      return host < 0 ? 0 : Math.max(1, gates.length);
    }

    int size() {
      return power ? 1 + 3 * clocks.length : 3 * (1 + clocks.length + hostTerms());
    }

    /** The work terms of row {@code x} (log features: MACs, elements in and out at 0, 1, 2). */
    double[] terms(double[] x) {
      if (power) {
        double[] out = new double[size()];
        out[0] = 1;
        int i = 1;
        for (int c : clocks) {
          double g = Math.exp(x[c]) * 1e-9;
          out[i++] = g;
          out[i++] = g * g;
          out[i++] = g * g * g;
        }
        return out;
      }
      double b = batch < 0 ? 1 : Math.exp(x[batch]);
      double[] sizes = {1, Math.expm1(x[0]), Math.expm1(x[1]) + Math.expm1(x[2])};
      double[] open = new double[hostTerms()];
      if (host >= 0) {
        double z = x[FeatureSpace.HOST_PER_OTHERS];
        for (int k = 0; k < open.length; k++) {
          open[k] = gates.length == 0 ? 1 : 1 / (1 + Math.exp(-GATE_SLOPE * (z - gates[k])));
        }
      }
      double[] out = new double[size()];
      int i = 0;
      for (double s : sizes) {
        out[i++] = s * b;
        for (int c : clocks) {
          // frequencies in GHz-like units keep the terms within a few orders of magnitude
          out[i++] = s * b * Math.exp(-x[c]) * 1e9;
        }
        for (double o : open) {
          out[i++] = s * b * Math.exp(-x[host]) * 1e9 * o;
        }
      }
      return out;
    }
  }

  private final Basis basis;
  private final double[] weights;
  private final LassoPoly residual;
  private final double rMin;
  private final double rMax;

  /**
   * @param rMin the smallest correction (log of measured / work model) the training rows needed;
   *     the correction predicted is kept within [rMin, rMax], so that a layer far outside the rows
   *     is extrapolated along its work, never along the correction's polynomial
   */
  WorkLasso(Basis basis, double[] weights, LassoPoly residual, double rMin, double rMax) {
    this.basis = basis;
    this.weights = weights;
    this.residual = residual;
    this.rMin = rMin;
    this.rMax = rMax;
  }

  /**
   * Fits the work model on every row, then cross-validates the Lasso correction over the folds of
   * {@code designs}.
   *
   * @param x the rows (the same as {@code designs} expands)
   * @param y targets on the log scale
   */
  static Fit<WorkLasso> fit(Basis unGated, double[][] x, LassoPoly.Designs designs, double[] y) {
    Basis basis = unGated.gated(x);
    Work fitted = Work.fit(basis, x, y);
    double[] w = fitted.weights();
    double[] work = fitted.logWork();
    double[] r = fitted.rest(y);
    Fit<LassoPoly> res = LassoPoly.fit(designs, r);
    double rMin = Double.POSITIVE_INFINITY;
    double rMax = Double.NEGATIVE_INFINITY;
    for (double v : r) {
      rMin = Math.min(rMin, v);
      rMax = Math.max(rMax, v);
    }
    double[] oof = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      oof[i] = work[i] + Math.max(rMin, Math.min(rMax, res.outOfFold()[i]));
    }
    return new Fit<>(new WorkLasso(basis, w, res.model(), rMin, rMax), oof);
  }

  /**
   * The non-negative fit of the work terms on every row.
   *
   * @param weights the terms' weights
   * @param logWork each row's work model, on the log scale
   */
  record Work(double[] weights, double[] logWork) {

    static Work fit(Basis basis, double[][] x, double[] y) {
      double[][] phi = new double[x.length][];
      for (int i = 0; i < x.length; i++) {
        phi[i] = basis.terms(x[i]);
      }
      double[] w = nnls(phi, y);
      double[] work = new double[y.length];
      for (int i = 0; i < y.length; i++) {
        work[i] = WorkLasso.logWork(phi[i], w);
      }
      return new Work(w, work);
    }

    /** What the work model leaves of {@code y} (log measured − log work model). */
    double[] rest(double[] y) {
      double[] r = new double[y.length];
      for (int i = 0; i < y.length; i++) {
        r[i] = y[i] - logWork[i];
      }
      return r;
    }
  }

  static double logWork(double[] phi, double[] w) {
    double s = 0;
    for (int j = 0; j < w.length; j++) {
      s += phi[j] * w[j];
    }
    return Math.log(Math.max(s, 1e-300));
  }

  /**
   * Non-negative least squares of relative errors: minimises Σ (φᵢ·w / yᵢ − 1)² over w ≥ 0 by
   * projected coordinate descent on the normal equations (columns scaled to unit norm).
   */
  static double[] nnls(double[][] phi, double[] yLog) {
    int p = phi.length == 0 ? 0 : phi[0].length;
    double[][] g = new double[p][p];
    double[] c = new double[p];
    for (int i = 0; i < phi.length; i++) {
      double inv = Math.exp(-yLog[i]);
      for (int a = 0; a < p; a++) {
        double va = phi[i][a] * inv;
        if (va == 0) {
          continue;
        }
        c[a] += va;
        for (int b = a; b < p; b++) {
          g[a][b] += va * phi[i][b] * inv;
        }
      }
    }
    double[] scale = new double[p];
    for (int a = 0; a < p; a++) {
      for (int b = 0; b < a; b++) {
        g[a][b] = g[b][a];
      }
      scale[a] = g[a][a] > 0 ? Math.sqrt(g[a][a]) : 0;
    }
    double[] w = new double[p]; // in scaled units
    for (int sweep = 0; sweep < 2000; sweep++) {
      double change = 0;
      for (int a = 0; a < p; a++) {
        if (scale[a] == 0) {
          continue;
        }
        double grad = c[a] / scale[a];
        for (int b = 0; b < p; b++) {
          if (scale[b] > 0 && w[b] != 0) {
            grad -= g[a][b] / (scale[a] * scale[b]) * w[b];
          }
        }
        double nw = Math.max(0, w[a] + grad); // the scaled diagonal is 1
        change = Math.max(change, Math.abs(nw - w[a]));
        w[a] = nw;
      }
      if (change < 1e-10) {
        break;
      }
    }
    double[] out = new double[p];
    for (int a = 0; a < p; a++) {
      out[a] = scale[a] > 0 ? w[a] / scale[a] : 0;
    }
    return out;
  }

  @Override
  public String learner() {
    return NAME;
  }

  @Override
  public String hyperParameters() {
    int nonZero = 0;
    for (double v : weights) {
      nonZero += v > 0 ? 1 : 0;
    }
    return String.format(
        Locale.ROOT, "work_terms=%d/%d,%s", nonZero, weights.length, residual.hyperParameters());
  }

  @Override
  public double[] predict(double[][] x) {
    double[] r = residual.predict(x);
    for (int i = 0; i < x.length; i++) {
      r[i] = Math.max(rMin, Math.min(rMax, r[i])) + logWork(basis.terms(x[i]), weights);
    }
    return r;
  }

  @Override
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("learner", NAME);
    basis.toJson(o, weights);
    o.set("residual", residual.toJson());
    o.put("r_min", rMin);
    o.put("r_max", rMax);
    return o;
  }

  static WorkLasso fromJson(JsonNode o) {
    return new WorkLasso(
        Basis.fromJson(o),
        weightsOf(o),
        LassoPoly.fromJson(o.get("residual")),
        o.path("r_min").asDouble(Double.NEGATIVE_INFINITY),
        o.path("r_max").asDouble(Double.POSITIVE_INFINITY));
  }

  /** The work terms' weights of a model written by {@link Basis#toJson}. */
  static double[] weightsOf(JsonNode o) {
    double[] w = new double[o.get("weights").size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = o.get("weights").get(i).asDouble();
    }
    return w;
  }
}
