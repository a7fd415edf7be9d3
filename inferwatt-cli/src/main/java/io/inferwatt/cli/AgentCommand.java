package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.Durations;
import io.inferwatt.fleet.Agent;
import io.inferwatt.fleet.JobQueue;
import io.inferwatt.fleet.Submission;
import io.inferwatt.study.boards.Boards;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code inferwatt agent}: one board's worker for a study submitted to a PostgreSQL base. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Measure the configurations of submitted studies that this board can run.",
      "Each is claimed from the queue, measured as 'study run' does and stored in the shared",
      "base as it finishes (docs/fleet.md)."
    })
final class AgentCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DbOption db;

  @Option(
      names = "--board",
      required = true,
      description = "the board kind this agent runs on (sim:nano, jetson, ...)")
  String board;

  @Option(
      names = "--labels",
      split = ",",
      paramLabel = "LABEL",
      description = "what this board offers (e.g. jetson-nano,jp4); it runs jobs needing a subset")
  List<String> labels = new ArrayList<>();

  @Option(names = "--id", description = "this agent's id (default: host name and board)")
  String id;

  @Option(names = "--until-empty", description = "exit when the queue holds nothing it can run")
  boolean untilEmpty;

  @Option(
      names = "--allow-commands",
      description =
          "run plans with engine 'command' (a queued plan would run a program on this board)")
  boolean allowCommands;

  @Option(
      names = "--lease",
      defaultValue = "10m",
      description = "how long a claim holds without a heartbeat (default: ${DEFAULT-VALUE})")
  String lease;

  @Option(
      names = "--poll",
      defaultValue = "5s",
      description = "wait between looks at an empty queue (default: ${DEFAULT-VALUE})")
  String poll;

  @Option(
      names = "--spool",
      paramLabel = "FILE",
      description =
          "local DuckDB file for results not yet uploaded (default:"
              + " ~/.local/state/inferwatt/spool-<id>.duckdb)")
  Path spool;

  @Option(names = "--sysfs-root", hidden = true, description = "board files under this folder")
  Path sysfsRoot;

  @Override
  public Integer call() {
    if (!db.postgres()) {
      throw new BadInputException(
          "agent needs a PostgreSQL base (--base postgresql://host/db), not the file " + db);
    }
    if (Boards.find(board).isEmpty()) {
      throw new BadInputException(
          "unknown board '" + board + "'; boards: " + String.join(", ", Boards.names()));
    }
    Duration leaseD = duration("--lease", lease);
    Duration pollD = duration("--poll", poll);
    if (leaseD.toMillis() < 1000) {
      throw new BadInputException("--lease " + lease + " is shorter than 1 s");
    }
    String agentId = id != null ? id : host() + "/" + board;
    if (agentId.isBlank() || agentId.length() > 200) {
      throw new BadInputException("--id must be 1 to 200 characters");
    }
    Path spoolFile =
        spool != null
            ? spool
            : Path.of(
                System.getProperty("user.home"),
                ".local",
                "state",
                "inferwatt",
                "spool-" + agentId.replaceAll("[^A-Za-z0-9._-]", "_") + ".duckdb");
    new OutputCheck().writesBase(spoolFile).check();
    PrintWriter err = spec.commandLine().getErr();
    JobQueue.AgentInfo info =
        new JobQueue.AgentInfo(agentId, board, Submission.labels(labels), host(), allowCommands);
    Agent agent =
        new Agent(
            new Agent.Options(
                db.pg(),
                info,
                spoolFile,
                leaseD,
                pollD,
                untilEmpty,
                sysfsRoot,
                Main.version(),
                line -> {
                  err.println(line);
                  err.flush();
                }));
    Thread main = Thread.currentThread();
    Thread hook =
        new Thread(
            () -> {
              agent.stop();
              try {
                main.join(60_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Runtime.getRuntime().addShutdownHook(hook);
    Agent.Summary s = agent.run();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down already
    }
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "%sagent %s: %d configurations measured and stored, %d failed attempts, %d uploaded"
                + " after the base was back%n",
            board.startsWith("sim:") ? "[simulated] " : "",
            agentId,
            s.measured(),
            s.failed(),
            s.uploadedLater());
    return 0;
  }

  private static Duration duration(String option, String text) {
    try {
      return Duration.ofNanos(Durations.parseNs(text));
    } catch (IllegalArgumentException e) {
      throw new BadInputException(option + ": " + e.getMessage(), e);
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
