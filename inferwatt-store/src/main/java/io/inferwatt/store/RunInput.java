package io.inferwatt.store;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.analysis.AnalysisResult;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Everything saved for one measured configuration.
 *
 * @param board the board's name ({@code jetson-nano}, {@code rtx-4090}, ...)
 * @param simulated whether the board is simulated; must agree with {@code result.simulated()}
 * @param model the network measured
 * @param settings the hardware and network settings of the run, in the order they should be shown
 *     ({@code cpu_cores=4}, {@code gpu_freq_hz=921600000}, ...)
 * @param startedAt when the run started (wall clock; stored to the microsecond)
 * @param toolVersion the inferwatt version that measured it
 * @param environment where it ran ({@code os}, {@code kernel}, {@code java}, ...), in order
 * @param result the analysis of the run
 * @param totalRail the rail the power source marks as the board's total ({@code Rail.total}: the
 *     INA3221's board input on a Jetson, the RAPL package or platform on a CPU, the GPU board on
 *     NVML); empty when no rail is. Every power and energy "of the board" is this rail's.
 * @param samples the raw power samples, stored when present
 * @param details per-inference records, layer features and the logger's self-measurement ({@link
 *     RunDetails#NONE} when not kept)
 * @param events the raw inference, layer and phase events, stored when present (with {@code
 *     samples}, the recording that {@code inferwatt reanalyze} analyses again)
 * @param derivedFrom the stored run this run's analysis was re-run from, or empty for a measured
 *     run
 */
public record RunInput(
    String board,
    boolean simulated,
    String model,
    Map<String, String> settings,
    Instant startedAt,
    String toolVersion,
    Map<String, String> environment,
    AnalysisResult result,
    String totalRail,
    Optional<RawSamples> samples,
    RunDetails details,
    Optional<EventLog> events,
    OptionalLong derivedFrom) {

  /** A measured run without raw events. */
  public RunInput(
      String board,
      boolean simulated,
      String model,
      Map<String, String> settings,
      Instant startedAt,
      String toolVersion,
      Map<String, String> environment,
      AnalysisResult result,
      String totalRail,
      Optional<RawSamples> samples,
      RunDetails details) {
    this(
        board,
        simulated,
        model,
        settings,
        startedAt,
        toolVersion,
        environment,
        result,
        totalRail,
        samples,
        details,
        Optional.empty(),
        OptionalLong.empty());
  }

  /** A run without details (no per-inference records, layer features or logger statistics). */
  public RunInput(
      String board,
      boolean simulated,
      String model,
      Map<String, String> settings,
      Instant startedAt,
      String toolVersion,
      Map<String, String> environment,
      AnalysisResult result,
      String totalRail,
      Optional<RawSamples> samples) {
    this(
        board,
        simulated,
        model,
        settings,
        startedAt,
        toolVersion,
        environment,
        result,
        totalRail,
        samples,
        RunDetails.NONE);
  }

  public RunInput {
    Objects.requireNonNull(board, "board");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(toolVersion, "toolVersion");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(totalRail, "totalRail");
    Objects.requireNonNull(samples, "samples");
    Objects.requireNonNull(details, "details");
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(derivedFrom, "derivedFrom");
    if (board.isBlank()) {
      throw new IllegalArgumentException("board name is blank: '" + board + "'");
    }
    if (simulated != result.simulated()) {
      throw new IllegalArgumentException(
          "run on board "
              + board
              + " says simulated="
              + simulated
              + " but its analysis says simulated="
              + result.simulated());
    }
    settings = ordered(settings, "settings");
    environment = ordered(environment, "environment");
  }

  /** The same run without raw samples or events. */
  public RunInput withoutSamples() {
    return with(Optional.empty(), details, Optional.empty(), derivedFrom);
  }

  /** The same run with {@code details}. */
  public RunInput withDetails(RunDetails details) {
    return with(samples, details, events, derivedFrom);
  }

  /** The same run with its raw recording: power samples and events. */
  public RunInput withRaw(RawSamples rawSamples, EventLog rawEvents) {
    return with(Optional.of(rawSamples), details, Optional.of(rawEvents), derivedFrom);
  }

  /** The same run, marked as re-analysed from stored run {@code id}. */
  public RunInput derivedFrom(long id) {
    return with(samples, details, events, OptionalLong.of(id));
  }

  /** The same measured configuration and results with other raw data, details or origin. */
  private RunInput with(
      Optional<RawSamples> samples,
      RunDetails details,
      Optional<EventLog> events,
      OptionalLong derivedFrom) {
    return new RunInput(
        board,
        simulated,
        model,
        settings,
        startedAt,
        toolVersion,
        environment,
        result,
        totalRail,
        samples,
        details,
        events,
        derivedFrom);
  }

  /**
   * Which raw data the run keeps, as {@code runs.raw_kept} says it: {@code all} with its raw
   * samples or events, {@code summary} with per-inference records only, else {@code none}.
   */
  public String rawKept() {
    if (samples.isPresent() || events.isPresent()) {
      return "all";
    }
    return details.inferences().isEmpty() ? "none" : "summary";
  }

  static Map<String, String> ordered(Map<String, String> in, String what) {
    Objects.requireNonNull(in, what);
    Map<String, String> copy = new LinkedHashMap<>();
    in.forEach(
        (k, v) -> {
          if (k == null || v == null) {
            throw new IllegalArgumentException(what + " entry " + k + "=" + v + " has a null");
          }
          copy.put(k, v);
        });
    return Collections.unmodifiableMap(copy);
  }
}
