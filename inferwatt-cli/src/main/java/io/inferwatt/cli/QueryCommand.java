package io.inferwatt.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.inferwatt.core.BadInputException;
import io.inferwatt.store.SqlConsole;
import io.inferwatt.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code inferwatt query "SQL"}: any read-only SQL over the measurement base (docs/schema.md), as
 * an aligned table, CSV (RFC 4180, NULL = empty field) or JSON (an array of objects; numbers as
 * JSON numbers, NULL as null). The base is opened in DuckDB's sandbox ({@link SqlConsole}): no
 * statement can change it or reach any other file, the network or an extension. Rows are written as
 * they come; {@code --limit} caps them.
 */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = {
      "Run read-only SQL over the measurement base (tables: docs/schema.md).",
      "The base is opened read-only, without file, network or extension access.",
      "Example: inferwatt query \"SELECT run_id, model, latency_ms_mean FROM runs\""
    })
final class QueryCommand implements Callable<Integer> {

  @Mixin DbOption db;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SQL", description = "one SQL statement, usually a SELECT")
  String sql;

  /** What the rows are written as. */
  enum Format {
    TEXT,
    CSV,
    JSON
  }

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      converter = Choices.QueryFormats.class,
      completionCandidates = Choices.QueryFormats.class,
      description = "Rows as: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

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

  @Option(
      names = "--limit",
      paramLabel = "ROWS",
      description =
          "print at most ROWS rows, 0 for all (default: 10000 for text, all for csv and json);"
              + " rows are written as they come, never held whole")
  Long limit;

  /** Rows of a text table at the most, unless {@code --limit} says otherwise. */
  static final long TEXT_LIMIT = 10_000;

  /** Rows a text table measures its column widths on before it prints; later rows keep them. */
  static final int TEXT_WIDTH_ROWS = 1_000;

  @Override
  public Integer call() throws Exception {
    if (limit != null && limit < 0) {
      throw new BadInputException(
          "--limit " + limit + " is negative; give a number of rows, or 0 for all of them");
    }
    long max = limit != null ? limit : format == Format.TEXT ? TEXT_LIMIT : 0;
    PrintWriter out = spec.commandLine().getOut();
    Sink sink =
        switch (format) {
          case CSV -> new Csv(out);
          case JSON -> new Json(out);
          case TEXT -> new Text(out);
        };
    SqlConsole.Streamed got;
    try (SqlConsole console = db.console("name one with --db")) {
      got = console.stream(sql, max, sink);
    } catch (StoreException e) {
      // a bad or refused statement is bad input: one line, exit 2
      throw new BadInputException(e.getMessage().lines().findFirst().orElse("query failed"), e);
    }
    sink.end(got);
    out.flush();
    if (got.cut() && format != Format.TEXT) {
      spec.commandLine()
          .getErr()
          .println(
              "query: output stopped after "
                  + got.rows()
                  + " rows (--limit "
                  + max
                  + "); the statement has more: raise --limit, or give 0 for all of them");
    }
    return 0;
  }

  /** A format that writes rows as they come. */
  private abstract static class Sink implements SqlConsole.RowSink {
    List<String> columns = List.of();
    List<String> types = List.of();

    @Override
    public void columns(List<String> names, List<String> t) {
      columns = names;
      types = t;
      begin();
    }

    void begin() {}

    abstract void end(SqlConsole.Streamed got);
  }

  /** RFC 4180, NULL as an empty field. */
  private static final class Csv extends Sink {
    private final PrintWriter out;

    Csv(PrintWriter out) {
      this.out = out;
    }

    @Override
    void begin() {
      out.print(csvLine(columns));
    }

    @Override
    public void row(List<String> values) {
      out.print(csvLine(values));
    }

    @Override
    void end(SqlConsole.Streamed got) {
      if (columns.isEmpty()) {
        out.print("\r\n");
      }
    }
  }

  /** An array of objects; numbers as JSON numbers, NULL as null. */
  private static final class Json extends Sink {
    private final JsonGenerator gen;

    Json(PrintWriter out) {
      try {
        gen = JsonReport.MAPPER.writerWithDefaultPrettyPrinter().createGenerator(out);
        gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        gen.writeStartArray();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void row(List<String> values) {
      try {
        gen.writeTree(object(columns, types, values));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    void end(SqlConsole.Streamed got) {
      try {
        gen.writeEndArray();
        gen.writeRaw(System.lineSeparator());
        gen.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static ObjectNode object(List<String> columns, List<String> types, List<String> row) {
    ObjectNode o = JsonReport.MAPPER.createObjectNode();
    for (int i = 0; i < columns.size(); i++) {
      String name = columns.get(i);
      String v = row.get(i);
      String type = types.get(i).replaceFirst("\\(.*", "");
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
    return o;
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

  /**
   * An aligned table: the column widths come from the first {@value #TEXT_WIDTH_ROWS} rows, which
   * are held until then; every later row is printed as it comes.
   */
  private static final class Text extends Sink {
    private final PrintWriter out;
    private final List<List<String>> held = new ArrayList<>();
    private int[] w;

    Text(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void row(List<String> values) {
      if (w == null) {
        // held for the widths: no cell is shown longer than 60 characters, so keep no more
        held.add(
            values.stream()
                .map(v -> v == null || v.length() <= 61 ? v : v.substring(0, 61))
                .toList());
        if (held.size() == TEXT_WIDTH_ROWS) {
          flushHeld();
        }
      } else {
        print(values);
      }
    }

    private void flushHeld() {
      int n = columns.size();
      w = new int[n];
      for (int i = 0; i < n; i++) {
        w[i] = columns.get(i).length();
        for (List<String> row : held) {
          w[i] = Math.max(w[i], Math.min(60, show(row.get(i)).length()));
        }
      }
      StringBuilder head = new StringBuilder();
      StringBuilder rule = new StringBuilder();
      for (int i = 0; i < n; i++) {
        head.append(i == 0 ? "" : "  ").append(pad(columns.get(i), w[i], false));
        rule.append(i == 0 ? "" : "  ").append("-".repeat(w[i]));
      }
      out.println(head.toString().stripTrailing());
      out.println(rule);
      held.forEach(this::print);
      held.clear();
    }

    private void print(List<String> row) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < columns.size(); i++) {
        String type = types.get(i).replaceFirst("\\(.*", "");
        boolean right = INTEGERS.contains(type) || REALS.contains(type);
        String v = show(row.get(i));
        if (v.length() > 60) {
          v = v.substring(0, 59) + "…";
        }
        sb.append(i == 0 ? "" : "  ").append(pad(v, w[i], right));
      }
      out.println(sb.toString().stripTrailing());
    }

    @Override
    void end(SqlConsole.Streamed got) {
      if (w == null) {
        flushHeld();
      }
      long n = got.rows();
      if (got.cut()) {
        out.println(
            "("
                + n
                + " rows shown, cut by --limit "
                + n
                + "; the statement has more: raise --limit, give 0 for all, or use --format csv)");
      } else {
        out.println("(" + n + (n == 1 ? " row)" : " rows)"));
      }
    }
  }

  private static String show(String v) {
    return v == null ? "NULL" : v.replace('\n', ' ');
  }

  private static String pad(String s, int w, boolean right) {
    String fill = " ".repeat(Math.max(0, w - s.length()));
    return right ? fill + s : s + fill;
  }
}
