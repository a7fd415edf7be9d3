package io.inferwatt.cli;

import io.inferwatt.report.HtmlReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code inferwatt report}: one self-contained HTML file with the paper's figures, Table I, the
 * Pareto front and per-layer tables for a stored study. Opens offline; nothing is fetched.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Write one self-contained HTML report of a stored study.",
      "It holds the paper's Figs. 2-11, Table I, the Pareto front, the settings ranked by effect and",
      "sortable per-layer tables; open it with ?only=figN to show one figure."
    })
final class ReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DbOption db;

  @Option(
      names = "--out",
      defaultValue = "report.html",
      paramLabel = "FILE",
      description = "the HTML file; an existing one is replaced (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--study", description = "the study (default: the one last started)")
  String study;

  @Option(
      names = "--samples-run",
      paramLabel = "RUN",
      description =
          "the run whose raw samples draw Fig. 2 (default: one with samples on the study's board)")
  Long samplesRun;

  @Option(
      names = "--tolerance",
      defaultValue = "2%",
      description = "Table I's 'within' (default: ${DEFAULT-VALUE})")
  String tolerance;

  @Override
  public Integer call() {
    double tol = OptimaCommand.parseTolerance(tolerance);
    new OutputCheck().readsBase(db.path).outputMakingFolders("--out", out).check();
    String html;
    try (Store store = db.openExisting()) {
      html =
          HtmlReport.render(
              store.base(), new HtmlReport.Options(study, samplesRun, Main.version(), tol));
    }
    try {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(out, html, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw IoErrors.failure("write the report to", out, e, "choose another --out");
    }
    PrintWriter o = spec.commandLine().getOut();
    boolean simulated = html.contains("id=\"simulated-banner\"");
    o.printf(
        "%sreport written to %s (%d kB, self-contained)%n",
        simulated ? "[simulated] " : "", out, html.length() / 1024);
    return 0;
  }
}
