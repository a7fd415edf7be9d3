package io.inferwatt.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.core.BadInputException;
import io.inferwatt.store.QueryResult;
import io.inferwatt.store.StoreException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code inferwatt query "SQL"}: any read-only SQL over the measurement base (docs/schema.md), as
 * an aligned table, CSV (RFC 4180, NULL = empty field) or JSON (an array of objects; numbers as
 * JSON numbers, NULL as null). The statement runs in a transaction that is rolled back.
 */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = {
      "Run SQL over the measurement base (tables: docs/schema.md); nothing is changed.",
      "Example: inferwatt query \"SELECT run_id, model, latency_ms_mean FROM runs\""
    })
final class QueryCommand extends BaseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SQL", description = "one SQL statement, usually a SELECT")
  String sql;

  @Option(
      names = "--format",
      defaultValue = "text",
      description = "text, csv or json (default: ${DEFAULT-VALUE})")
  String format;

  private static final Set<String> INTEGERS =
      Set.of(
          "TINYINT",
          "SMALLINT",
          "INTEGER",
          "BIGINT",
          "UTINYINT",
          "USMALLINT",
          "UINTEGER",
          "UBIGINT",
          "HUGEINT");
  private static final Set<String> REALS = Set.of("FLOAT", "DOUBLE", "DECIMAL");

  @Override
  public Integer call() throws Exception {
    String fmt = format.toLowerCase(Locale.ROOT);
    if (!List.of("text", "csv", "json").contains(fmt)) {
      throw new BadInputException("format '" + format + "' is not one of text, csv, json");
    }
    QueryResult q;
    try (Store store = openExisting()) {
      q = store.base().query(sql);
    } catch (StoreException e) {
      // a bad statement is bad input: one line, exit 2
      throw new BadInputException(e.getMessage().lines().findFirst().orElse("query failed"), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    switch (fmt) {
      case "csv" -> csv(out, q);
      case "json" ->
          out.println(
              JsonReport.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json(q)));
      default -> text(out, q);
    }
    return 0;
  }

  static ArrayNode json(QueryResult q) {
    ArrayNode a = JsonReport.MAPPER.createArrayNode();
    for (List<String> row : q.rows()) {
      ObjectNode o = a.addObject();
      for (int i = 0; i < q.columns().size(); i++) {
        String name = q.columns().get(i);
        String v = row.get(i);
        String type = q.types().get(i).replaceFirst("\\(.*", "");
        if (v == null) {
          o.putNull(name);
        } else if (INTEGERS.contains(type)) {
          o.put(name, new java.math.BigInteger(v));
        } else if (REALS.contains(type)) {
          if (v.equals("NaN") || v.contains("Infinity")) {
            o.putNull(name);
          } else {
            o.put(name, new BigDecimal(v));
          }
        } else if (type.equals("BOOLEAN")) {
          o.put(name, Boolean.parseBoolean(v));
        } else {
          o.put(name, v);
        }
      }
    }
    return a;
  }

  static void csv(PrintWriter out, QueryResult q) {
    out.print(csvLine(q.columns()));
    for (List<String> row : q.rows()) {
      out.print(csvLine(row));
    }
  }

  private static String csvLine(List<String> values) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      if (i > 0) {
        sb.append(',');
      }
      if (v == null) {
        continue;
      }
      if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
        sb.append('"').append(v.replace("\"", "\"\"")).append('"');
      } else {
        sb.append(v);
      }
    }
    return sb.append("\r\n").toString();
  }

  static void text(PrintWriter out, QueryResult q) {
    int n = q.columns().size();
    int[] w = new int[n];
    for (int i = 0; i < n; i++) {
      w[i] = q.columns().get(i).length();
      for (List<String> row : q.rows()) {
        w[i] = Math.max(w[i], Math.min(60, show(row.get(i)).length()));
      }
    }
    StringBuilder head = new StringBuilder();
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < n; i++) {
      head.append(i == 0 ? "" : "  ").append(pad(q.columns().get(i), w[i], false));
      rule.append(i == 0 ? "" : "  ").append("-".repeat(w[i]));
    }
    out.println(head.toString().stripTrailing());
    out.println(rule);
    for (List<String> row : q.rows()) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < n; i++) {
        String type = q.types().get(i).replaceFirst("\\(.*", "");
        boolean right = INTEGERS.contains(type) || REALS.contains(type);
        String v = show(row.get(i));
        if (v.length() > 60) {
          v = v.substring(0, 59) + "…";
        }
        sb.append(i == 0 ? "" : "  ").append(pad(v, w[i], right));
      }
      out.println(sb.toString().stripTrailing());
    }
    out.println("(" + q.rows().size() + (q.rows().size() == 1 ? " row)" : " rows)"));
  }

  private static String show(String v) {
    return v == null ? "NULL" : v.replace('\n', ' ');
  }

  private static String pad(String s, int w, boolean right) {
    String fill = " ".repeat(Math.max(0, w - s.length()));
    return right ? fill + s : s + fill;
  }
}
