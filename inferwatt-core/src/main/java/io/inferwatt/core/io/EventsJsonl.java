package io.inferwatt.core.io;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.EventSink;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.LayerEvent;
import io.inferwatt.core.PhaseEvent;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The events JSONL of {@code docs/formats.md}, which is also the external runner protocol: one JSON
 * object per line, {@code event} = {@code inference} | {@code layer} | {@code phase} | {@code
 * meta}, times in monotonic ns. Unknown fields are ignored (the format grows additively); unknown
 * event kinds and missing or mistyped fields are errors that name the line. Lines are bounded (1
 * MiB) and so is nesting ({@value Json#MAX_DEPTH} levels); a message quotes at most the start of a
 * bad line.
 *
 * <p>Over 500 lines on purpose: the readers ({@link Lines}, the checking {@link Parser}) and the
 * {@link Writer} of one format sit together, so that each field's name and type is read and written
 * in one file; the line reading and the JSON syntax are apart ({@code LineReader}, {@code Json},
 * {@code EventLine}).
 */
public final class EventsJsonl {

  private EventsJsonl() {}

  /** Reads and checks a whole events file into memory. */
  public static EventsFile read(Path file) {
    EventLog.Builder log = EventLog.builder();
    Parser p = new Parser(file.toString(), log.sink(), true);
    p.log = log;
    try (LineReader in = new LineReader(file.toString(), open(file))) {
      while (in.next()) {
        p.accept(in.buffer(), in.start(), in.length(), in.lineNumber());
      }
    }
    return p.finish(log);
  }

  /**
   * Streams an events stream into {@code sink}, once, front to back, line by line; nothing is kept
   * (checks between lines are the sink's). Returns the lines read.
   *
   * @throws FormatException for a malformed line
   */
  public static long stream(String source, InputStream in, EventSink sink) {
    Parser p = new Parser(source, sink, false);
    try (LineReader lines = new LineReader(source, in)) {
      while (lines.next()) {
        p.accept(lines.buffer(), lines.start(), lines.length(), lines.lineNumber());
      }
      return lines.lineNumber();
    }
  }

  /**
   * The phases and {@code meta} fields of an events stream, read once: what a streaming analysis
   * needs before the inferences. Only lines that mention {@code phase} or {@code meta} are parsed;
   * the others are checked later, when the stream is read for its inferences.
   */
  public static EventsFile header(String source, InputStream in) {
    return scan(source, in, false).file();
  }

  /**
   * The phases and {@code meta} fields of the lines before the first other line (an inference or a
   * layer), where inferwatt's recorders write them: read at once, without reading the whole stream.
   * {@code lines} is the number of the last line read into it: a phase or meta line after it (see
   * {@link Lines#line()}) means that the stream's header is not all there, and {@link #header} must
   * read it whole.
   */
  public static Lead leading(String source, InputStream in) {
    return scan(source, in, true);
  }

  /** The header of the first {@code lines} lines of a stream ({@link #leading}). */
  public record Lead(EventsFile file, long lines) {}

  private static Lead scan(String source, InputStream in, boolean leadOnly) {
    EventLog.Builder log = EventLog.builder();
    EventSink sink =
        new EventSink() {
          @Override
          public void inference(InferenceEvent e) {}

          @Override
          public void layer(
              long seq,
              int index,
              String name,
              String type,
              long durationNs,
              long startNsOrMin,
              long line) {}

          @Override
          public void phase(PhaseEvent e) {
            log.phase(e);
          }
        };
    Parser p = new Parser(source, sink, false);
    long last = 0;
    try (LineReader lines = new LineReader(source, in)) {
      while (lines.next()) {
        if (mentions(lines.buffer(), lines.start(), lines.length())) {
          p.accept(lines.buffer(), lines.start(), lines.length(), lines.lineNumber());
        } else if (leadOnly && !lines.blank()) {
          break;
        }
        last = lines.lineNumber();
      }
    }
    return new Lead(new EventsFile(log.build(), p.meta), last);
  }

  private static final byte[] LAYER_LINE =
      "{\"event\":\"layer\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] INFERENCE_LINE =
      "{\"event\":\"inference\"".getBytes(StandardCharsets.US_ASCII);

  /**
   * Whether the bytes hold {@code "phase"} or {@code "meta"} (a cheap pre-filter). A line that
   * starts as a layer or inference event written by inferwatt is none (a second {@code event} key
   * is an error, found when the stream is read).
   */
  static boolean mentions(byte[] b, int from, int len) {
    if (startsWith(b, from, len, LAYER_LINE) || startsWith(b, from, len, INFERENCE_LINE)) {
      return false;
    }
    int end = from + len;
    for (int i = from; i + 5 < end; i++) {
      if (b[i] == '"') {
        if (b[i + 1] == 'p'
            && i + 7 < end
            && b[i + 2] == 'h'
            && b[i + 3] == 'a'
            && b[i + 4] == 's'
            && b[i + 5] == 'e'
            && b[i + 6] == '"') {
          return true;
        }
        if (b[i + 1] == 'm'
            && b[i + 2] == 'e'
            && b[i + 3] == 't'
            && b[i + 4] == 'a'
            && b[i + 5] == '"') {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean startsWith(byte[] b, int from, int len, byte[] prefix) {
    return len > prefix.length
        && Arrays.equals(b, from, from + prefix.length, prefix, 0, prefix.length)
        && (b[from + prefix.length] == ',' || b[from + prefix.length] == '}');
  }

  /** A line reader over an events stream, for callers that interleave it with other input. */
  public static Lines lines(String source, InputStream in, EventSink sink) {
    return new Lines(source, in, sink);
  }

  /**
   * Like {@link #lines}, with the reading and parsing on a thread of its own that runs ahead
   * ({@link PrefetchedEvents}: bounded, a few batches of parsed events): each {@link Lines#next()}
   * feeds one event into {@code sink} on the caller's thread, so that parsing the events overlaps
   * the caller's work on them. Errors come as with {@link #lines}, at the event where they stand.
   */
  public static Lines prefetched(String source, InputStream in, EventSink sink) {
    return prefetched(source, in, sink, Long.MAX_VALUE);
  }

  /**
   * Like {@link #prefetched(String, InputStream, EventSink)} for a sink that was given the phases
   * and meta of the stream's first {@code leadLines} lines ({@link #leading}): a phase or meta line
   * after those throws {@link LateHeader} instead of reaching the sink.
   */
  public static Lines prefetched(String source, InputStream in, EventSink sink, long leadLines) {
    return new Lines(new PrefetchedEvents(source, in, sink, leadLines));
  }

  /** A phase or meta line after the lead ({@link #leading}): the header must be read whole. */
  public static final class LateHeader extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LateHeader(long line) {
      super(
          "a phase or meta line after the first inference (line " + line + ")", null, false, false);
    }
  }

  /** Feeds one line at a time on demand ({@link #next()}), so two inputs can be merged in time. */
  public static final class Lines implements AutoCloseable {
    private final LineReader in;
    private final Parser parser;
    private final PrefetchedEvents ahead;

    private Lines(String source, InputStream stream, EventSink sink) {
      this.in = new LineReader(source, stream);
      this.parser = new Parser(source, sink, false);
      this.ahead = null;
    }

    private Lines(PrefetchedEvents ahead) {
      this.in = null;
      this.parser = null;
      this.ahead = ahead;
    }

    /** Parses the next line into the sink (prefetched: feeds the next event); false at the end. */
    public boolean next() {
      if (ahead != null) {
        return ahead.next();
      }
      if (!in.next()) {
        return false;
      }
      parser.accept(in.buffer(), in.start(), in.length(), in.lineNumber());
      return true;
    }

    /** The number of the line read last (prefetched: of the event fed last). */
    public long line() {
      return ahead != null ? ahead.line() : in.lineNumber();
    }

    @Override
    public void close() {
      if (ahead != null) {
        ahead.close();
      } else {
        in.close();
      }
    }
  }

  static InputStream open(Path file) {
    try {
      return Files.newInputStream(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** A parser fed line by line (a runner's standard output) that keeps the events in memory. */
  public static Parser parser(String source) {
    EventLog.Builder log = EventLog.builder();
    Parser p = new Parser(source, log.sink(), true);
    p.log = log;
    return p;
  }

  /**
   * Parses lines as they come into a sink; when checking, {@link #finish()} checks references
   * between lines (which needs memory for every inference and layer seen).
   */
  public static final class Parser {
    private final String source;
    private final EventSink sink;
    private final boolean checked;
    private final EventLine ev = new EventLine();
    private final Map<String, Object> meta = new LinkedHashMap<>();
    private final Map<Long, Long> inferenceLine = new HashMap<>();
    private final Map<Long, BitSet> layerIndices = new HashMap<>();
    private final Map<Long, Long> firstLayerLine = new HashMap<>();
    private long line;
    private EventLog.Builder log;

    Parser(String source, EventSink sink, boolean checked) {
      this.source = source;
      this.sink = sink;
      this.checked = checked;
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
      if (text.length() > LineReader.MAX_LINE_BYTES) {
        line++;
        throw new FormatException(
            source,
            line,
            "line longer than 1 MiB (an events line is short): " + LineReader.quote(text));
      }
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      accept(b, 0, b.length, line + 1);
    }

    void accept(byte[] b, int from, int len, long lineNumber) {
      line = lineNumber;
      int to = from + len;
      if (blank(b, from, to)) {
        return;
      }
      try {
        if (!ev.parseFast(b, from, to)) {
          general(new String(b, from, len, StandardCharsets.UTF_8));
        }
        dispatch();
      } catch (FormatException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw FormatException.fromSink(source, line, e);
      }
    }

    private static boolean blank(byte[] b, int from, int to) {
      for (int i = from; i < to; i++) {
        if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
          return false;
        }
      }
      return true;
    }

    private void general(String text) {
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
      ev.from(o, k);
      if (ev.kind == 0) {
        throw new FormatException(
            source,
            line,
            "unknown event \""
                + LineReader.clip(k)
                + "\" (expected inference, layer, phase or meta)");
      }
      if (ev.kind == EventLine.META) {
        o.forEach(
            (key, v) -> {
              if (!key.equals("event")) {
                meta.put(key, v);
                sink.meta(key, v);
              }
            });
      }
    }

    private void dispatch() {
      switch (ev.kind) {
        case EventLine.INFERENCE -> inference();
        case EventLine.LAYER -> layer();
        case EventLine.PHASE ->
            sink.phase(
                new PhaseEvent(
                    require(ev.name, "name"), start(), require(ev.hasEnd, ev.endNs, "end_ns")));
        default -> {}
      }
    }

    private long start() {
      return require(ev.hasStart, ev.startNs, "start_ns");
    }

    private static long require(boolean has, long v, String field) {
      if (!has) {
        throw new IllegalArgumentException("missing field \"" + field + "\"");
      }
      return v;
    }

    private static String require(String v, String field) {
      if (v == null) {
        throw new IllegalArgumentException("missing field \"" + field + "\"");
      }
      return v;
    }

    private void inference() {
      long seq = require(ev.hasSeq, ev.seq, "seq");
      long batch = ev.hasBatch ? ev.batch : 1;
      if (batch < 1 || batch > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("batch " + batch + " is not a positive integer");
      }
      if (checked) {
        Long earlier = inferenceLine.putIfAbsent(seq, line);
        if (earlier != null) {
          throw new IllegalArgumentException(
              "inference seq " + seq + " appears twice (first on line " + earlier + ")");
        }
      }
      sink.inference(
          new InferenceEvent(seq, start(), require(ev.hasEnd, ev.endNs, "end_ns"), (int) batch));
    }

    private void layer() {
      long seq = require(ev.hasSeq, ev.seq, "seq");
      long index = require(ev.hasIndex, ev.index, "index");
      if (index < 0 || index >= 1 << 20) {
        throw new IllegalArgumentException("layer index " + index + " is out of range 0..1048575");
      }
      String name = require(ev.name, "name");
      String type = ev.type == null ? "" : ev.type;
      long start = ev.hasStart ? ev.startNs : Long.MIN_VALUE;
      long duration = require(ev.hasDuration, ev.durationNs, "duration_ns");
      if (duration < 0) {
        throw new IllegalArgumentException(
            "layer "
                + index
                + " of inference "
                + seq
                + " has negative duration "
                + duration
                + " ns");
      }
      if (checked) {
        BitSet seen = layerIndices.computeIfAbsent(seq, s -> new BitSet());
        if (seen.get((int) index)) {
          throw new IllegalArgumentException(
              "layer index " + index + " appears twice in inference seq " + seq);
        }
        seen.set((int) index);
        firstLayerLine.putIfAbsent(seq, line);
      }
      sink.layer(seq, (int) index, name, type, duration, start, line);
    }

    /**
     * Checks references between lines and returns the events (for a parser from {@link
     * #parser(String)}).
     *
     * @throws FormatException for a layer of an inference that never appeared
     */
    public EventsFile finish() {
      if (log == null) {
        throw new IllegalStateException("this parser streams into a sink and keeps nothing");
      }
      return finish(log);
    }

    private EventsFile finish(EventLog.Builder log) {
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

    /**
     * Writes every event of {@code log} in time order, as a streaming reader wants them: the phases
     * first (in start order), then each inference (in start order) followed by its layers.
     */
    public Writer all(EventLog log) throws IOException {
      List<PhaseEvent> phases = new ArrayList<>(log.phases());
      phases.sort(Comparator.comparingLong(PhaseEvent::startNs));
      for (PhaseEvent p : phases) {
        phase(p);
      }
      List<InferenceEvent> infs = new ArrayList<>(log.inferences());
      infs.sort(Comparator.comparingLong(InferenceEvent::startNs));
      Map<Long, Integer> pos = new HashMap<>(infs.size() * 2);
      for (int i = 0; i < infs.size(); i++) {
        pos.put(infs.get(i).seq(), i);
      }
      // layers grouped by their inference's position (a counting sort keeps their order)
      int n = log.layerCount();
      int[] start = new int[infs.size() + 2];
      int[] at = new int[n];
      for (int i = 0; i < n; i++) {
        Integer p = pos.get(log.layerSeq(i));
        at[i] = p == null ? infs.size() : p;
        start[at[i] + 1]++;
      }
      for (int i = 1; i < start.length; i++) {
        start[i] += start[i - 1];
      }
      int[] order = new int[n];
      int[] fill = Arrays.copyOf(start, start.length);
      for (int i = 0; i < n; i++) {
        order[fill[at[i]]++] = i;
      }
      for (int k = 0; k < infs.size(); k++) {
        inference(infs.get(k));
        for (int j = start[k]; j < start[k + 1]; j++) {
          layer(log.layer(order[j]));
        }
      }
      for (int j = start[infs.size()]; j < n; j++) {
        layer(log.layer(order[j])); // layers of no inference: kept, the reader will say so
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
