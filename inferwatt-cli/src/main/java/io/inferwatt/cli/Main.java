package io.inferwatt.cli;

import io.inferwatt.core.io.FormatException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/**
 * The {@code inferwatt} command. The only place that exits: errors become one line on stderr and an
 * exit code (2 for bad input or usage, 1 for a failure while measuring); the stack trace only with
 * {@code --verbose}.
 */
@Command(
    name = "inferwatt",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Power, latency and energy of neural-network inference, per inference and per layer.",
    subcommands = {
      ProfileCommand.class,
      AnalyzeCommand.class,
      RunsCommand.class,
      BenchCommand.class,
      SensorsCommand.class,
      LogCommand.class,
      MonitorCommand.class,
      ModelsCommand.class,
      StudyCommand.class,
      OptimaCommand.class,
      RestoreCommand.class,
      ExportCommand.class,
      ShowCommand.class,
      QueryCommand.class,
      ReportCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  /** Exit code for bad input or usage. */
  static final int BAD_INPUT = 2;

  /** Exit code for a failure while running. */
  static final int FAILED = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  // Read from the arguments by execute() (the handler needs it before picocli has parsed); the
  // option is declared once here, for every subcommand, so that picocli accepts it anywhere.
  @CommandLine.Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "stack traces on errors")
  boolean verbose;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(execute(args, out, err));
  }

  /** Runs the command line and returns the exit code; used by {@link #main} and by tests. */
  static int execute(String[] args, PrintWriter out, PrintWriter err) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    RestoreCommand.restorePendingAtStart(args, err);
    CommandLine cl = commandLine(out, err);
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          Throwable t = ex;
          int code = FAILED;
          if (t instanceof FormatException || t instanceof IllegalArgumentException) {
            code = BAD_INPUT;
          }
          String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
          if (t instanceof UncheckedIOException u
              && u.getCause() != null
              && msg.equals(u.getCause().toString())) {
            msg = u.getCause().getMessage();
          }
          err.println("inferwatt: error: " + msg);
          for (Throwable also : t.getSuppressed()) {
            // e.g. a setting that could not be restored after the measurement failed
            err.println("inferwatt: also: " + also.getMessage());
          }
          if (verbose) {
            t.printStackTrace(err);
          } else if (!(t instanceof FormatException
              || t instanceof IllegalArgumentException
              || t instanceof IllegalStateException
              || t instanceof UncheckedIOException)) {
            err.println("inferwatt: (run again with --verbose for the stack trace)");
          }
          err.flush();
          return code;
        });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  /** The version from the jar's manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"inferwatt " + version()};
    }
  }

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
