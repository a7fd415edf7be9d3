package io.inferwatt.core.io;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.LayerEvent;
import io.inferwatt.core.PhaseEvent;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The events JSONL of {@code docs/formats.md}, which is also the external runner protocol: one JSON
 * object per line, {@code event} = {@code inference} | {@code layer} | {@code phase} | {@code
 * meta}, times in monotonic ns. Unknown fields are ignored (the format grows additively); unknown
 * event kinds and missing or mistyped fields are errors that name the line.
 */
public final class EventsJsonl {

  private EventsJsonl() {}

  /** Reads and checks a whole events file. */
  public static EventsFile read(Path file) {
    Parser p = new Parser(file.toString());
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        p.accept(line);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return p.finish();
  }

  /** A parser fed line by line (a file, or a runner's standard output). */
  public static Parser parser(String source) {
    return new Parser(source);
  }

  /** Parses lines as they come; {@link #finish()} checks references between lines. */
  public static final class Parser {
    private final String source;
    private final EventLog.Builder log = EventLog.builder();
    private final Map<String, Object> meta = new LinkedHashMap<>();
    private final Map<Long, Long> inferenceLine = new HashMap<>();
    private final Map<Long, BitSet> layerIndices = new HashMap<>();
    private final Map<Long, Long> firstLayerLine = new HashMap<>();
    private long line;

    private Parser(String source) {
      this.source = source;
    }

    /** Lines read so far. */
    public long lines() {
      return line;
    }

    /**
     * Parses one line.
     *
     * @throws FormatException for a malformed line
     */
    public void accept(String text) {
      line++;
      if (text.isBlank()) {
        return;
      }
      Map<String, Object> o;
      try {
        o = Json.parseObject(text);
      } catch (IllegalArgumentException e) {
        throw new FormatException(source, line, "malformed JSON: " + e.getMessage());
      }
      Object kind = o.get("event");
      if (!(kind instanceof String k)) {
        throw new FormatException(source, line, "missing string field \"event\"");
      }
      try {
        switch (k) {
          case "inference" -> inference(o);
          case "layer" -> layer(o);
          case "phase" ->
              log.phase(
                  new PhaseEvent(str(o, "name"), integer(o, "start_ns"), integer(o, "end_ns")));
          case "meta" ->
              o.forEach(
                  (key, v) -> {
                    if (!key.equals("event")) {
                      meta.put(key, v);
                    }
                  });
          default ->
              throw new FormatException(
                  source,
                  line,
                  "unknown event \"" + k + "\" (expected inference, layer, phase or meta)");
        }
      } catch (IllegalArgumentException e) {
        throw new FormatException(source, line, e.getMessage());
      }
    }

    private void inference(Map<String, Object> o) {
      long seq = integer(o, "seq");
      long batch = o.containsKey("batch") ? integer(o, "batch") : 1;
      if (batch < 1 || batch > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("batch " + batch + " is not a positive integer");
      }
      Long earlier = inferenceLine.putIfAbsent(seq, line);
      if (earlier != null) {
        throw new IllegalArgumentException(
            "inference seq " + seq + " appears twice (first on line " + earlier + ")");
      }
      log.inference(
          new InferenceEvent(seq, integer(o, "start_ns"), integer(o, "end_ns"), (int) batch));
    }

    private void layer(Map<String, Object> o) {
      long seq = integer(o, "seq");
      long index = integer(o, "index");
      if (index < 0 || index >= 1 << 20) {
        throw new IllegalArgumentException("layer index " + index + " is out of range 0..1048575");
      }
      String name = str(o, "name");
      String type = o.containsKey("type") && o.get("type") != null ? str(o, "type") : "";
      OptionalLong start =
          o.containsKey("start_ns") && o.get("start_ns") != null
              ? OptionalLong.of(integer(o, "start_ns"))
              : OptionalLong.empty();
      BitSet seen = layerIndices.computeIfAbsent(seq, s -> new BitSet());
      if (seen.get((int) index)) {
        throw new IllegalArgumentException(
            "layer index " + index + " appears twice in inference seq " + seq);
      }
      seen.set((int) index);
      firstLayerLine.putIfAbsent(seq, line);
      log.layer(
          new LayerEvent(seq, (int) index, name, type, integer(o, "duration_ns"), start), line);
    }

    private static long integer(Map<String, Object> o, String field) {
      Object v = o.get(field);
      if (v == null) {
        throw new IllegalArgumentException("missing field \"" + field + "\"");
      }
      if (v instanceof Long l) {
        return l;
      }
      if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9e15) {
        return d.longValue();
      }
      throw new IllegalArgumentException("field \"" + field + "\" is not an integer: " + v);
    }

    private static String str(Map<String, Object> o, String field) {
      Object v = o.get(field);
      if (v == null) {
        throw new IllegalArgumentException("missing field \"" + field + "\"");
      }
      if (v instanceof String s) {
        return s;
      }
      throw new IllegalArgumentException("field \"" + field + "\" is not a string: " + v);
    }

    /**
     * Checks references between lines and returns the events.
     *
     * @throws FormatException for a layer of an inference that never appeared
     */
    public EventsFile finish() {
      for (Map.Entry<Long, Long> e : firstLayerLine.entrySet()) {
        if (!inferenceLine.containsKey(e.getKey())) {
          throw new FormatException(
              source,
              e.getValue(),
              "layer for unknown inference seq " + e.getKey() + " (no inference line has it)");
        }
      }
      return new EventsFile(log.build(), meta);
    }
  }

  /** Writes events, one JSON object per line. */
  public static final class Writer implements AutoCloseable {
    private final BufferedWriter out;

    private Writer(BufferedWriter out) {
      this.out = out;
    }

    /** A {@code meta} line; values are strings, numbers or booleans. */
    public Writer meta(Map<String, ?> fields) throws IOException {
      StringBuilder b = new StringBuilder("{\"event\":\"meta\"");
      for (Map.Entry<String, ?> e : fields.entrySet()) {
        b.append(',').append(Json.quote(e.getKey())).append(':');
        Object v = e.getValue();
        if (v == null) {
          b.append("null");
        } else if (v instanceof Number || v instanceof Boolean) {
          b.append(v);
        } else {
          b.append(Json.quote(v.toString()));
        }
      }
      out.write(b.append("}\n").toString());
      return this;
    }

    public Writer inference(InferenceEvent e) throws IOException {
      out.write(
          "{\"event\":\"inference\",\"seq\":"
              + e.seq()
              + ",\"start_ns\":"
              + e.startNs()
              + ",\"end_ns\":"
              + e.endNs()
              + ",\"batch\":"
              + e.batch()
              + "}\n");
      return this;
    }

    public Writer layer(LayerEvent e) throws IOException {
      StringBuilder b =
          new StringBuilder("{\"event\":\"layer\",\"seq\":")
              .append(e.seq())
              .append(",\"index\":")
              .append(e.index())
              .append(",\"name\":")
              .append(Json.quote(e.name()));
      if (!e.type().isEmpty()) {
        b.append(",\"type\":").append(Json.quote(e.type()));
      }
      b.append(",\"duration_ns\":").append(e.durationNs());
      if (e.startNs().isPresent()) {
        b.append(",\"start_ns\":").append(e.startNs().getAsLong());
      }
      out.write(b.append("}\n").toString());
      return this;
    }

    public Writer phase(PhaseEvent e) throws IOException {
      out.write(
          "{\"event\":\"phase\",\"name\":"
              + Json.quote(e.name())
              + ",\"start_ns\":"
              + e.startNs()
              + ",\"end_ns\":"
              + e.endNs()
              + "}\n");
      return this;
    }

    /** Writes every event of {@code log}: inferences, layers, phases. */
    public Writer all(EventLog log) throws IOException {
      for (InferenceEvent e : log.inferences()) {
        inference(e);
      }
      for (int i = 0; i < log.layerCount(); i++) {
        layer(log.layer(i));
      }
      for (PhaseEvent p : log.phases()) {
        phase(p);
      }
      return this;
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  public static Writer writer(Path file) throws IOException {
    return new Writer(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
  }

  public static Writer writer(java.io.Writer out) {
    return new Writer(out instanceof BufferedWriter b ? b : new BufferedWriter(out));
  }
}
