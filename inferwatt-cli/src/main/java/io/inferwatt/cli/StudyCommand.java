package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import io.inferwatt.fleet.Results;
import io.inferwatt.hardware.Knob;
import io.inferwatt.hardware.knobs.AppliedSettings;
import io.inferwatt.store.MeasurementStore;
import io.inferwatt.store.StudyConfigurationRow;
import io.inferwatt.study.Configuration;
import io.inferwatt.study.Expansion;
import io.inferwatt.study.PaperStudy;
import io.inferwatt.study.Plan;
import io.inferwatt.study.Plans;
import io.inferwatt.study.ProfileResult;
import io.inferwatt.study.StudyRunner;
import io.inferwatt.study.boards.Boards;
import io.inferwatt.study.boards.StudyBoard;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code inferwatt study}: run a plan (or the paper's study) resumably; list stored studies. */
@Command(
    name = "study",
    mixinStandardHelpOptions = true,
    description =
        "Sweep settings as a plan says, storing every configuration as it finishes; resumable.")
final class StudyCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options of both ways to run a study. */
  abstract static class Running implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin DbOption db;

    @Mixin KeepRawOption keepRaw;

    @Option(
        names = "--dry-run",
        description =
            "check the plan and print every configuration and every write it would do; measure and store nothing")
    boolean dryRun;

    @Option(
        names = "--max-configurations",
        paramLabel = "N",
        description =
            "measure at most N of the unfinished configurations (the first in the plan's measuring"
                + " order), then stop; run again to go on")
    Integer maxConfigurations;

    @Option(
        names = "--sysfs-root",
        hidden = true,
        description = "read and write board files under this folder (tests)")
    Path sysfsRoot;

    abstract Plan plan();

    /** How many configurations this run measures at most. */
    private int limit() {
      return maxConfigurations == null ? Integer.MAX_VALUE : maxConfigurations;
    }

    /** The plan's file, an input that the base must not be; null for a built-in plan. */
    Path planFile() {
      return null;
    }

    @Override
    public Integer call() {
      new OutputCheck().input("the plan", planFile()).writesBase(db.path).check();
      if (maxConfigurations != null && maxConfigurations < 1) {
        throw new BadInputException(
            "--max-configurations " + maxConfigurations + ": measure at least 1 configuration");
      }
      Plan plan = plan();
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      StudyBoard board = Boards.openStudy(plan, sysfsRoot, dryRun, out::println);
      Expansion ex;
      StudyRunner.Needs needs;
      try {
        ex = Plans.expand(plan, board.name(), board.engines(), board.knobs());
        board.check(ex.configurations());
        // memory and time of every configuration, before the base is opened or anything measured
        needs = StudyRunner.check(board.recorder(), ex);
      } catch (RuntimeException e) {
        board.close(); // its power sources (a tegrastats child) must not outlive a refused plan
        throw e;
      }
      String tag = board.simulated() ? "[simulated] " : "";
      if (dryRun) {
        return dryRun(ex, board, out, tag, needs);
      }
      if (board.recorder() == null) {
        throw new BadInputException(
            "board "
                + board.name()
                + " with engine "
                + plan.engine()
                + ": this build measures real"
                + " boards with engine onnxruntime or tensorrt; --dry-run shows every configuration"
                + " and write");
      }
      try {
        BaseRoom.check(db.path, needs.storedBytes(keepRaw.keep == KeepRaw.ALL), keepRaw.keep);
      } catch (RuntimeException e) {
        board.close();
        throw e;
      }
      if (board.simulated()) {
        QuickJit.forVirtualStudy(needs.durationNs());
      }
      try (StudyBoard sensors = board;
          Store store = db.openOrCreate()) {
        Progress progress = new Progress(err, tag, plan.study());
        StudyRunner.Summary s;
        try (Sink sink = new Sink(store.base(), keepRaw.keep);
            AppliedSettings guard =
                board.guard(
                    line -> {
                      err.println(line);
                      err.flush();
                    })) {
          s =
              StudyRunner.run(
                  board.recorder(guard), ex, sink, sink.reportingStored(progress), limit());
          sink.drain();
        }
        progress.done();
        out.printf(
            Locale.ROOT,
            "%sstudy %s on %s: %d configurations; %d were already stored, %d measured now; in %s%n",
            tag,
            plan.study(),
            board.name(),
            s.total(),
            s.alreadyFinished(),
            s.measured(),
            db);
        int left = s.total() - s.alreadyFinished() - s.measured();
        if (left > 0) {
          out.printf(
              Locale.ROOT,
              "%s%d configurations left (--max-configurations %d): run the same command again to"
                  + " go on%n",
              tag,
              left,
              maxConfigurations);
        }
        out.printf(
            Locale.ROOT,
            "%soptimal settings: inferwatt optima --study %s --db %s%n",
            tag,
            plan.study(),
            db);
      }
      return 0;
    }

    private Integer dryRun(
        Expansion ex, StudyBoard board, PrintWriter out, String tag, StudyRunner.Needs needs) {
      Set<String> finished = new HashSet<>();
      if (db.exists()) {
        try (Store store = db.openExisting()) {
          store
              .base()
              .studyConfigurations(ex.plan().study())
              .forEach(r -> finished.add(r.configKey()));
        }
      }
      out.printf(
          Locale.ROOT,
          "%sdry run of study %s on %s: %d configurations, %d already stored%n",
          tag,
          ex.plan().study(),
          board.name(),
          ex.configurations().size(),
          finished.size());
      out.printf(Locale.ROOT, "%sit needs %s%n", tag, needs.describe(board.simulated()));
      try (AppliedSettings guard = board.guard(out::println)) {
        Map<String, Knob> knobs = new LinkedHashMap<>();
        for (Knob k : guard == null ? board.knobs() : guard.guard(board.knobs())) {
          knobs.put(k.name(), k);
        }
        int i = 0;
        Set<Configuration> now = new HashSet<>(StudyRunner.toMeasure(ex, finished, limit()));
        // in the order the study measures them (a plan may shuffle it)
        for (Configuration c : StudyRunner.measuringOrder(ex)) {
          i++;
          boolean done = finished.contains(c.key());
          boolean later = !done && !now.contains(c);
          out.printf(
              Locale.ROOT,
              "%s%3d/%d %s [%s] %s%s%n",
              tag,
              i,
              ex.configurations().size(),
              c.key(),
              c.sweep(),
              c.describe(),
              done
                  ? "  (stored; skipped)"
                  : later
                      ? "  (later: beyond --max-configurations " + maxConfigurations + ")"
                      : "");
          if (done || later || guard == null) {
            continue;
          }
          c.settings()
              .forEach(
                  (k, v) -> {
                    Knob knob = knobs.get(k);
                    if (knob != null && !knob.read().equals(v)) {
                      knob.apply(v);
                    }
                  });
        }
        if (guard != null) {
          out.println(tag + "and at the end, the restore:");
        }
      }
      return 0;
    }
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description =
          "Run every unfinished configuration of PLAN (YAML, see docs/plans.md); run again to resume.")
  static final class Run extends Running {
    @Parameters(index = "0", paramLabel = "PLAN", description = "the plan file")
    Path planFile;

    @Override
    Plan plan() {
      PrintWriter err = spec.commandLine().getErr();
      return Plans.load(Checks.inputFile("the plan", planFile), err::println);
    }

    @Override
    Path planFile() {
      return planFile;
    }
  }

  @Command(
      name = "paper",
      mixinStandardHelpOptions = true,
      description = {
        "Run the paper's whole study (§III.C and §III.D) on a board; resumable.",
        "On sim:nano it takes well under a minute."
      })
  static final class Paper extends Running {
    @Mixin BoardOption board;

    @Option(names = "--print-plan", description = "print the built-in plan and exit")
    boolean printPlan;

    @Override
    Plan plan() {
      if (board.orNull() == null) {
        throw new BadInputException(
            "study paper needs --board (sim:nano: the virtual Jetson Nano; every board: "
                + String.join(", ", Boards.names())
                + ")");
      }
      return PaperStudy.plan(board.orNull());
    }

    @Override
    public Integer call() {
      if (printPlan) {
        spec.commandLine().getOut().print(plan().text());
        return 0;
      }
      return super.call();
    }
  }

  /**
   * Stores each finished configuration, run and study row in one transaction, on a writer thread
   * while the next configuration is measured: at most one is in flight, so memory holds one
   * recording more, and a write that failed stops the study at the next configuration (or at {@link
   * #drain}). {@link #close} waits for the write in flight, so a study that stops keeps every
   * configuration that finished; a killed process loses at most the one being written (measured
   * again on resume).
   */
  static final class Sink implements StudyRunner.Sink, AutoCloseable {
    private final MeasurementStore store;
    private final KeepRaw keep;
    private final ExecutorService writer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "inferwatt-store-writer");
              t.setDaemon(true);
              return t;
            });
    private CompletableFuture<Void> inFlight;

    Sink(MeasurementStore store, KeepRaw keep) {
      this.store = store;
      this.keep = keep;
    }

    @Override
    public Set<String> begin(Expansion study) {
      store.saveStudy(Results.studyInput(study));
      Set<String> done = new HashSet<>();
      for (StudyConfigurationRow r : store.studyConfigurations(study.plan().study())) {
        done.add(r.configKey());
      }
      return done;
    }

    @Override
    public void finished(Expansion study, Configuration c, ProfileResult r) {
      drain();
      inFlight =
          CompletableFuture.runAsync(
              () ->
                  store.saveStudyRun(
                      study.plan().study(),
                      c.key(),
                      c.index(),
                      c.sweep(),
                      keep.apply(
                          Store.runInput(
                              r, Store.environment(), Optional.empty(), Store.details(r)),
                          r)),
              writer);
    }

    /**
     * {@code progress}, told that a configuration finished once it is stored (so that a line saying
     * it is done means it is in the base), on the writer thread; nothing when its write failed.
     */
    StudyRunner.Listener reportingStored(StudyRunner.Listener progress) {
      return new StudyRunner.Listener() {
        @Override
        public void started(Configuration c, int done, int total) {
          progress.started(c, done, total);
        }

        @Override
        public void progress(String phase, long done, long total) {
          progress.progress(phase, done, total);
        }

        @Override
        public void finished(Configuration c, ProfileResult r, int done, int total) {
          CompletableFuture<Void> f = inFlight;
          if (f == null) {
            progress.finished(c, r, done, total);
          } else {
            inFlight = f.thenRun(() -> progress.finished(c, r, done, total));
          }
        }
      };
    }

    /** Waits for the write in flight; rethrows its failure. */
    void drain() {
      CompletableFuture<Void> f = inFlight;
      inFlight = null;
      if (f != null) {
        Futures.await(f); // the write holds a transaction: it ends even when interrupted
      }
    }

    /** Waits for the write in flight and stops the writer. */
    @Override
    public void close() {
      try {
        drain();
      } finally {
        writer.shutdown();
      }
    }
  }

  /**
   * A progress bar with ETA on stderr; one line per configuration when stderr is not a terminal.
   */
  static final class Progress implements StudyRunner.Listener {
    private final PrintWriter err;
    private final String tag;
    private final String study;
    private final boolean terminal = System.console() != null;
    private final long startNs = System.nanoTime();
    private int measured;
    private int done;
    private int total;
    private String current = "";
    private long lastPrintNs;

    Progress(PrintWriter err, String tag, String study) {
      this.err = err;
      this.tag = tag;
      this.study = study;
    }

    @Override
    public synchronized void started(Configuration c, int done, int total) {
      this.done = done;
      this.total = total;
      this.current = describe(c);
      draw("", true);
    }

    @Override
    public synchronized void progress(String phase, long d, long t) {
      if (terminal) {
        draw(phase + " " + (t == 0 ? 100 : 100 * d / t) + "%", false);
      }
    }

    @Override
    public synchronized void finished(Configuration c, ProfileResult r, int done, int total) {
      this.done = done;
      measured++;
      if (!terminal) {
        err.printf(
            Locale.ROOT,
            "%sstudy %s: configuration %d/%d done, ETA %s: %s%n",
            tag,
            study,
            done,
            total,
            eta(),
            describe(c));
        err.flush();
      } else {
        draw("", true);
      }
    }

    private String eta() {
      if (measured == 0) {
        return "?";
      }
      double perNs = (System.nanoTime() - startNs) / (double) measured;
      long s = Math.round(perNs * (total - done) / 1e9);
      return s >= 3600
          ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
          : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    private void draw(String phase, boolean force) {
      if (!terminal) {
        return;
      }
      long now = System.nanoTime();
      if (!force && now - lastPrintNs < 200_000_000L) {
        return;
      }
      lastPrintNs = now;
      int width = 24;
      int filled = total == 0 ? width : width * done / total;
      String line =
          String.format(
              Locale.ROOT,
              "%s[%s%s] %d/%d ETA %s %s %s",
              tag,
              "#".repeat(filled),
              ".".repeat(width - filled),
              done,
              total,
              eta(),
              phase,
              current);
      if (line.length() > 150) {
        line = line.substring(0, 150);
      }
      err.print("\r" + line + "\u001b[K");
      err.flush();
    }

    private static String describe(Configuration c) {
      return "[" + c.sweep() + "] " + c.describe();
    }

    synchronized void done() {
      if (terminal) {
        err.print("\r\u001b[K");
        err.flush();
      }
    }
  }
}
