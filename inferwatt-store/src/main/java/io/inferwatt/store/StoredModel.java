package io.inferwatt.store;

import java.time.Instant;
import java.util.List;

/**
 * A fitted set of prediction models as the base keeps it.
 *
 * @param id the model's id (0 before it is saved), larger than every id before it
 * @param createdAt when it was fitted
 * @param board the board its training runs were measured on
 * @param study the study it was fitted on, or null for every run of the board
 * @param rails the rails it predicts, in order
 * @param trainingRows layer rows it was fitted on
 * @param trainingRuns runs those rows come from
 * @param features the input features, comma-separated
 * @param learners the learner chosen per layer type and target, as {@code type/target=learner}
 *     comma-separated
 * @param format the version of the body's format
 * @param body the serialized models (JSON)
 * @param folds every cross-validation fold's error
 * @param points a sample of out-of-fold predictions next to what was measured
 */
public record StoredModel(
    long id,
    Instant createdAt,
    String board,
    String study,
    List<String> rails,
    long trainingRows,
    long trainingRuns,
    String features,
    String learners,
    int format,
    String body,
    List<Fold> folds,
    List<Point> points) {

  public StoredModel {
    rails = List.copyOf(rails);
    folds = List.copyOf(folds);
    points = List.copyOf(points);
  }

  /** One cross-validation fold of one learner for one layer type and target. */
  public record Fold(
      String layerType,
      String target,
      String learner,
      int fold,
      int rowsHeldOut,
      double medianAbsErrorPct,
      boolean chosen,
      String hyperParameters) {}

  /** One out-of-fold prediction of the chosen learner. */
  public record Point(String layerType, String target, double measured, double predicted) {}
}
