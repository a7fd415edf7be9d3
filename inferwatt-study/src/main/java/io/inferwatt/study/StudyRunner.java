package io.inferwatt.study;

import io.inferwatt.core.analysis.AnalysisOptions;
import io.inferwatt.core.model.Workload;
import io.inferwatt.hardware.Recorder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /** Runs the unfinished configurations of {@code study} on {@code recorder}. */
  public static Summary run(Recorder recorder, Expansion study, Sink sink, Listener listener) {
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
    for (Configuration c : all) {
      if (finished.contains(c.key())) {
        continue;
      }
      listener.started(c, done, all.size());
      Workload w = Models.workload(c.settings());
      Map<String, String> hardware = new LinkedHashMap<>(c.settings());
      Models.ENGINE_KEYS.forEach(hardware::remove);
      ProfileResult r =
          ProfileRunner.run(
              recorder, w, hardware, study.plan().protocol(), AnalysisOptions.defaults(), listener);
      sink.finished(study, c, r);
      done++;
      measured++;
      listener.finished(c, r, done, all.size());
    }
    return new Summary(all.size(), already, measured);
  }
}
