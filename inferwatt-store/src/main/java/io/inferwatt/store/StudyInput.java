package io.inferwatt.store;

import io.inferwatt.core.BadInputException;
import java.util.Objects;

/**
 * A study as it is recorded when it starts (and again when it resumes).
 *
 * @param studyId the study's name, its key
 * @param board the board it runs on
 * @param engine the inference engine
 * @param simulated whether the board is simulated
 * @param plan the plan file's text
 * @param plannedConfigurations configurations the plan expands to
 * @param slices the groups of configurations the optima compare
 */
public record StudyInput(
    String studyId,
    String board,
    String engine,
    boolean simulated,
    String plan,
    int plannedConfigurations,
    java.util.List<Slice> slices) {

  /**
   * Configurations that differ only in {@code factors}: one setting of a one-at-a-time sweep, or a
   * grid.
   *
   * @param label {@code sweep} or {@code sweep/setting}
   * @param factors the settings that vary
   * @param configKeys the member configurations' keys, in sweep order
   */
  public record Slice(
      String label, java.util.List<String> factors, java.util.List<String> configKeys) {
    public Slice {
      factors = java.util.List.copyOf(factors);
      configKeys = java.util.List.copyOf(configKeys);
      for (String f : factors) {
        if (f.contains(",")) {
          throw new BadInputException("factor name '" + f + "' has a comma");
        }
      }
    }
  }

  public StudyInput {
    slices = java.util.List.copyOf(slices);
    Objects.requireNonNull(studyId, "studyId");
    Objects.requireNonNull(board, "board");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(plan, "plan");
    if (studyId.isBlank()) {
      throw new BadInputException("study id is blank: '" + studyId + "'");
    }
  }
}
