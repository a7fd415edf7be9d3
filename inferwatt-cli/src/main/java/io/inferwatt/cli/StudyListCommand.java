package io.inferwatt.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.store.StudyRow;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code inferwatt study list}: the studies stored in a base. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "List the studies in the measurement base.")
final class StudyListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DbOption db;

  @Mixin FormatOption output;

  @Override
  public Integer call() throws Exception {
    List<StudyRow> studies;
    try (Store store = db.openExisting()) {
      studies = store.base().studies();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      ArrayNode a = JsonReport.MAPPER.createArrayNode();
      for (StudyRow s : studies) {
        ObjectNode o = a.addObject();
        o.put("study", s.studyId());
        o.put("board", s.board());
        o.put("engine", s.engine());
        o.put("simulated", s.simulated());
        o.put("created_at", s.createdAt().toString());
        o.put("updated_at", s.updatedAt().toString());
        o.put("planned", s.plannedConfigurations());
        o.put("finished", s.finishedConfigurations());
      }
      out.println(JsonReport.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(a));
      return 0;
    }
    if (studies.isEmpty()) {
      out.println("no studies stored in " + db);
      return 0;
    }
    out.printf(
        Locale.ROOT,
        "%-20s  %-12s  %-8s  %9s  %-20s%n",
        "study",
        "board",
        "engine",
        "finished",
        "updated (UTC)");
    for (StudyRow s : studies) {
      out.printf(
          Locale.ROOT,
          "%-20s  %-12s  %-8s  %4d/%-4d  %-20s%s%n",
          s.studyId(),
          s.board(),
          s.engine(),
          s.finishedConfigurations(),
          s.plannedConfigurations(),
          s.updatedAt().toString().replaceFirst("\\.\\d+Z$", "Z"),
          s.simulated() ? "  [simulated]" : "");
    }
    return 0;
  }
}
