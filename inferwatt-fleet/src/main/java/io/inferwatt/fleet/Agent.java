package io.inferwatt.fleet;

import io.inferwatt.hardware.knobs.AppliedSettings;
import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.PgBase;
import io.inferwatt.store.RawSamples;
import io.inferwatt.store.StoreException;
import io.inferwatt.store.StudyConfigurationRow;
import io.inferwatt.store.StudyRow;
import io.inferwatt.study.Configuration;
import io.inferwatt.study.Expansion;
import io.inferwatt.study.Plan;
import io.inferwatt.study.Plans;
import io.inferwatt.study.ProfileResult;
import io.inferwatt.study.StudyRunner;
import io.inferwatt.study.boards.Boards;
import io.inferwatt.study.boards.StudyBoard;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One board's agent: claims the configurations it can run from the queue, measures each with the
 * same code as {@code study run} ({@link StudyRunner} over the board from {@link Boards}, its
 * settings guarded and restored), and stores each result as it finishes.
 *
 * <p>Every result goes first into the agent's own DuckDB file (the spool), then into the shared
 * base ({@link MeasurementStore#transfer}: one transaction, idempotent), and only then is its job
 * marked done. When the shared base is unreachable the agent keeps measuring into the spool and
 * uploads when the base is back; a result is never stored twice because the base's {@code
 * study_configurations} key refuses a second copy. A heartbeat thread extends the job's lease; an
 * agent that dies stops extending it, and the job goes back to the queue.
 */
public final class Agent {

  /** The engines an agent runs; {@code command} only with {@code allowCommands}. */
  static final Set<String> KNOWN_ENGINES =
      Set.of(
          "sim",
          "onnxruntime",
          "onnxruntime:cuda",
          "onnxruntime:tensorrt",
          "tensorrt",
          "trtexec",
          "command");

  /**
   * How an agent runs.
   *
   * @param base the shared base and queue
   * @param info its id, board kind, labels, host, and whether it runs {@code command} plans
   * @param spool its local DuckDB file
   * @param lease how long a claim holds without a heartbeat
   * @param poll how long to wait when the queue has nothing (and between reconnects)
   * @param untilEmpty whether to exit when the queue holds nothing it can run
   * @param sysfsRoot the board's files (null: this machine; a fake tree in tests)
   * @param toolVersion stored with each run
   * @param log one line per event
   */
  public record Options(
      PgBase base,
      JobQueue.AgentInfo info,
      Path spool,
      Duration lease,
      Duration poll,
      boolean untilEmpty,
      Path sysfsRoot,
      String toolVersion,
      Consumer<String> log) {}

  /**
   * What an agent did.
   *
   * @param measured configurations measured and stored
   * @param failed attempts that failed
   * @param uploadedLater results kept in the spool first and uploaded later
   */
  public record Summary(int measured, int failed, int uploadedLater) {}

  private record Pending(String studyId, String configKey, int replica, String resultKey) {}

  private static final Pattern REPLICA = Pattern.compile("(.*)~r(\\d+)");

  private final Options o;
  private final JobQueue queue;
  private final List<Pending> pending = new ArrayList<>();
  private final Map<String, Plan> plans = new HashMap<>();
  private final AtomicLong currentJob = new AtomicLong(-1);
  private final AtomicBoolean stop = new AtomicBoolean();
  private MeasurementStore shared;
  private MeasurementStore spool;
  private boolean unreachableSaid;
  private int measured;
  private int failed;
  private int uploadedLater;

  public Agent(Options options) {
    this.o = options;
    this.queue = new JobQueue(options.base());
  }

  /** Asks the agent to stop after the job in hand. */
  public void stop() {
    stop.set(true);
  }

  private String tag() {
    return o.info().board().startsWith("sim:") ? "[simulated] " : "";
  }

  private void log(String line) {
    o.log().accept(tag() + "agent " + o.info().id() + ": " + line);
  }

  /** Runs until stopped, or until the queue is empty for it with {@code untilEmpty}. */
  public Summary run() {
    spool = MeasurementStore.open(o.spool());
    ScheduledExecutorService beat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "inferwatt-heartbeat-" + o.info().id());
              t.setDaemon(true);
              return t;
            });
    JobQueue hb = new JobQueue(o.base());
    long periodMs = Math.max(100, o.lease().toMillis() / 3);
    beat.scheduleWithFixedDelay(
        () -> {
          long job = currentJob.get();
          try {
            if (!hb.heartbeat(o.info().id(), job, o.lease()) && job >= 0) {
              log("lost the lease of job " + job + "; its result will be stored once anyway");
            }
          } catch (SQLException e) {
            // the base is away; the main loop says so, and the lease may run out meanwhile
          }
        },
        periodMs,
        periodMs,
        TimeUnit.MILLISECONDS);
    try {
      recoverSpool();
      boolean registered = false;
      while (!stop.get()) {
        try {
          if (!registered) {
            queue.install();
            queue.register(o.info());
            registered = true;
          }
          upload();
          Optional<JobQueue.Job> job = queue.claim(o.info(), o.lease());
          reachable();
          if (job.isEmpty()) {
            if (o.untilEmpty() && pending.isEmpty() && !queue.anythingFor(o.info())) {
              log("the queue holds nothing this agent can run; exiting");
              break;
            }
            sleep(o.poll());
            continue;
          }
          runJob(job.get());
        } catch (SQLException | StoreException e) {
          unreachable(e);
          sleep(o.poll());
        }
      }
    } finally {
      beat.shutdownNow();
      hb.close();
      queue.close();
      if (shared != null) {
        shared.close();
      }
      spool.close();
    }
    return new Summary(measured, failed, uploadedLater);
  }

  private void unreachable(Exception e) {
    if (!unreachableSaid) {
      log("the shared base is unreachable (" + firstLine(e.getMessage()) + "); retrying");
      unreachableSaid = true;
    }
    if (shared != null) {
      try {
        shared.close();
      } catch (RuntimeException ignored) {
        // the connection is gone already
      }
      shared = null;
    }
  }

  private void reachable() {
    if (unreachableSaid) {
      log("the shared base is back");
      unreachableSaid = false;
    }
  }

  private static String firstLine(String s) {
    String m = String.valueOf(s);
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private MeasurementStore shared() {
    if (shared == null) {
      shared = MeasurementStore.open(o.base());
    }
    return shared;
  }

  /** Results in the spool from an earlier life of this agent: upload whatever the base lacks. */
  private void recoverSpool() {
    for (StudyRow s : spool.studies()) {
      for (StudyConfigurationRow r : spool.studyConfigurations(s.studyId())) {
        Matcher m = REPLICA.matcher(r.configKey());
        pending.add(
            m.matches()
                ? new Pending(s.studyId(), m.group(1), Integer.parseInt(m.group(2)), r.configKey())
                : new Pending(s.studyId(), r.configKey(), 1, r.configKey()));
      }
    }
  }

  /** Uploads every pending result and marks its job done; stops at the first failure. */
  private void upload() throws SQLException {
    while (!pending.isEmpty()) {
      Pending p = pending.get(0);
      MeasurementStore.transfer(spool, shared(), p.studyId(), p.resultKey());
      queue.done(p.studyId(), p.configKey(), p.replica());
      pending.remove(0);
    }
  }

  private void runJob(JobQueue.Job job) throws SQLException {
    Plan plan = plans.get(job.studyId());
    if (plan == null) {
      Optional<String> text = queue.plan(job.studyId());
      if (text.isEmpty()) {
        queue.failed(
            o.info().id(), job.jobId(), "the queue has no plan for study " + job.studyId());
        failed++;
        return;
      }
      try {
        plan = Plans.parse(text.get(), "the queued plan of study " + job.studyId());
      } catch (RuntimeException e) {
        queue.failed(o.info().id(), job.jobId(), "the queued plan is not valid: " + e.getMessage());
        failed++;
        return;
      }
      plans.put(job.studyId(), plan);
    }
    if (!KNOWN_ENGINES.contains(plan.engine())) {
      queue.failed(
          o.info().id(), job.jobId(), "engine '" + plan.engine() + "' is not one agents run");
      failed++;
      return;
    }
    if ("command".equals(plan.engine()) && !o.info().allowCommands()) {
      // the claim never offers these; a plan changed since its jobs were queued could
      queue.release(o.info().id(), job.jobId());
      log("refused job " + job.jobId() + ": its plan runs a command (start with --allow-commands)");
      return;
    }
    String resultKey = job.resultKey();
    if (spool.studyConfigurations(job.studyId()).stream()
        .anyMatch(r -> r.configKey().equals(resultKey))) {
      pending.add(new Pending(job.studyId(), job.configKey(), job.replica(), resultKey));
      upload();
      return;
    }
    currentJob.set(job.jobId());
    long t0 = System.nanoTime();
    try {
      measure(plan, job, resultKey);
    } catch (RuntimeException e) {
      currentJob.set(-1);
      failed++;
      String why = e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
      log("job " + job.jobId() + " (" + job.studyId() + " " + resultKey + ") failed: " + why);
      queue.failed(o.info().id(), job.jobId(), why);
      return;
    }
    currentJob.set(-1);
    measured++;
    pending.add(new Pending(job.studyId(), job.configKey(), job.replica(), resultKey));
    log(
        String.format(
            java.util.Locale.ROOT,
            "job %d (%s %s) measured in %.1f s",
            job.jobId(),
            job.studyId(),
            resultKey,
            (System.nanoTime() - t0) / 1e9));
    try {
      upload();
    } catch (SQLException | StoreException e) {
      uploadedLater++;
      throw e;
    }
  }

  /** One configuration through the study runner, into the spool. */
  private void measure(Plan plan, JobQueue.Job job, String resultKey) {
    try (StudyBoard board = Boards.openStudy(plan, o.sysfsRoot(), false, this::log)) {
      Expansion ex = Plans.expand(plan, board.name(), board.engines(), board.knobs());
      Set<String> others = new HashSet<>();
      boolean found = false;
      for (Configuration c : ex.configurations()) {
        if (c.key().equals(job.configKey())) {
          found = true;
        } else {
          others.add(c.key());
        }
      }
      if (!found) {
        throw new IllegalArgumentException(
            "configuration " + job.configKey() + " is not in the plan as this board expands it");
      }
      board.check(ex.configurations());
      if (board.recorder() == null) {
        throw new IllegalArgumentException(
            "board " + board.name() + " cannot measure with engine " + plan.engine() + " here");
      }
      StudyRunner.Sink sink =
          new StudyRunner.Sink() {
            @Override
            public Set<String> begin(Expansion study) {
              spool.saveStudy(Results.studyInput(study));
              return others; // every configuration but the claimed one counts as finished
            }

            @Override
            public void finished(Expansion study, Configuration c, ProfileResult r) {
              // the raw recording too, as study run keeps it by default
              spool.saveStudyRun(
                  study.plan().study(),
                  resultKey,
                  c.index(),
                  c.sweep(),
                  Results.runInput(
                          r,
                          Results.environment(),
                          Optional.empty(),
                          Results.details(r),
                          o.toolVersion())
                      .withRaw(RawSamples.of(r.timeline()), r.timeline().events()));
            }
          };
      try (AppliedSettings guard = board.guard(this::log)) {
        StudyRunner.run(board.recorder(guard), ex, sink, new StudyRunner.Listener() {});
      }
    }
  }

  private void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop.set(true);
    }
  }
}
