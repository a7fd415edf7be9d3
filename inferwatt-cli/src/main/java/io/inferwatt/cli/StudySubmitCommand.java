package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import io.inferwatt.study.Plan;
import io.inferwatt.study.Plans;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code inferwatt study submit}: a plan's configurations into the fleet's queue. */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = {
      "Queue every configuration of PLAN in a PostgreSQL base for the fleet's agents.",
      "Agents (inferwatt agent) measure them; submitting again adds only what is new",
      "(docs/fleet.md)."
    })
final class StudySubmitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DbOption db;

  @Parameters(index = "0", paramLabel = "PLAN", description = "the plan file")
  Path planFile;

  @Option(
      names = "--replicas",
      defaultValue = "1",
      description = "measure each configuration on this many distinct boards (default: 1)")
  int replicas;

  @Option(
      names = "--labels",
      split = ",",
      paramLabel = "LABEL",
      description = "labels a board must have to run these jobs (e.g. jetson-nano,jp4)")
  List<String> labels = new java.util.ArrayList<>();

  @Option(
      names = "--max-attempts",
      defaultValue = "3",
      description = "claims before a job is failed for good (default: ${DEFAULT-VALUE})")
  int maxAttempts;

  @Override
  public Integer call() {
    if (!db.postgres()) {
      throw new BadInputException(
          "study submit needs a PostgreSQL base (--base postgresql://host/db); for one board"
              + " and a DuckDB file use 'study run'");
    }
    Plan plan =
        Plans.load(Checks.inputFile("the plan", planFile), spec.commandLine().getErr()::println);
    io.inferwatt.fleet.Submission.Summary s =
        io.inferwatt.fleet.Submission.submit(db.pg(), plan, labels, replicas, maxAttempts);
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "%sstudy %s: %d configurations x %d replicas = %d jobs for board %s%s in %s;"
                + " %d added now, %d already stored%n",
            plan.board().startsWith("sim:") ? "[simulated] " : "",
            plan.study(),
            s.configurations(),
            replicas,
            s.jobs(),
            plan.board(),
            labels.isEmpty() ? "" : " with labels " + String.join(",", labels),
            db,
            s.added(),
            s.alreadyStored());
    return 0;
  }
}
