package io.inferwatt.study;

import io.inferwatt.engines.sim.Truth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How far a method's numbers are from a virtual board's truth: the per-inference energy's relative
 * error, and per layer the relative error of power (or energy) over the layers that hold at least a
 * given share of the network's energy. Simulated by definition: only virtual boards have a truth.
 */
public final class TruthCheck {

  /** Layers below this share of the network's energy are left out of the per-layer errors. */
  public static final double MIN_SHARE = 0.01;

  private TruthCheck() {}

  /**
   * Per-layer errors.
   *
   * @param layers layers compared (those above {@link #MIN_SHARE} with a measured value)
   * @param medianPct median of the absolute relative errors, %
   * @param maxPct the largest absolute relative error, %
   * @param maxIndex the layer with the largest error; -1 when none was compared
   */
  public record LayerErrors(int layers, double medianPct, double maxPct, int maxIndex) {
    static final LayerErrors NONE = new LayerErrors(0, Double.NaN, Double.NaN, -1);
  }

  /** {@code (measured − truth) / truth} in %, NaN when either is missing or the truth is 0. */
  public static double errorPct(double measured, double truth) {
    if (Double.isNaN(measured) || Double.isNaN(truth) || truth == 0) {
      return Double.NaN;
    }
    return (measured - truth) / truth * 100;
  }

  /**
   * Errors of a per-layer quantity: {@code measured.get(i)} against {@code truthOf(layer i)}, over
   * the layers of {@code t} that hold at least {@link #MIN_SHARE} of the layers' energy on {@code
   * rail}. A missing or NaN measurement is skipped.
   */
  public static LayerErrors layers(
      Truth t, String rail, Map<Integer, Double> measured, boolean power) {
    double total = t.layersEnergyMj(rail);
    List<double[]> errs = new ArrayList<>();
    for (Truth.Layer l : t.layers()) {
      double e = l.energyMj().get(rail);
      Double m = measured.get(l.index());
      if (e < MIN_SHARE * total || m == null || m.isNaN()) {
        continue;
      }
      double truth = power ? l.powerMw().get(rail) : e;
      errs.add(new double[] {Math.abs(errorPct(m, truth)), l.index()});
    }
    if (errs.isEmpty()) {
      return LayerErrors.NONE;
    }
    double[] abs = errs.stream().mapToDouble(x -> x[0]).sorted().toArray();
    double median =
        abs.length % 2 == 1
            ? abs[abs.length / 2]
            : (abs[abs.length / 2 - 1] + abs[abs.length / 2]) / 2;
    double[] worst = errs.stream().max((a, b) -> Double.compare(a[0], b[0])).orElseThrow();
    return new LayerErrors(abs.length, median, worst[0], (int) worst[1]);
  }

  /** The layers' indices above {@link #MIN_SHARE} of the energy on {@code rail}. */
  public static int[] significant(Truth t, String rail) {
    double total = t.layersEnergyMj(rail);
    return t.layers().stream()
        .filter(l -> l.energyMj().get(rail) >= MIN_SHARE * total)
        .mapToInt(Truth.Layer::index)
        .toArray();
  }
}
