package io.inferwatt.hardware.knobs;

import io.inferwatt.hardware.Knob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The owner of the hardware settings a process changes on one board. Knobs pass through {@link
 * #guard(Knob)}: before a {@link Restorable} knob changes for the first time, its restore steps are
 * written (atomically, fsync'ed) to the board's state file; other knobs remember their old value in
 * memory. {@link #restore()} and {@link #close()} put everything back and delete the state file; a
 * shutdown hook does the same on Ctrl-C ({@code SIGINT}) or {@code SIGTERM}; after a crash or
 * {@code kill -9}, {@link Restorer#restorePending} replays the state file. A lock in the state
 * folder keeps a second measuring process off the board.
 *
 * <pre>{@code
 * List<Knob> knobs = Knobs.jetson(Host.system());
 * try (AppliedSettings s = AppliedSettings.open(StateDir.fromEnvironment(), "jetson-nano",
 *     Host.system(), knobs, NvmlBinding.unavailable(), System.err::println)) {
 *   for (Knob k : s.guard(knobs)) { ... k.apply(...) ... }
 * } // restored here
 * }</pre>
 *
 * <p>Thread-safe: the shutdown hook and the measuring thread share it.
 */
public final class AppliedSettings implements AutoCloseable {

  private final StateDir state;
  private final String board;
  private final Host host;
  private final NvmlBinding nvml;
  private final Consumer<String> log;
  private final StateDir.BoardLock lock;
  private final Thread hook;
  private final List<String> restoredAtOpen;

  /** In the order of the first change. */
  private final List<Entry> entries = new ArrayList<>();

  private boolean closed;

  /** What one knob's first change saved. */
  private record Entry(Knob knob, List<RestoreStep> steps, String oldValue) {}

  private AppliedSettings(
      StateDir state,
      String board,
      Host host,
      NvmlBinding nvml,
      Consumer<String> log,
      StateDir.BoardLock lock,
      List<String> restoredAtOpen) {
    this.state = state;
    this.board = board;
    this.host = host;
    this.nvml = nvml;
    this.log = log;
    this.lock = lock;
    this.restoredAtOpen = List.copyOf(restoredAtOpen);
    this.hook = new Thread(this::restoreOnShutdown, "inferwatt-restore-" + board);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Takes the board, first restoring what a crashed process left in its state file.
   *
   * @param state the state folder
   * @param board the board's name (one lock and one state file per name)
   * @param host where the knobs write; in dry-run mode nothing is locked or saved
   * @param knobs the board's knobs on {@code host}: a state file left by a crashed process is
   *     replayed only if every step is one of theirs (else it is set aside, see {@link Restorer})
   * @param nvml for NVIDIA GPU steps left by a crashed process
   * @param log receives one line per restore, for people
   * @throws IllegalStateException when another process holds the board, when the state folder is
   *     not private, or when a crashed process's settings could not be restored
   */
  public static AppliedSettings open(
      StateDir state,
      String board,
      Host host,
      List<Knob> knobs,
      NvmlBinding nvml,
      Consumer<String> log) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(board, "board");
    StateDir.BoardLock lock = null;
    List<String> restored = new ArrayList<>();
    if (!host.isDryRun()) {
      lock = state.tryLock(board);
      if (lock == null) {
        String pid = state.lockHolder(board);
        throw new IllegalStateException(
            "board "
                + board
                + " is in use by another inferwatt"
                + (pid.isEmpty() ? "" : " (pid " + pid + ")")
                + "; lock "
                + state.lockFile(board));
      }
      Path pending = state.pendingFile(board);
      if (Files.exists(pending)) {
        try {
          Restorer.Outcome o = replayAtOpen(pending, board, host, knobs, nvml);
          restored.add(o.message());
          log.accept(o.message());
          if (!o.restored() && Files.exists(pending)) {
            // replayed but not all of it: do not measure on a board in an unknown state
            throw new IllegalStateException(o.message());
          }
        } catch (RuntimeException e) {
          lock.close();
          throw e;
        }
      }
    }
    return new AppliedSettings(state, board, host, nvml, log, lock, restored);
  }

  /** Checks and replays the state file a crashed process left for this board. */
  private static Restorer.Outcome replayAtOpen(
      Path pending, String board, Host host, List<Knob> knobs, NvmlBinding nvml) {
    PendingState s;
    try {
      s = PendingState.read(pending);
    } catch (IllegalArgumentException e) {
      return Restorer.reject(pending, board, e.getMessage());
    }
    String refusal =
        !s.board().equals(board)
            ? "it names board '" + PendingState.shorten(s.board()) + "', not " + board
            : !s.root().normalize().equals(host.root())
                ? "it names root " + s.root() + ", but board " + board + " is at " + host.root()
                : Restorer.refusal(s, host, knobs);
    return refusal != null
        ? Restorer.reject(pending, board, refusal)
        : Restorer.replay(pending, s, host, nvml);
  }

  /** What was restored from an earlier crash when the board was taken, for people. */
  public List<String> restoredAtOpen() {
    return restoredAtOpen;
  }

  /** The board. */
  public String board() {
    return board;
  }

  /** Guarded views of {@code knobs}, in the same order. */
  public List<Knob> guard(List<Knob> knobs) {
    return knobs.stream().map(this::guard).toList();
  }

  /** A view of {@code knob} whose {@code apply} saves the old state first. */
  public Knob guard(Knob knob) {
    return new Guarded(knob);
  }

  private synchronized void beforeChange(Knob knob, String value) {
    if (closed) {
      throw new IllegalStateException(
          "the settings of board "
              + board
              + " were restored (shutting down); not setting "
              + knob.name()
              + " to "
              + value);
    }
    for (Entry e : entries) {
      if (e.knob() == knob) {
        return;
      }
    }
    if (knob instanceof Restorable r) {
      entries.add(new Entry(knob, r.restoreSteps(), null));
      save();
    } else {
      entries.add(new Entry(knob, List.of(), knob.read()));
    }
  }

  /** The saved steps in replay order: the last knob changed first. */
  private List<RestoreStep> replayOrder(List<Entry> es) {
    List<RestoreStep> steps = new ArrayList<>();
    for (int i = es.size() - 1; i >= 0; i--) {
      steps.addAll(es.get(i).steps());
    }
    return steps;
  }

  private void save() {
    if (host.isDryRun()) {
      return;
    }
    List<RestoreStep> steps = replayOrder(entries);
    if (steps.isEmpty()) {
      return;
    }
    StateDir.writeAtomically(
        state.pendingFile(board),
        new PendingState(board, host.root(), ProcessHandle.current().pid(), steps).format());
  }

  /**
   * Puts every changed setting back (the last changed first) and deletes the state file. A step
   * that fails does not stop the others; the failed ones stay in the state file.
   *
   * @throws IllegalStateException naming every setting that could not be restored
   */
  public synchronized void restore() {
    List<Entry> failed = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (int i = entries.size() - 1; i >= 0; i--) {
      Entry e = entries.get(i);
      try {
        if (e.oldValue() != null) {
          e.knob().apply(e.oldValue());
        } else {
          for (RestoreStep s : e.steps()) {
            Steps.replay(s, host, nvml);
          }
        }
      } catch (RuntimeException ex) {
        failed.add(0, e);
        problems.add(e.knob().name() + ": " + ex.getMessage());
      }
    }
    entries.clear();
    entries.addAll(failed);
    if (!host.isDryRun()) {
      Path pending = state.pendingFile(board);
      if (replayOrder(failed).isEmpty()) {
        try {
          Files.deleteIfExists(pending);
        } catch (java.io.IOException ex) {
          problems.add("cannot delete state file " + pending + ": " + ex.getMessage());
        }
      } else {
        save();
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "could not restore on board "
              + board
              + ": "
              + String.join("; ", problems)
              + (host.isDryRun()
                  ? ""
                  : " (kept in " + state.pendingFile(board) + "; run inferwatt restore)"));
    }
  }

  private void restoreOnShutdown() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      boolean any = !entries.isEmpty();
      try {
        restore();
        if (any) {
          log.accept("inferwatt: interrupted; restored the settings of board " + board);
        }
      } catch (RuntimeException e) {
        log.accept("inferwatt: " + e.getMessage());
      }
    }
  }

  /** Restores, releases the board and removes the shutdown hook; safe to call twice. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        releaseLock();
        return;
      }
      closed = true;
    }
    try {
      restore();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down already: the hook runs or ran
      }
      releaseLock();
    }
  }

  private void releaseLock() {
    if (lock != null) {
      lock.close();
    }
  }

  /** A knob whose changes go through the owner. */
  private final class Guarded implements Knob {
    private final Knob knob;

    Guarded(Knob knob) {
      this.knob = knob;
    }

    @Override
    public String name() {
      return knob.name();
    }

    @Override
    public String read() {
      return knob.read();
    }

    @Override
    public List<String> allowed() {
      return knob.allowed();
    }

    @Override
    public boolean onDemand() {
      return knob.onDemand();
    }

    @Override
    public void apply(String value) {
      synchronized (AppliedSettings.this) {
        if (!knob.allowed().contains(value == null ? "" : value.trim())) {
          knob.apply(value); // throws the knob's own message with the allowed values
        }
        beforeChange(knob, value);
        knob.apply(value);
      }
    }

    @Override
    public String toString() {
      return knob.toString();
    }
  }
}
