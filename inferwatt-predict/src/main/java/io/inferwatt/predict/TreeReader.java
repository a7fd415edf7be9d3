package io.inferwatt.predict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Reads a model file's JSON into the tree {@code ObjectMapper.readTree} gives (the same node types:
 * {@code int}, {@code long} or big integers as they fit, other numbers as {@code double}; a later
 * field of the same name replaces an earlier one), without building an {@code ObjectMapper}: its
 * start loaded about 480 classes and, with the parse, cost a {@code predict} about 70 ms of CPU
 * (2026-11-30), most of it before the first node. A model file is mostly long base64 strings (the
 * trees), taken here as substrings of the text. Strict JSON (RFC 8259): anything else, also text
 * after the value, is an {@link IllegalArgumentException} with the line and column.
 */
final class TreeReader {
  /** Objects and arrays nest at most this deep: deeper is an error, never a stack overflow. */
  static final int MAX_DEPTH = 256;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final String s;

  /**
   * {@code s} one byte a character (a character above U+00FF as '?'), scanned instead of {@code s}:
   * a byte array's loop runs many times faster than {@code charAt}'s calls before the JIT compiles
   * it, and a prediction reads its file once. Strings are taken from {@code s}, at the same
   * indices.
   */
  private final byte[] b;

  private int i;
  private int depth;

  private TreeReader(String s) {
    this.s = s;
    this.b = s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The value {@code text} holds. */
  static JsonNode read(String text) {
    TreeReader r = new TreeReader(text);
    r.ws();
    JsonNode v = r.value();
    r.ws();
    if (r.i != text.length()) {
      throw r.error("unexpected text after the value");
    }
    return v;
  }

  private JsonNode value() {
    if (i >= b.length) {
      throw error("unexpected end of the text");
    }
    char c = s.charAt(i);
    return switch (c) {
      case '{' -> object();
      case '[' -> array();
      case '"' -> NODES.textNode(string());
      case 't' -> literal("true", NODES.booleanNode(true));
      case 'f' -> literal("false", NODES.booleanNode(false));
      case 'n' -> literal("null", NODES.nullNode());
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield number();
        }
        throw error("unexpected character '" + c + "'");
      }
    };
  }

  private ObjectNode object() {
    nest();
    i++;
    ObjectNode o = NODES.objectNode();
    ws();
    if (peek() == '}') {
      i++;
      depth--;
      return o;
    }
    while (true) {
      ws();
      if (peek() != '"') {
        throw error("expected a field name");
      }
      String name = string();
      ws();
      expect(':');
      ws();
      o.set(name, value());
      ws();
      char c = peek();
      i++;
      if (c == '}') {
        depth--;
        return o;
      }
      if (c != ',') {
        i--;
        throw error("expected ',' or '}'");
      }
    }
  }

  private ArrayNode array() {
    nest();
    i++;
    ArrayNode a = NODES.arrayNode();
    ws();
    if (peek() == ']') {
      i++;
      depth--;
      return a;
    }
    while (true) {
      ws();
      a.add(value());
      ws();
      char c = peek();
      i++;
      if (c == ']') {
        depth--;
        return a;
      }
      if (c != ',') {
        i--;
        throw error("expected ',' or ']'");
      }
    }
  }

  private void nest() {
    if (++depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH);
    }
  }

  /** The string at {@code i} (its opening quote); plain runs are taken as one substring. */
  private String string() {
    int start = ++i;
    int n = b.length;
    while (i < n) {
      int c = b[i] & 0xFF;
      if (c == '"') {
        return s.substring(start, i++);
      }
      if (c == '\\' || c < 0x20) {
        break;
      }
      i++;
    }
    StringBuilder out = new StringBuilder(s.length() - start > 64 ? 64 : 16);
    out.append(s, start, i);
    while (i < n) {
      char c = s.charAt(i);
      if (c == '"') {
        i++;
        return out.toString();
      }
      if (c < 0x20) {
        throw error("a control character in a string");
      }
      if (c != '\\') {
        out.append(c);
        i++;
        continue;
      }
      if (++i >= n) {
        break;
      }
      char e = s.charAt(i++);
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (i + 4 > n) {
            throw error("a short \\u escape");
          }
          int v = 0;
          for (int k = 0; k < 4; k++) {
            char h = s.charAt(i++);
            int d = h <= 'f' ? Character.digit(h, 16) : -1; // ASCII hex digits only
            if (d < 0) {
              i--;
              throw error("a bad \\u escape");
            }
            v = v * 16 + d;
          }
          out.append((char) v);
        }
        default -> {
          i--;
          throw error("a bad escape '\\" + e + "'");
        }
      }
    }
    throw error("a string without its closing quote");
  }

  private JsonNode number() {
    int start = i;
    boolean integral = true;
    if (peek() == '-') {
      i++;
    }
    if (peek() == '0') {
      i++;
    } else if (digits() == 0) {
      throw error("a number without digits");
    }
    if (peek() == '.') {
      integral = false;
      i++;
      if (digits() == 0) {
        throw error("a number without digits after '.'");
      }
    }
    char c = peek();
    if (c == 'e' || c == 'E') {
      integral = false;
      i++;
      c = peek();
      if (c == '+' || c == '-') {
        i++;
      }
      if (digits() == 0) {
        throw error("a number without digits in its exponent");
      }
    }
    String t = s.substring(start, i);
    if (!integral) {
      return NODES.numberNode(Double.parseDouble(t));
    }
    int len = t.length() - (t.charAt(0) == '-' ? 1 : 0);
    if (len <= 9) {
      return NODES.numberNode(Integer.parseInt(t));
    }
    if (len <= 18) {
      long v = Long.parseLong(t);
      return v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v);
    }
    BigInteger v = new BigInteger(t);
    if (v.bitLength() <= 31) {
      return NODES.numberNode(v.intValue());
    }
    return v.bitLength() <= 63 ? NODES.numberNode(v.longValue()) : NODES.numberNode(v);
  }

  private int digits() {
    int start = i;
    while (i < b.length && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    return i - start;
  }

  private JsonNode literal(String word, JsonNode v) {
    if (!s.startsWith(word, i)) {
      throw error("expected '" + word + "'");
    }
    i += word.length();
    return v;
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    i++;
  }

  /** The character at {@code i} ('?' for one above U+00FF), or 0 at the end. */
  private char peek() {
    return i < b.length ? (char) (b[i] & 0xFF) : '\0';
  }

  private void ws() {
    while (i < b.length) {
      byte c = b[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      i++;
    }
  }

  private IllegalArgumentException error(String what) {
    int line = 1;
    int col = 1;
    for (int k = 0; k < i && k < s.length(); k++) {
      if (s.charAt(k) == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    return new IllegalArgumentException(what + " at line " + line + ", column " + col);
  }
}
