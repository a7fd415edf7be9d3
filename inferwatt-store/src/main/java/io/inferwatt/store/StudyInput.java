package io.inferwatt.store;

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
 */
public record StudyInput(
    String studyId, String board, String engine, boolean simulated, String plan, int plannedConfigurations) {
  public StudyInput {
    Objects.requireNonNull(studyId, "studyId");
    Objects.requireNonNull(board, "board");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(plan, "plan");
    if (studyId.isBlank()) {
      throw new IllegalArgumentException("study id is blank: '" + studyId + "'");
    }
  }
}
