package io.inferwatt.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.core.BadInputException;
import io.inferwatt.fleet.JobQueue;
import io.inferwatt.store.StoreException;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code inferwatt fleet}: the work queue of a PostgreSQL base. */
@Command(
    name = "fleet",
    mixinStandardHelpOptions = true,
    description = "The fleet's work queue: status, cancel, retry (docs/fleet.md).")
final class FleetCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static JobQueue queue(DbOption db) {
    if (!db.postgres()) {
      throw new BadInputException(
          "the fleet's queue lives in a PostgreSQL base (--base postgresql://host/db), not in "
              + db);
    }
    JobQueue q = new JobQueue(db.pg());
    try {
      q.install();
    } catch (SQLException e) {
      q.close();
      throw new StoreException("cannot reach the queue in " + db + ": " + e.getMessage(), e);
    }
    return q;
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Agents, jobs by state, throughput and ETA.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DbOption db;
    @Mixin FormatOption output;

    @Option(names = "--study", description = "only this study's jobs")
    String study;

    @Override
    public Integer call() throws Exception {
      JobQueue.Status s;
      try (JobQueue q = queue(db)) {
        s = q.status(study);
      } catch (SQLException e) {
        throw new StoreException("cannot read the queue in " + db + ": " + e.getMessage(), e);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (output.json()) {
        ObjectNode root = JsonReport.MAPPER.createObjectNode();
        ObjectNode jobs = root.putObject("jobs");
        for (String state : new String[] {"queued", "running", "done", "failed"}) {
          jobs.put(state, s.jobs().get(state));
        }
        ArrayNode agents = root.putArray("agents");
        for (JobQueue.AgentRow a : s.agents()) {
          ObjectNode o = agents.addObject();
          o.put("id", a.id());
          o.put("board", a.board());
          ArrayNode l = o.putArray("labels");
          a.labels().forEach(l::add);
          o.put("last_heartbeat", a.lastHeartbeat().toString());
          if (a.jobId() == null) {
            o.putNull("job");
          } else {
            o.put("job", a.jobId());
          }
        }
        out.println(JsonReport.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        return 0;
      }
      long left = s.jobs().get("queued") + s.jobs().get("running");
      out.printf(
          Locale.ROOT,
          "jobs: %d queued, %d running, %d done, %d failed, %d cancelled%n",
          s.jobs().get("queued"),
          s.jobs().get("running"),
          s.jobs().get("done"),
          s.jobs().get("failed"),
          s.jobs().get("cancelled"));
      out.printf(
          Locale.ROOT,
          "throughput: %d configurations in the last hour; ETA %s%n",
          s.doneLastHour(),
          left == 0
              ? "nothing left"
              : s.doneLastHour() == 0
                  ? "unknown (nothing finished in the last hour)"
                  : Duration.ofSeconds(Math.round(3600.0 * left / s.doneLastHour())).toString());
      Instant now = Instant.now();
      out.printf(Locale.ROOT, "agents: %d%n", s.agents().size());
      for (JobQueue.AgentRow a : s.agents()) {
        out.printf(
            Locale.ROOT,
            "  %-30s %-10s %-20s heartbeat %ds ago, %s%s%n",
            a.id(),
            a.board(),
            String.join(",", a.labels()),
            Duration.between(a.lastHeartbeat(), now).toSeconds(),
            a.jobId() == null ? "idle" : "job " + a.jobId(),
            a.board().startsWith("sim:") ? "  [simulated]" : "");
      }
      for (JobQueue.FailedJob f : s.failed()) {
        out.printf(
            Locale.ROOT,
            "failed: job %d %s %s (replica %d): %s%n",
            f.jobId(),
            f.studyId(),
            f.configKey(),
            f.replica(),
            f.error());
      }
      return 0;
    }
  }

  /** Options of cancel and retry. */
  abstract static class Change implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin DbOption db;

    @Option(names = "--study", description = "this study's jobs")
    String study;

    @Option(names = "--all", description = "every study's jobs")
    boolean all;

    abstract int change(JobQueue q, String study) throws SQLException;

    abstract String verb();

    @Override
    public Integer call() {
      if ((study == null) == !all) {
        throw new BadInputException("name one study with --study, or every study with --all");
      }
      try (JobQueue q = queue(db)) {
        int n = change(q, study);
        spec.commandLine()
            .getOut()
            .printf(
                Locale.ROOT,
                "%s %d jobs%s%n",
                verb(),
                n,
                study == null ? "" : " of study " + study);
      } catch (SQLException e) {
        throw new StoreException("cannot change the queue in " + db + ": " + e.getMessage(), e);
      }
      return 0;
    }
  }

  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = "Cancel queued and running jobs (a running one stops being extended).")
  static final class Cancel extends Change {
    @Override
    int change(JobQueue q, String study) throws SQLException {
      return q.cancel(study);
    }

    @Override
    String verb() {
      return "cancelled";
    }
  }

  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description = "Queue failed and cancelled jobs again, with their attempts reset.")
  static final class Retry extends Change {
    @Override
    int change(JobQueue q, String study) throws SQLException {
      return q.retry(study);
    }

    @Override
    String verb() {
      return "queued again";
    }
  }
}
