package io.inferwatt.predict;

import java.util.ArrayList;
import java.util.List;

/** The rows outside one fold (for fitting) and the rows in it (held out). */
record Subset(double[][] trainX, double[] trainY, List<Integer> held) {

  static Subset of(double[][] x, double[] y, int[] fold, int f) {
    List<Integer> train = new ArrayList<>();
    List<Integer> held = new ArrayList<>();
    for (int i = 0; i < fold.length; i++) {
      (fold[i] == f ? held : train).add(i);
    }
    double[][] tx = new double[train.size()][];
    double[] ty = new double[train.size()];
    for (int i = 0; i < tx.length; i++) {
      tx[i] = x[train.get(i)];
      ty[i] = y[train.get(i)];
    }
    return new Subset(tx, ty, held);
  }
}
