package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The conventions every command keeps (issue 16, item 6): help that starts with a whole sentence,
 * typed options that list their values, output a newcomer can read.
 */
class CliConventionsTest {

  private static List<CommandSpec> allCommands(CommandLine cl, List<CommandSpec> into) {
    into.add(cl.getCommandSpec());
    cl.getSubcommands().values().stream()
        .distinct()
        .filter(c -> !c.getCommandName().equals("help"))
        .forEach(c -> allCommands(c, into));
    return into;
  }

  @Test
  void everyCommandsHelpStartsWithAWholeSentence() {
    CommandLine cl =
        Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    List<String> bad = new ArrayList<>();
    for (CommandSpec c : allCommands(cl, new ArrayList<>())) {
      String[] d = c.usageMessage().description();
      String first = d.length == 0 ? "" : d[0];
      if (!first.matches("[A-Z].*[.!?]")) {
        bad.add(c.qualifiedName() + ": '" + first + "'");
      }
    }
    assertThat(bad).as("first description lines that are not a whole sentence").isEmpty();
    // what inferwatt --help shows: every summary line a whole sentence, none cut off
    CliTest.Run help = CliTest.run("--help");
    assertThat(help.out()).contains("sensors").contains("report");
    List<String> entries = new ArrayList<>();
    for (String line : help.out().substring(help.out().indexOf("Commands:")).lines().toList()) {
      if (line.matches("  [a-z]+ +.*")) {
        entries.add(line.strip());
      } else if (line.startsWith("   ") && !entries.isEmpty()) {
        int last = entries.size() - 1;
        entries.set(last, entries.get(last) + " " + line.strip());
      }
    }
    assertThat(entries).hasSizeGreaterThan(10);
    for (String entry : entries) {
      assertThat(entry).as(entry).endsWith(".");
    }
  }

  @Test
  void typedOptionsListTheirValuesAndRefuseOthers() {
    CommandLine cl =
        Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    CommandSpec profile = cl.getSubcommands().get("profile").getCommandSpec();
    assertThat(profile.findOption("--mode").completionCandidates())
        .containsExactly("sync", "async");
    assertThat(profile.findOption("--input").completionCandidates())
        .containsExactly("black", "fixed-random", "varied");
    assertThat(profile.findOption("--mapping").completionCandidates())
        .containsExactly("auto", "window", "paper", "prefix");
    assertThat(profile.findOption("--format").completionCandidates())
        .containsExactly("text", "json");
    assertThat(
            cl.getSubcommands()
                .get("export")
                .getCommandSpec()
                .findOption("--format")
                .completionCandidates())
        .containsExactly("parquet", "csv");

    // every command's --format, --mode, --mapping and --input, the subcommands' too
    List<String> untyped = new ArrayList<>();
    for (CommandSpec c : allCommands(cl, new ArrayList<>())) {
      for (String name : List.of("--format", "--mode", "--mapping", "--input")) {
        picocli.CommandLine.Model.OptionSpec o = c.findOption(name);
        if (o != null
            && (!o.type().isEnum()
                || o.completionCandidates() == null
                || !o.completionCandidates().iterator().hasNext())) {
          untyped.add(c.qualifiedName() + " " + name + " (" + o.type().getSimpleName() + ")");
        }
      }
    }
    assertThat(untyped).as("options that take free text instead of a typed choice").isEmpty();

    String[][] cases = {
      {"profile", "--mode", "fast", "sync, async"},
      {"query", "--format", "xml", "SELECT 1", "text, csv, json"},
      {"profile", "--input", "noise", "black, fixed-random, varied"},
      {"profile", "--mapping", "guess", "auto, window, paper, prefix"},
      {"profile", "--format", "xml", "text, json"},
      {"runs", "--format", "yaml", "text, json"},
      {"analyze", "--samples", "s.csv", "--events", "e.jsonl", "--format", "html", "text, json"},
      {"export", "--out", "x", "--format", "orc", "parquet, csv"},
    };
    for (String[] c : cases) {
      String[] args = java.util.Arrays.copyOf(c, c.length - 1);
      CliTest.Run r = CliTest.run(args);
      assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(2);
      assertThat(r.err()).as(String.join(" ", args)).contains("is not one of " + c[c.length - 1]);
      // one line and where to look, not the whole usage help
      assertThat(r.err().lines().toList())
          .as(r.err())
          .hasSize(2)
          .last()
          .asString()
          .endsWith("--help lists the options)");
    }
    // the values are read as people type them
    CliTest.Run ok =
        CliTest.run(
            "profile",
            "--no-store",
            "--mode",
            "ASYNC",
            "--input",
            "Fixed-Random",
            "--format",
            "JSON",
            "--warmup",
            "1",
            "--cycles",
            "5",
            "--max-layer-cycles",
            "20",
            "--idle",
            "0s");
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("\"mode\" : \"async\"");
  }

  private static final String[] SHORT_PROFILE = {
    "profile",
    "--no-store",
    "--cycles",
    "100",
    "--warmup",
    "5",
    "--max-layer-cycles",
    "1500",
    "--idle",
    "200ms"
  };

  @Test
  void theProfileSummarisesTheLayersShortOfSamplesInTwoLines() {
    CliTest.Run r = CliTest.run(SHORT_PROFILE);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .doesNotContain("warning: layer")
        .doesNotContain("NaN")
        .doesNotContain(" ? ");
    List<String> summary =
        r.out()
            .lines()
            .filter(l -> l.matches("\\[simulated\\] (layers: |the \\d+ layers ).*"))
            .toList();
    assertThat(summary).hasSize(2);
    assertThat(summary.get(0))
        .matches("\\[simulated\\] layers: \\d+ of 66 got fewer than 100 equivalent samples.*")
        .contains("(each with --verbose)");
    assertThat(summary.get(1))
        .matches(
            "\\[simulated\\] the \\d+ layers that hold 9\\d% of the energy \\(in rail\\) include \\d+ of"
                + " these; about \\d+ layer cycles would cover them \\(this run: 1500; all 66 layers:"
                + " about \\d+\\)");
    // the old line named the cycles a 6 µs flatten layer needs: hundreds of millions
    assertThat(r.out()).doesNotContain("the layers need");

    CliTest.Run verbose = CliTest.run(append(SHORT_PROFILE, "--verbose"));
    assertThat(verbose.code()).as(verbose.err()).isZero();
    long perLayer = verbose.out().lines().filter(l -> l.contains("warning: layer ")).count();
    assertThat(perLayer).isGreaterThan(10);
    assertThat(summary.get(0)).startsWith("[simulated] layers: " + perLayer + " of 66");
  }

  @Test
  void theIdlePhaseProgressIsADuration() {
    CliTest.Run r = CliTest.run(SHORT_PROFILE);
    assertThat(r.err()).contains("phase idle done (200 ms)").doesNotContain("200000000");
    assertThat(r.err()).contains("phase latency done (100 cycles)");
  }

  private static String[] append(String[] a, String... more) {
    String[] out = java.util.Arrays.copyOf(a, a.length + more.length);
    System.arraycopy(more, 0, out, a.length, more.length);
    return out;
  }
}
