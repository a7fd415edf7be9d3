package io.inferwatt.engines.runner;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * Reads a child's output line by line (UTF-8, lines end at {@code \n}, a {@code \r} before it is
 * dropped) with a bound on the length of a line, so that a child printing without newlines can
 * neither exhaust the memory nor be quoted whole in a message.
 */
public final class LineReader implements Closeable {

  /** What to do with a line longer than the bound. */
  public enum Overlong {
    /** Throw {@link TooLong} at once, without reading the rest of the line. */
    FAIL,
    /** Return its first {@code maxChars} characters followed by {@code …}; skip the rest. */
    TRUNCATE
  }

  /** A line longer than the bound. */
  public static final class TooLong extends IOException {
    private static final long serialVersionUID = 1L;
    private final long line;
    private final String prefix;

    TooLong(long line, int maxChars, String prefix) {
      super(
          "line "
              + line
              + " is longer than "
              + maxChars
              + " characters (it starts with \""
              + prefix
              + "…\")");
      this.line = line;
      this.prefix = prefix;
    }

    /** The line's number, 1-based. */
    public long line() {
      return line;
    }

    /** Its first characters, at most {@link #PREFIX_CHARS}. */
    public String prefix() {
      return prefix;
    }
  }

  /** How much of a bad line a message quotes. */
  public static final int PREFIX_CHARS = 60;

  private final Reader in;
  private final int maxChars;
  private final Overlong overlong;
  private final char[] buf = new char[8192];
  private int pos;
  private int end;
  private long lines;

  /** Reads {@code in} as UTF-8, lines of at most {@code maxChars} characters. */
  public LineReader(InputStream in, int maxChars, Overlong overlong) {
    if (maxChars < 1) {
      throw new IllegalArgumentException("maxChars " + maxChars + " is not positive");
    }
    this.in = new InputStreamReader(in, StandardCharsets.UTF_8);
    this.maxChars = maxChars;
    this.overlong = overlong;
  }

  /** Lines returned so far. */
  public long lines() {
    return lines;
  }

  /**
   * The next line without its terminator, or {@code null} at the end of the stream.
   *
   * @throws TooLong for a line over the bound, with {@link Overlong#FAIL}
   */
  public String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    boolean any = false;
    boolean skipping = false;
    while (true) {
      if (pos == end) {
        int n = in.read(buf);
        if (n < 0) {
          if (!any) {
            return null;
          }
          return done(line, skipping);
        }
        pos = 0;
        end = n;
      }
      any = true;
      int start = pos;
      while (pos < end && buf[pos] != '\n') {
        pos++;
      }
      boolean newline = pos < end;
      if (!skipping) {
        int take = Math.min(pos - start, maxChars + 1 - line.length());
        line.append(buf, start, take);
        if (line.length() > maxChars) {
          if (overlong == Overlong.FAIL) {
            throw new TooLong(lines + 1, maxChars, prefix(line));
          }
          line.setLength(maxChars);
          skipping = true;
        }
      }
      if (newline) {
        pos++; // past the '\n'
        return done(line, skipping);
      }
    }
  }

  private String done(StringBuilder line, boolean truncated) {
    lines++;
    if (truncated) {
      return line.append('…').toString();
    }
    int n = line.length();
    if (n > 0 && line.charAt(n - 1) == '\r') {
      line.setLength(n - 1);
    }
    return line.toString();
  }

  /** The start of a bad line as a message may quote it. */
  public static String prefix(CharSequence line) {
    return line.subSequence(0, Math.min(PREFIX_CHARS, line.length())).toString();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
