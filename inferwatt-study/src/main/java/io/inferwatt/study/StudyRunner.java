package io.inferwatt.study;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.model.Workload;
import io.inferwatt.hardware.Recorder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Runs a study: every configuration not yet finished goes through the protocol with {@link
 * ProfileRunner} (check, apply and read back, warm-up, latency, power, layers, idle, restore) and
 * is handed to the {@link Sink} at once, which stores it. Interrupted at any point, the next run
 * over the same sink starts with the first unfinished configuration; a finished one is never
 * measured again, because the sink knows its key.
 */
public final class StudyRunner {
  private StudyRunner() {}

  /** Where finished configurations go (the CLI wires it to the measurement base). */
  public interface Sink {
    /** Records the study (once; again on resume) and returns the keys already finished. */
    Set<String> begin(Expansion study);

    /** Keeps one finished configuration for good, before the next one starts. */
    void finished(Expansion study, Configuration configuration, ProfileResult result);
  }

  /** Progress of a study; called from the measuring thread. */
  public interface Listener extends Recorder.ProgressListener {
    /** Before configuration {@code c}; {@code done} of {@code total} are finished. */
    default void started(Configuration c, int done, int total) {}

    /** After configuration {@code c} was stored; {@code done} of {@code total} are finished. */
    default void finished(Configuration c, ProfileResult r, int done, int total) {}

    @Override
    default void progress(String phase, long done, long total) {}
  }

  /**
   * What a run did.
   *
   * @param total configurations in the study
   * @param alreadyFinished configurations found finished at the start
   * @param measured configurations measured now
   */
  public record Summary(int total, int alreadyFinished, int measured) {}

  /**
   * What the study needs, by {@link Budget}'s estimate.
   *
   * @param durationNs the board time of every configuration together (virtual on a virtual board)
   * @param durationKnown whether {@code durationNs} is an estimate (else a lower bound: a real
   *     board's latency is known only by measuring)
   * @param peakBytes the memory of the largest configuration
   * @param storedSummaryBytes what the configurations add to the measurement base without their raw
   *     recordings ({@code --keep-raw summary})
   * @param storedRawBytes what their raw samples and events add on top ({@code --keep-raw all})
   */
  public record Needs(
      double durationNs,
      boolean durationKnown,
      double peakBytes,
      double storedSummaryBytes,
      double storedRawBytes) {

    /** What the study adds to the base, with ({@code raw}) or without the raw recordings. */
    public double storedBytes(boolean raw) {
      return storedSummaryBytes + (raw ? storedRawBytes : 0);
    }

    /**
     * For people: {@code about 2.5 h of board time, at most 1.2 GiB of memory per configuration}.
     */
    public String describe(boolean simulated) {
      return (durationKnown ? "about " : "at least ")
          + Budget.duration(durationNs)
          + (simulated ? " of simulated board time" : " of board time")
          + ", at most "
          + Budget.bytes(peakBytes)
          + " of memory per configuration; the measurement base grows by about "
          + Budget.bytes(storedBytes(true))
          + " with the raw recordings (--keep-raw all), "
          + Budget.bytes(storedBytes(false))
          + " without (--keep-raw summary)";
    }
  }

  /**
   * Checks every configuration of {@code study} against {@link Budget} before anything is measured
   * ({@link #run} does, and so must a dry run).
   *
   * @param recorder the board, or null where none is open (a dry run on a real board)
   * @throws IllegalArgumentException in one line: how many configurations do not fit, and the first
   *     one's reason
   */
  public static Needs check(Recorder recorder, Expansion study) {
    return check(recorder, study, Budget.ofThisJvm());
  }

  static Needs check(Recorder recorder, Expansion study, Budget budget) {
    boolean buildsModel = recorder == null || !recorder.simulated();
    double durationNs = 0;
    double peak = 0;
    double summary = 0;
    double raw = 0;
    boolean known = true;
    int bad = 0;
    String first = null;
    List<Configuration> all = study.configurations();
    for (Configuration c : all) {
      Budget.Estimate e =
          Budget.estimate(
              recorder,
              Models.workload(c.settings()),
              hardware(c),
              study.plan().protocol(),
              buildsModel);
      String problem = budget.problem(e);
      if (problem != null) {
        if (bad++ == 0) {
          first =
              "configuration "
                  + (c.index() + 1)
                  + "/"
                  + all.size()
                  + " ["
                  + c.sweep()
                  + "] "
                  + c.key()
                  + ": "
                  + problem;
        }
      }
      durationNs += e.durationNs();
      peak = Math.max(peak, e.recordingBytes());
      summary += e.storedSummaryBytes();
      raw += e.storedRawBytes();
      known &= e.cycleKnown();
    }
    if (bad > 0) {
      throw new BadInputException(
          "study "
              + study.plan().study()
              + ": "
              + bad
              + " of "
              + all.size()
              + " configurations cannot be measured here, nothing was measured; "
              + (bad > 1 ? "the first, " : "")
              + first);
    }
    return new Needs(durationNs, known, peak, summary, raw);
  }

  /** The configurations in the order the plan measures them ({@link Plan.Order}). */
  public static List<Configuration> measuringOrder(Expansion study) {
    List<Configuration> all = study.configurations();
    if (study.plan().order() != Plan.Order.SHUFFLED) {
      return all;
    }
    List<Configuration> shuffled = new ArrayList<>(all);
    Collections.shuffle(shuffled, new Random(study.plan().seed()));
    return shuffled;
  }

  private static Map<String, String> hardware(Configuration c) {
    Map<String, String> hardware = new LinkedHashMap<>(c.settings());
    Models.ENGINE_KEYS.forEach(hardware::remove);
    return hardware;
  }

  /**
   * The configurations a run with {@code limit} measures: the first {@code limit} of {@code
   * study}'s {@linkplain #measuringOrder measuring order} whose keys are not {@code finished}.
   */
  public static List<Configuration> toMeasure(Expansion study, Set<String> finished, int limit) {
    return measuringOrder(study).stream()
        .filter(c -> !finished.contains(c.key()))
        .limit(limit)
        .toList();
  }

  /**
   * Runs the unfinished configurations of {@code study} on {@code recorder}, after checking every
   * configuration's memory and time ({@link #check}).
   */
  public static Summary run(Recorder recorder, Expansion study, Sink sink, Listener listener) {
    return run(recorder, study, sink, listener, Integer.MAX_VALUE);
  }

  /**
   * Runs at most {@code limit} of the unfinished configurations of {@code study}, the first ones of
   * its {@linkplain #measuringOrder measuring order}, as {@link #run(Recorder, Expansion, Sink,
   * Listener)} does; a later run goes on with the rest. A study measured in parts can share a
   * machine's time with other measurements (another study, profiles to compare with it) in turns.
   *
   * @param limit how many configurations to measure now, at least 1
   */
  public static Summary run(
      Recorder recorder, Expansion study, Sink sink, Listener listener, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit " + limit + " < 1");
    }
    check(recorder, study);
    Set<String> finished = sink.begin(study);
    List<Configuration> all = study.configurations();
    int done = 0;
    for (Configuration c : all) {
      if (finished.contains(c.key())) {
        done++;
      }
    }
    int already = done;
    int measured = 0;
    // one board, one sensor: its response, once estimated, is re-checked on the later
    // configurations instead of searched again (AnalysisOptions.sensorPrior)
    AnalysisOptions analysis = AnalysisOptions.defaults();
    for (Configuration c : toMeasure(study, finished, limit)) {
      listener.started(c, done, all.size());
      Workload w = Models.workload(c.settings());
      ProfileResult r =
          ProfileRunner.run(recorder, w, hardware(c), study.plan().protocol(), analysis, listener);
      analysis = analysis.withSensorFrom(r.analysis().mapping());
      sink.finished(study, c, r);
      done++;
      measured++;
      listener.finished(c, r, done, all.size());
    }
    return new Summary(all.size(), already, measured);
  }
}
