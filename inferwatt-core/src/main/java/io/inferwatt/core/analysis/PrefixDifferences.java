package io.inferwatt.core.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-layer energy from the energy per inference of a network's prefixes (differential prefix
 * profiling): prefix {@code k} runs the first {@code k} layers ({@code k = 0} none: the engine's
 * own overhead), and layer {@code k} costs {@code E(k) − E(k−1)}. Each round measures every prefix
 * once; the rounds are the repetitions behind each layer's 95 % confidence interval (Student's t
 * over the per-round differences), so whatever drifts between rounds widens the interval instead of
 * biasing the mean when the rounds are interleaved.
 */
public final class PrefixDifferences {

  private final int layers;
  private final List<double[]> rounds = new ArrayList<>();

  /** For a network of {@code layers} layers (prefixes 0 … layers). */
  public PrefixDifferences(int layers) {
    if (layers < 1) {
      throw new IllegalArgumentException("a network needs at least 1 layer, not " + layers);
    }
    this.layers = layers;
  }

  /** Adds one round: {@code prefixEnergyMj[k]} is the energy per inference of prefix k, mJ. */
  public void add(double[] prefixEnergyMj) {
    if (prefixEnergyMj.length != layers + 1) {
      throw new IllegalArgumentException(
          "a round has " + (layers + 1) + " prefixes, not " + prefixEnergyMj.length);
    }
    rounds.add(prefixEnergyMj.clone());
  }

  /** Rounds so far. */
  public int rounds() {
    return rounds.size();
  }

  /**
   * One layer's energy.
   *
   * @param index the layer's position (0 = the first layer)
   * @param energyMj mean of the per-round differences, mJ
   * @param halfWidthMj half the 95 % confidence interval, mJ; NaN with fewer than 2 rounds
   */
  public record Layer(int index, double energyMj, double halfWidthMj) {}

  /** Every layer's estimate from the rounds so far. */
  public List<Layer> layers() {
    int n = rounds.size();
    List<Layer> out = new ArrayList<>(layers);
    for (int k = 1; k <= layers; k++) {
      double sum = 0;
      for (double[] r : rounds) {
        sum += r[k] - r[k - 1];
      }
      double mean = sum / n;
      double hw = Double.NaN;
      if (n >= 2) {
        double ss = 0;
        for (double[] r : rounds) {
          double d = r[k] - r[k - 1] - mean;
          ss += d * d;
        }
        hw = StudentT.quantile975(n - 1) * Math.sqrt(ss / (n - 1) / n);
      }
      out.add(new Layer(k - 1, mean, hw));
    }
    return out;
  }

  /** The mean energy per inference of the whole network over the engine's overhead, mJ. */
  public double networkMj() {
    double sum = 0;
    for (double[] r : rounds) {
      sum += r[layers] - r[0];
    }
    return sum / rounds.size();
  }

  /**
   * The rounds needed so that every layer's half-width is at most {@code relative} of its energy
   * when it holds at least {@code minShare} of the network's energy, and at most {@code relative ×
   * minShare} of the network's energy otherwise (so a small layer's interval is judged against the
   * smallest layer that counts, not against its own size); from the spread so far (half-widths
   * shrink as 1/√rounds). At least {@link #rounds()}; {@code Integer.MAX_VALUE} is never returned:
   * the caller caps it.
   */
  public int roundsNeeded(double relative, double minShare) {
    int n = rounds.size();
    if (n < 2) {
      return 2;
    }
    double net = Math.abs(networkMj());
    double worst = 1;
    for (Layer l : layers()) {
      double target =
          Math.abs(l.energyMj()) >= minShare * net
              ? relative * Math.abs(l.energyMj())
              : relative * minShare * net;
      if (target > 0 && l.halfWidthMj() > 0) {
        worst = Math.max(worst, Math.pow(l.halfWidthMj() / target, 2));
      }
    }
    double need = Math.ceil(n * worst);
    return (int) Math.min(1_000_000, Math.max(n, need));
  }
}
