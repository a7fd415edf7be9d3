package io.inferwatt.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command tree: every command's class under its parent, in the order help lists them (the one
 * list; the classes' {@code @Command} annotations give the names). picocli reflects over a command
 * when it builds it, and the whole tree took about half of every command's start, so {@link
 * #commandLine} builds only the path the arguments name ({@code analyze}, {@code study run}) and
 * the whole tree only where the output needs it: help of a command with subcommands, the {@code
 * help} command, no command or an unknown one (its "did you mean" suggestions), or anything else
 * not plainly a path of command names. What a command prints is the same either way.
 */
final class Commands {

  /**
   * A command and its subcommands; {@code quick}: a short command that runs best at the JVM's quick
   * compiler tier ({@link QuickJit#forShortCommand}).
   */
  private record Node(Class<?> type, boolean quick, List<Node> children) {

    /** The subcommand {@code name} names (its name or an alias), or null. */
    Node child(String name) {
      for (Node c : children) {
        Command a = c.type.getAnnotation(Command.class);
        if (a.name().equals(name) || List.of(a.aliases()).contains(name)) {
          return c;
        }
      }
      return null;
    }
  }

  private static final Node TREE =
      node(
          Main.class,
          node(ProfileCommand.class),
          node(CalibrateCommand.class),
          node(AnalyzeCommand.class),
          node(ReanalyzeCommand.class),
          quick(RunsCommand.class),
          node(BenchCommand.class),
          node(SensorsCommand.class),
          node(LogCommand.class),
          node(MonitorCommand.class),
          node(
              ModelsCommand.class,
              quick(ModelsCommand.ListCommand.class),
              node(ModelsBuildCommand.class),
              node(ModelsCommand.PrefixCommand.class),
              node(ModelsCommand.NodeCommand.class),
              quick(ModelsInspectCommand.class),
              node(ModelsSampleCommand.class)),
          node(
              StudyCommand.class,
              node(StudyCommand.Run.class),
              node(StudyCommand.Paper.class),
              node(StudySubmitCommand.class),
              quick(StudyListCommand.class)),
          quick(OptimaCommand.class),
          node(RestoreCommand.class),
          node(ExportCommand.class),
          quick(ShowCommand.class),
          quick(QueryCommand.class),
          node(ReportCommand.class),
          node(AgentCommand.class),
          node(
              FleetCommand.class,
              quick(FleetCommand.Status.class),
              node(FleetCommand.Cancel.class),
              node(FleetCommand.Retry.class)),
          node(FitCommand.class),
          quick(PredictCommand.class),
          node(CommandLine.HelpCommand.class));

  private Commands() {}

  private static Node node(Class<?> type, Node... children) {
    return new Node(type, false, List.of(children));
  }

  private static Node quick(Class<?> type) {
    return new Node(type, true, List.of());
  }

  /** The whole tree (what help and the tests that walk every command need). */
  static CommandLine all() {
    return build(new CommandLine(new Main()), TREE, null, 0);
  }

  /** The tree for {@code args}: only the commands they name, when they name a path of commands. */
  static CommandLine commandLine(String[] args) {
    return build(new CommandLine(new Main()), TREE, args, 0);
  }

  /**
   * Adds {@code node}'s subcommands to {@code cl}: only the one {@code args[i]} names and what
   * follows it, else all of them ({@code args} null: all). Each subcommand gets its own subcommands
   * before it is added to its parent, as picocli does for annotated ones.
   */
  private static CommandLine build(CommandLine cl, Node node, String[] args, int i) {
    if (args != null) {
      while (i < args.length && args[i].equals("--verbose")) { // the one option every command has
        i++;
      }
      Node next = i < args.length ? node.child(args[i]) : null;
      if (next != null && next.type != CommandLine.HelpCommand.class) {
        cl.addSubcommand(build(new CommandLine(next.type), next, args, i + 1));
        return cl;
      }
      if (node == TREE && versionOnly(args, i)) {
        return cl;
      }
    }
    for (Node c : node.children) {
      cl.addSubcommand(build(new CommandLine(c.type), c, null, 0));
    }
    return cl;
  }

  /** Whether {@code args} run a short command: one marked quick in the tree. */
  static boolean quick(String[] args) {
    Node node = TREE;
    for (String a : args) {
      if (a.equals("--verbose")) {
        continue;
      }
      Node next = node.child(a);
      if (next == null) {
        break;
      }
      node = next;
    }
    return node.quick;
  }

  /**
   * The command paths the tree marks quick, one a line, each with its every name and alias ({@code
   * models list}, {@code models ls}, ...): what the launcher ({@code scripts/java-command.sh})
   * reads to start those commands with the JVM options of short ones. Run once per build, beside
   * the start-up archive ({@code java -cp inferwatt.jar io.inferwatt.cli.Commands}).
   */
  public static void main(String[] args) {
    StringBuilder out = new StringBuilder();
    for (String path : quickPaths()) {
      out.append(path).append('\n');
    }
    System.out.print(out);
  }

  /** Every path of command names (and aliases) that {@link #quick} says is short. */
  static List<String> quickPaths() {
    List<String> paths = new ArrayList<>();
    quickPaths(TREE, "", paths);
    return paths;
  }

  private static void quickPaths(Node node, String prefix, List<String> paths) {
    for (Node c : node.children) {
      Command a = c.type.getAnnotation(Command.class);
      List<String> names = new ArrayList<>(List.of(a.name()));
      names.addAll(List.of(a.aliases()));
      for (String name : names) {
        String path = prefix + name;
        if (c.quick) {
          paths.add(path);
        }
        quickPaths(c, path + " ", paths);
      }
    }
  }

  /** Whether {@code args} from {@code i} on ask only for the version (and maybe --verbose). */
  private static boolean versionOnly(String[] args, int i) {
    List<String> rest = new ArrayList<>(List.of(args).subList(i, args.length));
    rest.removeIf("--verbose"::equals);
    return rest.size() == 1 && (rest.get(0).equals("--version") || rest.get(0).equals("-V"));
  }
}
