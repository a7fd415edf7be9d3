package io.inferwatt.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/**
 * The {@code inferwatt} command. The only place that exits: errors become one line on stderr and an
 * exit code ({@link Failures}: 2 for bad input or usage, 1 for a failure); the stack trace only
 * with {@code --verbose}.
 */
@Command(
    name = "inferwatt",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Power, latency and energy of neural-network inference, per inference and per layer.")
public final class Main implements Runnable {

  /** Exit code for a failure, as {@link Failures#FAILED}. */
  static final int FAILED = Failures.FAILED;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  // Read from the arguments by execute() (the handler needs it before picocli has parsed); the
  // option is declared once here, for every subcommand, so that picocli accepts it anywhere.
  @CommandLine.Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "every warning, and stack traces on errors")
  boolean verbose;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Whether {@code --verbose} was given to the command {@code spec} describes. */
  static boolean verbose(CommandLine.Model.CommandSpec spec) {
    CommandLine.Model.OptionSpec o = spec.findOption("--verbose");
    return o != null && Boolean.TRUE.equals(o.getValue());
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    QuickJit.processIsOurs();
    if (Commands.quick(args)) {
      QuickJit.forShortCommand();
    }
    System.exit(execute(args, out, err));
  }

  /** Runs the command line and returns the exit code; used by {@link #main} and by tests. */
  static int execute(String[] args, PrintWriter out, PrintWriter err) {
    RestoreCommand.restorePendingAtStart(args, err);
    return execute(commandLine(args, out, err), args, out, err);
  }

  /** Runs {@code args} on {@code cl}, with the one error handling of every command. */
  static int execute(CommandLine cl, String[] args, PrintWriter out, PrintWriter err) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    cl.setExecutionExceptionHandler(
        (t, cmd, parsed) -> {
          err.println("inferwatt: error: " + Failures.message(t));
          for (Throwable also : t.getSuppressed()) {
            // e.g. a setting that could not be restored after the measurement failed
            err.println("inferwatt: also: " + also.getMessage());
          }
          if (verbose) {
            t.printStackTrace(err);
          } else if (!Failures.explained(t)) {
            err.println("inferwatt: (run again with --verbose for the stack trace)");
          }
          err.flush();
          return cl.getExitCodeExceptionMapper().getExitCode(t);
        });
    cl.setParameterExceptionHandler(
        (ex, rest) -> {
          // one line and where to look, not the whole usage help
          err.println("inferwatt: error: " + ex.getMessage());
          CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
          err.println(
              "inferwatt: ("
                  + ex.getCommandLine().getCommandSpec().qualifiedName()
                  + " --help lists the options)");
          err.flush();
          return cl.getExitCodeExceptionMapper().getExitCode(ex);
        });
    int code;
    try {
      code = cl.execute(args);
    } catch (OutOfMemoryError | StackOverflowError e) {
      // picocli hands only exceptions to the handler above; errors of the JVM come out here
      err.println("inferwatt: error: " + Failures.exhausted(e, Runtime.getRuntime().maxMemory()));
      if (verbose) {
        e.printStackTrace(err);
      }
      code = Failures.FAILED;
    }
    out.flush();
    err.flush();
    return code;
  }

  /** The whole command tree ({@link Commands#all}), set up as {@link #execute} runs it. */
  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    return configured(Commands.all(), out, err);
  }

  /**
   * The commands {@code args} name ({@link Commands#commandLine}), set up as for the whole tree.
   */
  static CommandLine commandLine(String[] args, PrintWriter out, PrintWriter err) {
    return configured(Commands.commandLine(args), out, err);
  }

  private static CommandLine configured(CommandLine cl, PrintWriter out, PrintWriter err) {
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExitCodeExceptionMapper(new Failures());
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
