package io.inferwatt.fleet;

import io.inferwatt.core.BadInputException;
import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.PgBase;
import io.inferwatt.store.StudyConfigurationRow;
import io.inferwatt.study.Configuration;
import io.inferwatt.study.Expansion;
import io.inferwatt.study.Plan;
import io.inferwatt.study.Plans;
import io.inferwatt.study.StudyRunner;
import io.inferwatt.study.boards.Boards;
import io.inferwatt.study.boards.StudyBoard;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code study submit}: a plan's configurations into the queue, its study into the base. */
public final class Submission {
  private Submission() {}

  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

  /**
   * What was submitted.
   *
   * @param configurations configurations in the plan
   * @param jobs jobs in the queue for it now (configurations × replicas)
   * @param added jobs added now (a resubmission adds only new ones)
   * @param alreadyStored jobs whose result the base already held (entered as done)
   */
  public record Summary(int configurations, int jobs, int added, int alreadyStored) {}

  /** Checks labels: letters, digits and {@code . _ : -}, at most 64 characters each. */
  public static List<String> labels(List<String> labels) {
    List<String> out = new ArrayList<>();
    for (String l : labels) {
      if (!LABEL.matcher(l).matches()) {
        throw new BadInputException(
            "label '" + l + "' is not a label (letters, digits, . _ : -; at most 64 characters)");
      }
      if (!out.contains(l)) {
        out.add(l);
      }
    }
    out.sort(null);
    return out;
  }

  /** {@code plan}'s configurations on its board kind, opened as for a dry run (nothing written). */
  static Expansion expand(Plan plan) {
    try (StudyBoard board = Boards.openStudy(plan, null, true, line -> {})) {
      return Plans.expand(plan, board.name(), board.engines(), board.knobs());
    }
  }

  /**
   * Expands {@code plan} (on its board kind, opened as for a dry run: nothing is written to any
   * board), records the study in the base and queues every configuration {@code replicas} times.
   */
  public static Summary submit(
      PgBase base, Plan plan, List<String> labels, int replicas, int maxAttempts) {
    if (replicas < 1 || replicas > 100) {
      throw new BadInputException("--replicas " + replicas + " is not between 1 and 100");
    }
    if (maxAttempts < 1 || maxAttempts > 100) {
      throw new BadInputException("--max-attempts " + maxAttempts + " is not between 1 and 100");
    }
    List<String> tags = labels(labels);
    Expansion ex = expand(plan);
    Set<String> stored = new HashSet<>();
    try (MeasurementStore store = MeasurementStore.open(base)) {
      store.saveStudy(Results.studyInput(ex));
      for (StudyConfigurationRow r : store.studyConfigurations(plan.study())) {
        stored.add(r.configKey());
      }
    }
    List<JobQueue.NewJob> jobs = new ArrayList<>();
    int already = 0;
    // claimed in the order a study run measures them (the plan's order: as written or shuffled)
    List<Configuration> order = StudyRunner.measuringOrder(ex);
    for (int position = 0; position < order.size(); position++) {
      Configuration c = order.get(position);
      for (int r = 1; r <= replicas; r++) {
        boolean done = stored.contains(JobQueue.Job.resultKey(c.key(), r));
        already += done ? 1 : 0;
        jobs.add(new JobQueue.NewJob(c.key(), r, position, c.sweep(), done));
      }
    }
    try (JobQueue q = new JobQueue(base)) {
      q.install();
      int added =
          q.submit(plan.study(), plan.text(), plan.board(), tags, plan.engine(), maxAttempts, jobs);
      return new Summary(ex.configurations().size(), jobs.size(), added, already);
    } catch (SQLException e) {
      throw new io.inferwatt.store.StoreException(
          "cannot queue study " + plan.study() + " in " + base + ": " + e.getMessage(), e);
    }
  }
}
