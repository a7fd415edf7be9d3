package io.inferwatt.store;

import java.time.Instant;

/**
 * One stored study.
 *
 * @param studyId its name
 * @param board the board
 * @param engine the engine
 * @param simulated whether the board is simulated
 * @param createdAt when it first started
 * @param updatedAt when it last started or resumed
 * @param plannedConfigurations configurations in its plan
 * @param finishedConfigurations configurations stored
 * @param plan the plan's text
 */
public record StudyRow(
    String studyId,
    String board,
    String engine,
    boolean simulated,
    Instant createdAt,
    Instant updatedAt,
    int plannedConfigurations,
    long finishedConfigurations,
    String plan) {}
