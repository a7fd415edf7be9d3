package io.inferwatt.core.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader for one line of the events format (core stays free of dependencies).
 * Objects become {@link LinkedHashMap}, arrays {@link List}, integral numbers that fit {@link
 * Long}, other numbers {@link Double}.
 */
final class Json {
  /** Objects and arrays nest at most this deep: deeper is an error, never a stack overflow. */
  static final int MAX_DEPTH = 64;

  private static final JsonScanner.Rules RULES = new JsonScanner.Rules(MAX_DEPTH, false, false);

  /** Makes maps, lists, longs, doubles, strings, booleans and null; a repeated field is refused. */
  private static final JsonScanner.Builder<Object> VALUES =
      new JsonScanner.Builder<>() {
        @Override
        public Object object() {
          return new LinkedHashMap<String, Object>();
        }

        @Override
        @SuppressWarnings("unchecked")
        public boolean put(Object object, String name, Object value) {
          Map<String, Object> m = (Map<String, Object>) object;
          if (m.containsKey(name)) {
            return false;
          }
          m.put(name, value);
          return true;
        }

        @Override
        public Object array() {
          return new ArrayList<Object>();
        }

        @Override
        @SuppressWarnings("unchecked")
        public void add(Object array, Object value) {
          ((List<Object>) array).add(value);
        }

        @Override
        public Object string(String s) {
          return s;
        }

        @Override
        public Object number(String text, boolean integral) {
          return integral ? (Object) Long.parseLong(text) : (Object) Double.parseDouble(text);
        }

        @Override
        public Object bool(boolean v) {
          return v;
        }

        @Override
        public Object nul() {
          return null;
        }
      };

  private Json() {}

  /** Parses one JSON object; throws IllegalArgumentException with the column of a problem. */
  static Map<String, Object> parseObject(String text) {
    JsonScanner<Object> p = new JsonScanner<>(text, VALUES, RULES);
    p.ws();
    if (p.peek() != '{') {
      throw p.error("expected a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) p.value();
    p.ws();
    if (p.i != text.length()) {
      throw p.error("unexpected text after the object");
    }
    return m;
  }

  /** Writes {@code s} as a JSON string literal. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
