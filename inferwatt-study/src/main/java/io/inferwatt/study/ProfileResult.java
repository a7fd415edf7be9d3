package io.inferwatt.study;

import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.model.Workload;
import java.time.Instant;
import java.util.Map;

/**
 * One measured configuration.
 *
 * @param board the board's name
 * @param simulated whether the numbers come from a simulated board
 * @param workload what ran
 * @param settings every knob's value while measuring (read back from the board), in order
 * @param startedAt wall-clock start, for people and the store
 * @param timeline everything recorded
 * @param analysis the analysis of the recording
 * @param totalRail the rail the recorder's power source marks as the board's total ({@link
 *     io.inferwatt.hardware.Rail#total()}), empty when none of the recorded rails is
 */
public record ProfileResult(
    String board,
    boolean simulated,
    Workload workload,
    Map<String, String> settings,
    Instant startedAt,
    Timeline timeline,
    AnalysisResult analysis,
    String totalRail) {}
