package io.inferwatt.study;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.Timeline;
import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.analysis.AnalysisResult;
import io.inferwatt.core.analysis.Analyzer;
import io.inferwatt.core.model.Protocol;
import io.inferwatt.core.model.Workload;
import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.Recorder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures one configuration with the measurement protocol: check every requested setting first
 * (all problems in one message) and the memory and time the protocol needs ({@link Budget}), apply
 * and read back each setting, record the phases, restore every setting (also on error), analyse.
 */
public final class ProfileRunner {

  private ProfileRunner() {}

  /**
   * Runs one configuration.
   *
   * @param settings knob name to value; knobs not named keep their current value
   * @throws IllegalArgumentException naming every unknown knob and refused value at once, or the
   *     memory or time the protocol would need beyond what this JVM and {@link Budget} allow
   */
  public static ProfileResult run(
      Recorder recorder,
      Workload workload,
      Map<String, String> settings,
      Protocol protocol,
      AnalysisOptions options,
      Recorder.ProgressListener listener) {
    Map<String, Knob> knobs = new LinkedHashMap<>();
    for (Knob k : recorder.knobs()) {
      knobs.put(k.name(), k);
    }
    check(knobs, settings);
    // memory and time before any setting changes: refused here, nothing was touched
    Budget.ofThisJvm().check(Budget.estimate(recorder, workload, settings, protocol, false));
    Instant started = Instant.now();
    Map<String, String> saved = new LinkedHashMap<>();
    Timeline timeline;
    Map<String, String> applied = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, String> e : settings.entrySet()) {
        Knob k = knobs.get(e.getKey());
        saved.put(k.name(), k.read());
        k.apply(e.getValue());
        String back = k.read();
        if (!back.equals(e.getValue())) {
          throw new IllegalStateException(
              k.name()
                  + " was set to "
                  + e.getValue()
                  + " but reads back "
                  + back
                  + "; refusing to measure a setting that did not take");
        }
      }
      for (Knob k : knobs.values()) {
        if (!k.onDemand() || settings.containsKey(k.name())) { // never run a tool not asked for
          applied.put(k.name(), k.read());
        }
      }
      timeline = recorder.record(workload, protocol, listener);
    } catch (RuntimeException | Error failure) {
      // restore, and let the measurement's own failure be the one reported
      try {
        restore(knobs, saved);
      } catch (RuntimeException notRestored) {
        failure.addSuppressed(notRestored);
      }
      throw failure;
    }
    restore(knobs, saved);
    AnalysisResult analysis =
        Analyzer.analyze(
            timeline, recorder.simulated(), options.withMinSamples(protocol.minSamplesPerLayer()));
    return new ProfileResult(
        recorder.board(),
        recorder.simulated(),
        workload,
        applied,
        started,
        timeline,
        analysis,
        totalRail(recorder.rails(), analysis.rails()));
  }

  /**
   * The first rail the source marks as the board's total that was recorded; empty when none is.
   * This is the one place the total rail is decided; the store and every report read it back.
   */
  static String totalRail(List<io.inferwatt.hardware.Rail> sourceRails, List<String> recorded) {
    return sourceRails.stream()
        .filter(io.inferwatt.hardware.Rail::total)
        .map(io.inferwatt.hardware.Rail::name)
        .filter(recorded::contains)
        .findFirst()
        .orElse("");
  }

  private static void check(Map<String, Knob> knobs, Map<String, String> settings) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : settings.entrySet()) {
      Knob k = knobs.get(e.getKey());
      if (k == null) {
        problems.add(
            "unknown setting '"
                + e.getKey()
                + "' (this board has "
                + String.join(", ", knobs.keySet())
                + ")");
      } else if (!k.allowed().contains(e.getValue())) {
        problems.add(
            k.name() + " " + e.getValue() + " is not one of " + String.join(", ", k.allowed()));
      }
    }
    if (!problems.isEmpty()) {
      throw new BadInputException(String.join("; ", problems));
    }
  }

  private static void restore(Map<String, Knob> knobs, Map<String, String> saved) {
    RuntimeException first = null;
    for (Map.Entry<String, String> e : saved.entrySet()) {
      try {
        knobs.get(e.getKey()).apply(e.getValue());
      } catch (RuntimeException ex) {
        if (first == null) {
          first =
              new IllegalStateException(
                  "could not restore " + e.getKey() + " to " + e.getValue(), ex);
        } else {
          first.addSuppressed(ex);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
