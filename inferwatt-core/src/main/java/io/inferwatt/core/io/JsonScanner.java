package io.inferwatt.core.io;

import java.nio.charset.StandardCharsets;

/**
 * The one recursive-descent JSON scanner: it reads the text and hands what it finds to a {@link
 * Builder}, which makes the values (core's maps and lists for the events format, the model reader's
 * Jackson nodes). Problems are {@link IllegalArgumentException}s that end with where they are:
 * {@code at column C}, or {@code at line L, column C} under {@link Rules#lines}.
 *
 * @param <V> the type of a value the builder makes
 */
public final class JsonScanner<V> {

  /** Makes the values the scanner finds; objects and arrays are values filled in place. */
  public interface Builder<V> {
    /** A new empty object. */
    V object();

    /** Adds a field; false if the object refuses it (a name it has already), an error. */
    boolean put(V object, String name, V value);

    /** A new empty array. */
    V array();

    /** Appends to an array. */
    void add(V array, V value);

    /** A string. */
    V string(String s);

    /**
     * The number written {@code text}, integral if it has no fraction and no exponent; may throw
     * {@link NumberFormatException}, reported as a bad number.
     */
    V number(String text, boolean integral);

    /** {@code true} or {@code false}. */
    V bool(boolean v);

    /** {@code null}. */
    V nul();
  }

  /**
   * How strict to be: nesting at most {@code maxDepth} deep; {@code strict}: only RFC 8259's four
   * white-space characters and its number grammar (else any Java white space, and a number is a run
   * of digits, signs, '.', 'e' that Java parses); {@code lines}: problems give the line and column
   * (else the column of a one-line text).
   */
  public record Rules(int maxDepth, boolean strict, boolean lines) {}

  private final String s;

  /**
   * {@code s} one byte a character (a character above U+00FF as '?'), scanned instead of {@code s}:
   * a byte array's loop runs many times faster than {@code charAt}'s calls before the JIT compiles
   * it, and a model file is read once. Strings are taken from {@code s}, at the same indices.
   */
  private final byte[] b;

  private final Builder<V> out;
  private final Rules rules;
  int i;
  private int depth;

  JsonScanner(String s, Builder<V> out, Rules rules) {
    this.s = s;
    this.b = s.getBytes(StandardCharsets.ISO_8859_1);
    this.out = out;
    this.rules = rules;
  }

  /** The one value {@code text} holds (white space around it allowed, nothing else). */
  public static <V> V read(String text, Builder<V> out, Rules rules) {
    JsonScanner<V> p = new JsonScanner<>(text, out, rules);
    V v = p.value();
    p.ws();
    if (p.i != text.length()) {
      throw p.error("unexpected text after the value");
    }
    return v;
  }

  V value() {
    ws();
    if (i >= b.length) {
      throw error(rules.lines() ? "unexpected end of the text" : "unexpected end of line");
    }
    char c = s.charAt(i);
    return switch (c) {
      case '{' -> object();
      case '[' -> array();
      case '"' -> out.string(string());
      case 't' -> literal("true", out.bool(true));
      case 'f' -> literal("false", out.bool(false));
      case 'n' -> literal("null", out.nul());
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield number();
        }
        throw error("unexpected character '" + c + "'");
      }
    };
  }

  private void enter() {
    if (++depth > rules.maxDepth()) {
      throw error("objects and arrays nest deeper than " + rules.maxDepth() + " levels");
    }
  }

  private V object() {
    enter();
    V o = out.object();
    i++; // {
    ws();
    if (peek() == '}') {
      i++;
      depth--;
      return o;
    }
    while (true) {
      ws();
      if (peek() != '"') {
        throw error("expected a field name in quotes");
      }
      String key = string();
      ws();
      if (peek() != ':') {
        throw error("expected ':' after " + LineReader.quote(key));
      }
      i++;
      V v = value();
      if (!out.put(o, key, v)) {
        throw error("field " + LineReader.quote(key) + " appears twice");
      }
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

  private V array() {
    enter();
    V a = out.array();
    i++; // [
    ws();
    if (peek() == ']') {
      i++;
      depth--;
      return a;
    }
    while (true) {
      out.add(a, value());
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

  /** The string at {@code i} (its opening quote); a plain run is taken as one substring. */
  String string() {
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
    StringBuilder sb = new StringBuilder(s.length() - start > 64 ? 64 : 16);
    sb.append(s, start, i);
    while (i < n) {
      char c = s.charAt(i);
      if (c == '"') {
        i++;
        return sb.toString();
      }
      if (c < 0x20) {
        throw error("control character in a string");
      }
      if (c != '\\') {
        sb.append(c);
        i++;
        continue;
      }
      if (++i >= n) {
        break;
      }
      char e = s.charAt(i++);
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          if (i + 4 > n) {
            throw error("bad \\u escape");
          }
          int v = 0;
          for (int k = 0; k < 4; k++) {
            char h = s.charAt(i++);
            int d = h <= 'f' ? Character.digit(h, 16) : -1; // ASCII hex digits only
            if (d < 0) {
              i--;
              throw error("bad \\u escape");
            }
            v = v * 16 + d;
          }
          sb.append((char) v);
        }
        default -> {
          i--;
          throw error("bad escape \\" + e);
        }
      }
    }
    throw error("unterminated string");
  }

  private V number() {
    int start = i;
    boolean integral = true;
    if (peek() == '-') {
      i++;
    }
    if (!rules.strict()) {
      while (i < b.length) {
        char c = (char) (b[i] & 0xFF);
        if (c >= '0' && c <= '9') {
          i++;
        } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
          integral = false;
          i++;
        } else {
          break;
        }
      }
    } else {
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
    }
    String t = s.substring(start, i);
    try {
      return out.number(t, integral);
    } catch (NumberFormatException e) {
      i = start;
      throw error("bad number " + LineReader.quote(t));
    }
  }

  private int digits() {
    int start = i;
    while (i < b.length && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    return i - start;
  }

  private V literal(String word, V v) {
    if (!s.startsWith(word, i)) {
      throw error("unexpected text");
    }
    i += word.length();
    return v;
  }

  /** The character at {@code i} ('?' for one above U+00FF), or 0 at the end. */
  char peek() {
    return i < b.length ? (char) (b[i] & 0xFF) : '\0';
  }

  void ws() {
    if (!rules.strict()) {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      return;
    }
    while (i < b.length) {
      byte c = b[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return;
      }
      i++;
    }
  }

  IllegalArgumentException error(String what) {
    if (!rules.lines()) {
      return new IllegalArgumentException(what + " at column " + (i + 1));
    }
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
