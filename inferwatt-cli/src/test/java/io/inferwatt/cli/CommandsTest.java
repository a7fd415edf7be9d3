package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command line built for the arguments ({@link Commands#commandLine}) holds only the commands
 * they name, and every command prints the same as with the whole tree: help, usage errors, typo
 * suggestions, the version.
 */
class CommandsTest {

  @Test
  void aPathOfCommandNamesBuildsOnlyThatPath() {
    CommandLine cl = Commands.commandLine(new String[] {"--verbose", "study", "run", "p.toml"});
    assertThat(cl.getSubcommands()).containsOnlyKeys("study");
    assertThat(cl.getSubcommands().get("study").getSubcommands()).containsOnlyKeys("run");

    assertThat(Commands.commandLine(new String[] {"analyze", "--samples", "x"}).getSubcommands())
        .containsOnlyKeys("analyze");
    assertThat(Commands.commandLine(new String[] {"--version"}).getSubcommands()).isEmpty();
    // what needs the siblings gets them: help, an unknown command, a subcommand's help
    assertThat(Commands.commandLine(new String[] {"help", "analyze"}).getSubcommands())
        .hasSameSizeAs(Commands.all().getSubcommands());
    assertThat(Commands.commandLine(new String[] {"analyse"}).getSubcommands())
        .hasSameSizeAs(Commands.all().getSubcommands());
    assertThat(
            Commands.commandLine(new String[] {"models", "--help"})
                .getSubcommands()
                .get("models")
                .getSubcommands())
        .containsKeys("list", "build", "sample", "inspect");
  }

  @Test
  void shortCommandsAreTheMarkedOnes() {
    assertThat(Commands.quick(new String[] {"predict", "densenet121", "--model", "m.json"}))
        .isTrue();
    assertThat(Commands.quick(new String[] {"--verbose", "study", "list"})).isTrue();
    // the version alone ends before C2 compiles much; the directive would cost more than it saves
    assertThat(Commands.quick(new String[] {"--version"})).isFalse();
    assertThat(Commands.quick(new String[] {"analyze", "--samples", "s.csv"})).isFalse();
    assertThat(Commands.quick(new String[] {"study", "run", "plan.yaml"})).isFalse();
    assertThat(Commands.quick(new String[] {"study"})).isFalse();
    assertThat(Commands.quick(new String[] {})).isFalse();
    assertThat(Commands.quick(new String[] {"nosuch"})).isFalse();
  }

  @Test
  void theLaunchersListOfShortCommandsIsTheTreesQuickPaths() {
    List<String> paths = Commands.quickPaths();
    assertThat(paths).contains("predict", "runs", "models list", "study list", "fleet status");
    assertThat(paths).doesNotContain("fit", "analyze", "study run", "study", "models");
    for (String path : paths) {
      assertThat(Commands.quick(path.split(" "))).as(path).isTrue();
    }
  }

  @Test
  void theLauncherFindsTheShortCommandsAsTheTreeDoes(@TempDir Path dir) throws Exception {
    Path list = dir.resolve("inferwatt.commands");
    Files.write(list, Commands.quickPaths());
    String[][] cases = {
      {"predict", "densenet121", "--model", "m.json"},
      {"--verbose", "predict", "x"},
      {"models", "--verbose", "list"},
      {"models", "list"},
      {"models", "build", "x"},
      {"models"},
      {"study", "list"},
      {"study", "run", "plan.yaml"},
      {"fit", "--db", "b.duckdb"},
      {"analyze", "--samples", "s.csv"},
      {"--version"},
      {"models list"},
      {"--model", "predict"},
      {}
    };
    for (String[] args : cases) {
      List<String> command = new ArrayList<>(List.of("bash", "-c"));
      command.add("source scripts/java-command.sh && inferwatt_short \"$@\"");
      command.add("launcher");
      command.add(list.toString());
      command.addAll(List.of(args));
      Process p =
          new ProcessBuilder(command)
              .directory(Path.of("..").toFile())
              .redirectErrorStream(true)
              .start();
      String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int rc = p.waitFor();
      assertThat(rc).as(String.join(" ", args) + ": " + said).isIn(0, 1);
      assertThat(rc == 0).as(String.join(" ", args)).isEqualTo(Commands.quick(args));
    }
  }

  @Test
  void everyCommandPrintsTheSameAsWithTheWholeTree() {
    List<List<String>> cases = new ArrayList<>();
    for (String[] a :
        new String[][] {
          {},
          {"--help"},
          {"-h"},
          {"--version"},
          {"-V"},
          {"--verbose", "--version"},
          {"--version", "analyze"},
          {"-hV"},
          {"help"},
          {"help", "analyze"},
          {"help", "study", "run"},
          {"help", "nosuch"},
          {"analyse"},
          {"--bogus"},
          {"study", "rnu"},
          {"models", "smaple"},
          {"fleet", "stauts"},
          {"study"},
          {"models"},
          {"fleet"},
          {"analyze"},
          {"analyze", "--samples"},
          {"analyze", "--mapping", "nosuch", "--samples", "s", "--events", "e"},
          {"predict", "--format", "xml"},
          {"study", "run"},
          {"study", "run", "--keep-raw", "some"},
          {"--verbose", "analyze", "--bogus"},
          {"analyze", "--verbose", "--bogus"},
        }) {
      cases.add(List.of(a));
    }
    for (List<String> path : paths(Commands.all(), new ArrayList<>(), new ArrayList<>())) {
      for (String tail : new String[] {"--help", "-h", "--bogus-option", "-V"}) {
        List<String> c = new ArrayList<>(path);
        c.add(tail);
        cases.add(c);
      }
    }
    for (List<String> c : cases) {
      String[] args = c.toArray(String[]::new);
      assertThat(run(args, true)).as(String.join(" ", c)).isEqualTo(run(args, false));
    }
    assertThat(cases).hasSizeGreaterThan(100);
  }

  /** Every path of command names below {@code cl} (help excluded), {@code cl}'s own first. */
  private static List<List<String>> paths(
      CommandLine cl, List<String> prefix, List<List<String>> into) {
    into.add(prefix);
    cl.getSubcommands()
        .forEach(
            (name, sub) -> {
              if (!name.equals("help")) {
                List<String> p = new ArrayList<>(prefix);
                p.add(name);
                paths(sub, p, into);
              }
            });
    return into;
  }

  /** Exit code, stdout and stderr of {@code args}, on the tree they name or the whole one. */
  private static String run(String[] args, boolean onlyTheirs) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    PrintWriter o = new PrintWriter(out);
    PrintWriter e = new PrintWriter(err);
    CommandLine cl = onlyTheirs ? Main.commandLine(args, o, e) : Main.commandLine(o, e);
    int code = Main.execute(cl, args, o, e);
    return code + "\n--- out\n" + out + "--- err\n" + err;
  }
}
