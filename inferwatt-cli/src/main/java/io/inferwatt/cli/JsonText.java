package io.inferwatt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * A JSON tree as text, byte for byte as {@code JsonReport.MAPPER.writerWithDefaultPrettyPrinter()}
 * writes it (objects one field a line, indented by two spaces, {@code "name" : value}; arrays on
 * one line, {@code [ a, b ]}, their objects indented by the objects around them only; empty ones
 * {@code { }} and {@code [ ]}; doubles as {@link Double#toString}; strings escaped as Jackson
 * escapes them), without starting an {@code ObjectMapper}: its start loaded about 480 classes, most
 * of what {@code predict --format json} needed Jackson for (2026-11-30). {@code JsonTextTest}
 * compares the two.
 */
final class JsonText {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private JsonText() {}

  /** {@code node} pretty-printed, without a line end after it. */
  static String pretty(JsonNode node) {
    StringBuilder b = new StringBuilder(4096);
    write(b, node, 0);
    return b.toString();
  }

  /** Sets {@code field} to {@code v}, or to null when it is missing, NaN or infinite. */
  static void num(ObjectNode o, String field, Double v) {
    if (v == null || v.isNaN() || v.isInfinite()) {
      o.putNull(field);
    } else {
      o.put(field, v);
    }
  }

  private static void write(StringBuilder b, JsonNode n, int level) {
    switch (n.getNodeType()) {
      case OBJECT -> {
        if (n.isEmpty()) {
          b.append("{ }");
          return;
        }
        b.append('{');
        Iterator<Map.Entry<String, JsonNode>> fields = n.fields();
        boolean first = true;
        while (fields.hasNext()) {
          Map.Entry<String, JsonNode> f = fields.next();
          if (!first) {
            b.append(',');
          }
          first = false;
          indent(b, level + 1);
          string(b, f.getKey());
          b.append(" : ");
          write(b, f.getValue(), level + 1);
        }
        indent(b, level);
        b.append('}');
      }
      case ARRAY -> {
        if (n.isEmpty()) {
          b.append("[ ]");
          return;
        }
        b.append("[ ");
        for (int i = 0; i < n.size(); i++) {
          if (i > 0) {
            b.append(", ");
          }
          write(b, n.get(i), level);
        }
        b.append(" ]");
      }
      case STRING -> string(b, n.textValue());
      case NUMBER -> number(b, n);
      case BOOLEAN -> b.append(n.booleanValue());
      case NULL -> b.append("null");
      default -> throw new IllegalArgumentException("not written as JSON: " + n.getNodeType());
    }
  }

  private static void number(StringBuilder b, JsonNode n) {
    if (n.isDouble()) {
      double d = n.doubleValue();
      if (Double.isFinite(d)) {
        b.append(d);
      } else {
        // Jackson writes the non-finite ones as strings
        b.append('"').append(d).append('"');
      }
    } else if (n.isFloat()) {
      float f = n.floatValue();
      if (Float.isFinite(f)) {
        b.append(f);
      } else {
        b.append('"').append(f).append('"');
      }
    } else if (n.isInt()) {
      b.append(n.intValue());
    } else if (n.isLong()) {
      b.append(n.longValue());
    } else if (n.isShort()) {
      b.append(n.shortValue());
    } else if (n.isBigInteger()) {
      b.append(n.bigIntegerValue());
    } else if (n.isBigDecimal()) {
      b.append(n.decimalValue().toString());
    } else {
      throw new IllegalArgumentException("not written as JSON: a number of " + n.getClass());
    }
  }

  private static void indent(StringBuilder b, int level) {
    b.append(System.lineSeparator());
    for (int i = 0; i < level; i++) {
      b.append("  ");
    }
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    int run = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
        continue;
      }
      b.append(s, run, i);
      run = i + 1;
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    b.append(s, run, s.length()).append('"');
  }
}
