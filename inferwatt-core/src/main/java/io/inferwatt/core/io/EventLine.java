package io.inferwatt.core.io;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * One parsed line of the events JSONL, in reusable fields (no object per line). {@link #parseFast}
 * reads the flat shapes the recorders write straight from the bytes, numbers without strings and
 * names through a small cache (a layer's name recurs every cycle); any other shape (nested values,
 * escapes, decimals, unknown fields) returns false and the line goes through the general reader
 * ({@link Json}) and {@link #from(Map)}, so both paths give the same fields.
 */
final class EventLine {
  static final int INFERENCE = 1;
  static final int LAYER = 2;
  static final int PHASE = 3;
  static final int META = 4;

  /** The kind, one of the constants; 0 for a kind the fast path does not know. */
  int kind;

  long seq;
  long index;
  long durationNs;
  long startNs;
  long endNs;
  long batch;
  boolean hasSeq;
  boolean hasIndex;
  boolean hasDuration;
  boolean hasStart;
  boolean hasEnd;
  boolean hasBatch;
  String name;
  String type;

  private final Interner names = new Interner();

  private void clear() {
    kind = 0;
    hasSeq = hasIndex = hasDuration = hasStart = hasEnd = hasBatch = false;
    name = null;
    type = null;
  }

  private static final byte[] K_EVENT = bytes("event");
  private static final byte[] K_SEQ = bytes("seq");
  private static final byte[] K_INDEX = bytes("index");
  private static final byte[] K_NAME = bytes("name");
  private static final byte[] K_TYPE = bytes("type");
  private static final byte[] K_DURATION = bytes("duration_ns");
  private static final byte[] K_START = bytes("start_ns");
  private static final byte[] K_END = bytes("end_ns");
  private static final byte[] K_BATCH = bytes("batch");
  private static final byte[] V_INFERENCE = bytes("inference");
  private static final byte[] V_LAYER = bytes("layer");
  private static final byte[] V_PHASE = bytes("phase");

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private int p;
  private long num;

  // the lines as inferwatt's writer puts them, field by field (EventsJsonl.Writer)
  private static final byte[] L_LAYER = bytes("{\"event\":\"layer\",\"seq\":");
  private static final byte[] L_INDEX = bytes(",\"index\":");
  private static final byte[] L_NAME = bytes(",\"name\":\"");
  private static final byte[] L_TYPE = bytes(",\"type\":\"");
  private static final byte[] L_DURATION = bytes(",\"duration_ns\":");
  private static final byte[] L_START = bytes(",\"start_ns\":");
  private static final byte[] L_INFERENCE = bytes("{\"event\":\"inference\",\"seq\":");
  private static final byte[] L_END = bytes(",\"end_ns\":");
  private static final byte[] L_BATCH = bytes(",\"batch\":");

  /**
   * Parses {@code b[from, to)} if it has a plain shape; false means: use the general reader. The
   * layer and inference lines exactly as inferwatt writes them (keys in the writer's order, no
   * blanks) are read field after field without looking keys up; any other plain shape key by key.
   */
  boolean parseFast(byte[] b, int from, int to) {
    return written(b, from, to) || plain(b, from, to);
  }

  /**
   * A layer or inference line exactly as the writer puts it; false (fields unset) for any other.
   */
  private boolean written(byte[] b, int from, int to) {
    clear();
    p = from;
    if (at(b, to, L_LAYER)) {
      if (!number(b, to)) {
        return false;
      }
      seq = num;
      if (!at(b, to, L_INDEX) || !number(b, to)) {
        return false;
      }
      index = num;
      if (!at(b, to, L_NAME)) {
        return false;
      }
      int vs = p;
      if (!string(b, to)) {
        return false;
      }
      String n = names.get(b, vs, p - 1);
      String t = null;
      if (at(b, to, L_TYPE)) {
        vs = p;
        if (!string(b, to)) {
          return false;
        }
        t = names.get(b, vs, p - 1);
      }
      if (!at(b, to, L_DURATION) || !number(b, to)) {
        return false;
      }
      durationNs = num;
      if (at(b, to, L_START)) {
        if (!number(b, to)) {
          return false;
        }
        startNs = num;
        hasStart = true;
      }
      if (p + 1 != to || b[p] != '}') {
        hasStart = false;
        return false;
      }
      kind = LAYER;
      hasSeq = hasIndex = hasDuration = true;
      name = n;
      type = t;
      return true;
    }
    if (at(b, to, L_INFERENCE)) {
      if (!number(b, to)) {
        return false;
      }
      seq = num;
      if (!at(b, to, L_START) || !number(b, to)) {
        return false;
      }
      startNs = num;
      if (!at(b, to, L_END) || !number(b, to)) {
        return false;
      }
      endNs = num;
      if (!at(b, to, L_BATCH) || !number(b, to)) {
        return false;
      }
      batch = num;
      if (p + 1 != to || b[p] != '}') {
        return false;
      }
      kind = INFERENCE;
      hasSeq = hasStart = hasEnd = hasBatch = true;
      return true;
    }
    return false;
  }

  /** Whether {@code k} stands at {@code p}; moves past it if so. */
  private boolean at(byte[] b, int to, byte[] k) {
    int n = k.length;
    if (to - p < n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (b[p + i] != k[i]) {
        return false;
      }
    }
    p += n;
    return true;
  }

  /** A plain string's bytes up to its closing quote (moves past it); false for escapes. */
  private boolean string(byte[] b, int to) {
    while (p < to) {
      byte c = b[p++];
      if (c == '"') {
        return true;
      }
      if (c == '\\' || (c >= 0 && c < 0x20)) {
        return false;
      }
    }
    return false;
  }

  /** Any plain shape, key by key. */
  private boolean plain(byte[] b, int from, int to) {
    clear();
    p = from;
    skipWs(b, to);
    if (p >= to || b[p] != '{') {
      return false;
    }
    p++;
    int seen = 0; // bit per key: a key twice goes to the general reader, which names it
    while (true) {
      skipWs(b, to);
      if (p >= to || b[p] != '"') {
        return false;
      }
      int ks = ++p;
      while (p < to && b[p] != '"') {
        if (b[p] == '\\') {
          return false;
        }
        p++;
      }
      if (p >= to) {
        return false;
      }
      int ke = p++;
      skipWs(b, to);
      if (p >= to || b[p] != ':') {
        return false;
      }
      p++;
      skipWs(b, to);
      int key = key(b, ks, ke);
      if (key < 0 || (seen & (1 << key)) != 0) {
        return false;
      }
      seen |= 1 << key;
      if (p >= to) {
        return false;
      }
      byte c = b[p];
      if (c == '"') {
        int vs = ++p;
        while (p < to && b[p] != '"') {
          if (b[p] == '\\' || (b[p] >= 0 && b[p] < 0x20)) {
            return false;
          }
          p++;
        }
        if (p >= to) {
          return false;
        }
        int ve = p++;
        switch (key) {
          case 0 -> {
            kind = kindOf(b, vs, ve);
            if (kind == 0) {
              return false;
            }
          }
          case 3 -> name = names.get(b, vs, ve);
          case 4 -> type = names.get(b, vs, ve);
          default -> {
            return false; // a string where a number belongs: the general reader says so
          }
        }
      } else if (c == 'n') {
        if (p + 4 > to || b[p + 1] != 'u' || b[p + 2] != 'l' || b[p + 3] != 'l') {
          return false;
        }
        p += 4;
        if (key != 4 && key != 6) {
          return false; // only type and start_ns may be null
        }
      } else {
        if (!number(b, to)) {
          return false;
        }
        switch (key) {
          case 1 -> {
            seq = num;
            hasSeq = true;
          }
          case 2 -> {
            index = num;
            hasIndex = true;
          }
          case 5 -> {
            durationNs = num;
            hasDuration = true;
          }
          case 6 -> {
            startNs = num;
            hasStart = true;
          }
          case 7 -> {
            endNs = num;
            hasEnd = true;
          }
          case 8 -> {
            batch = num;
            hasBatch = true;
          }
          default -> {
            return false;
          }
        }
      }
      skipWs(b, to);
      if (p >= to) {
        return false;
      }
      if (b[p] == ',') {
        p++;
        continue;
      }
      if (b[p] != '}') {
        return false;
      }
      p++;
      skipWs(b, to);
      return p == to && kind != 0;
    }
  }

  /** Takes the fields of a line parsed by the general reader. */
  void from(Map<String, Object> o, String kindName) {
    clear();
    kind =
        switch (kindName) {
          case "inference" -> INFERENCE;
          case "layer" -> LAYER;
          case "phase" -> PHASE;
          case "meta" -> META;
          default -> 0;
        };
    if (kind == META) {
      return;
    }
    if (o.containsKey("seq")) {
      seq = integer(o, "seq");
      hasSeq = true;
    }
    if (o.containsKey("index")) {
      index = integer(o, "index");
      hasIndex = true;
    }
    if (o.containsKey("duration_ns")) {
      durationNs = integer(o, "duration_ns");
      hasDuration = true;
    }
    if (o.get("start_ns") != null) {
      startNs = integer(o, "start_ns");
      hasStart = true;
    }
    if (o.containsKey("end_ns")) {
      endNs = integer(o, "end_ns");
      hasEnd = true;
    }
    if (o.containsKey("batch")) {
      batch = integer(o, "batch");
      hasBatch = true;
    }
    if (o.get("name") != null) {
      name = str(o, "name");
    }
    if (o.get("type") != null) {
      type = str(o, "type");
    }
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
    throw new IllegalArgumentException(
        "field \"" + field + "\" is not an integer: " + LineReader.quote(String.valueOf(v)));
  }

  private static String str(Map<String, Object> o, String field) {
    Object v = o.get(field);
    if (v instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException(
        "field \"" + field + "\" is not a string: " + LineReader.quote(String.valueOf(v)));
  }

  private static int kindOf(byte[] b, int s, int e) {
    if (eq(b, s, e, V_LAYER)) {
      return LAYER;
    }
    if (eq(b, s, e, V_INFERENCE)) {
      return INFERENCE;
    }
    if (eq(b, s, e, V_PHASE)) {
      return PHASE;
    }
    return 0; // meta and unknown kinds: the general reader
  }

  private static int key(byte[] b, int s, int e) {
    return switch (e - s) {
      case 3 -> eq(b, s, e, K_SEQ) ? 1 : -1;
      case 4 -> eq(b, s, e, K_NAME) ? 3 : eq(b, s, e, K_TYPE) ? 4 : -1;
      case 5 -> eq(b, s, e, K_EVENT) ? 0 : eq(b, s, e, K_INDEX) ? 2 : eq(b, s, e, K_BATCH) ? 8 : -1;
      case 6 -> eq(b, s, e, K_END) ? 7 : -1;
      case 8 -> eq(b, s, e, K_START) ? 6 : -1;
      case 11 -> eq(b, s, e, K_DURATION) ? 5 : -1;
      default -> -1;
    };
  }

  private static boolean eq(byte[] b, int s, int e, byte[] k) {
    if (e - s != k.length) {
      return false;
    }
    for (int i = 0; i < k.length; i++) {
      if (b[s + i] != k[i]) {
        return false;
      }
    }
    return true;
  }

  /** A plain integer of at most 18 digits; anything else is the general reader's. */
  private boolean number(byte[] b, int to) {
    if (p >= to) {
      return false;
    }
    boolean neg = false;
    if (b[p] == '-') {
      neg = true;
      p++;
    }
    int s = p;
    long v = 0;
    while (p < to && b[p] >= '0' && b[p] <= '9') {
      v = v * 10 + (b[p] - '0');
      p++;
    }
    int n = p - s;
    if (n == 0 || n > 18 || (n > 1 && b[s] == '0')) {
      return false;
    }
    if (p < to && (b[p] == '.' || b[p] == 'e' || b[p] == 'E')) {
      return false;
    }
    num = neg ? -v : v;
    return true;
  }

  private void skipWs(byte[] b, int to) {
    while (p < to && (b[p] == ' ' || b[p] == '\t')) {
      p++;
    }
  }

  /** Strings by their UTF-8 bytes: the same name gives the same string, without decoding. */
  private static final class Interner {
    private byte[][] keys = new byte[256][];
    private String[] values = new String[256];
    private int size;

    String get(byte[] b, int s, int e) {
      int h = 1;
      for (int i = s; i < e; i++) {
        h = 31 * h + b[i];
      }
      int mask = keys.length - 1;
      int at = (h ^ (h >>> 16)) & mask;
      while (keys[at] != null) {
        byte[] k = keys[at];
        if (Arrays.equals(k, 0, k.length, b, s, e)) {
          return values[at];
        }
        at = (at + 1) & mask;
      }
      String v = new String(b, s, e - s, StandardCharsets.UTF_8);
      if (size < 1 << 16) { // bounded: a file of ever new names decodes them, and that is all
        if (2 * (size + 1) > keys.length) {
          grow();
          return get(b, s, e);
        }
        keys[at] = Arrays.copyOfRange(b, s, e);
        values[at] = v;
        size++;
      }
      return v;
    }

    private void grow() {
      byte[][] ok = keys;
      String[] ov = values;
      keys = new byte[ok.length * 2][];
      values = new String[ok.length * 2];
      size = 0;
      for (int i = 0; i < ok.length; i++) {
        if (ok[i] != null) {
          byte[] k = ok[i];
          int h = 1;
          for (byte x : k) {
            h = 31 * h + x;
          }
          int mask = keys.length - 1;
          int at = (h ^ (h >>> 16)) & mask;
          while (keys[at] != null) {
            at = (at + 1) & mask;
          }
          keys[at] = k;
          values[at] = ov[i];
          size++;
        }
      }
    }
  }
}
