package io.inferwatt.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Lines of a byte stream, with a bound on their length: a line longer than {@link #maxBytes()} is a
 * {@link FormatException} that quotes only its start, so that no input, however long its lines,
 * fills the memory. The line is handed out as bytes ({@link #buffer()}, {@link #start()}, {@link
 * #length()}) so that readers can parse numbers without making strings; {@code \r\n} endings lose
 * their {@code \r}. Reads its stream once, front to back (pipes and FIFOs work).
 */
final class LineReader implements AutoCloseable {

  /** Default bound on a line: 1 MiB. */
  static final int MAX_LINE_BYTES = 1 << 20;

  /** How much of a bad line a message quotes, at most. */
  static final int QUOTE_CHARS = 80;

  private final String source;
  private final InputStream in;
  private final int maxBytes;
  private byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  private boolean eof;
  private int lineStart;
  private int lineLength;
  private boolean lineTerminated;
  private long lineNumber;

  LineReader(String source, InputStream in, int maxBytes) {
    this.source = source;
    this.in = in;
    this.maxBytes = maxBytes;
  }

  LineReader(String source, InputStream in) {
    this(source, in, MAX_LINE_BYTES);
  }

  int maxBytes() {
    return maxBytes;
  }

  /**
   * Moves to the next line; false at the end of the stream.
   *
   * @throws FormatException for a line longer than the bound
   */
  boolean next() {
    int scan = pos;
    while (true) {
      int i = indexOfNewline(buf, scan, limit);
      if (i >= 0) {
        setLine(pos, i, true);
        pos = i + 1;
        return true;
      }
      if (limit - pos > maxBytes) {
        lineNumber++;
        throw new FormatException(
            source,
            lineNumber,
            "line longer than "
                + (maxBytes >= 1 << 20 ? (maxBytes >> 20) + " MiB" : maxBytes + " bytes")
                + " (a line of this format is short; is this the right file?): "
                + quote(buf, pos, Math.min(limit - pos, 4 * QUOTE_CHARS)));
      }
      if (eof) {
        if (limit > pos) {
          setLine(pos, limit, false);
          pos = limit;
          return true;
        }
        return false;
      }
      int scanned = limit - pos;
      fill();
      scan = pos + scanned;
    }
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /**
   * The first {@code '\n'} in {@code b[from, to)}, or -1. Eight bytes at a time: a byte of {@code w
   * ^ NEWLINES} is zero where {@code w} holds a newline, and the lowest byte flagged by {@code (x −
   * ONES) & ~x & HIGHS} is the first zero byte (a borrow can flag bytes above it, never below).
   */
  static int indexOfNewline(byte[] b, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long x = (long) LONGS.get(b, i) ^ NEWLINES;
      long zero = (x - ONES) & ~x & HIGHS;
      if (zero != 0) {
        return i + (Long.numberOfTrailingZeros(zero) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Moves the unread bytes to the front, grows the buffer when full, reads more. */
  private void fill() {
    if (pos > 0) {
      int n = limit - pos;
      System.arraycopy(buf, pos, buf, 0, n);
      limit = n;
      pos = 0;
    }
    if (limit == buf.length) {
      buf = Arrays.copyOf(buf, Math.min(buf.length * 2, Math.max(buf.length, maxBytes + 2)));
    }
    try {
      int r = in.read(buf, limit, buf.length - limit);
      if (r < 0) {
        eof = true;
      } else {
        limit += r;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
    }
  }

  private void setLine(int from, int to, boolean terminated) {
    int end = to;
    if (terminated && end > from && buf[end - 1] == '\r') {
      end--;
    }
    lineStart = from;
    lineLength = end - from;
    lineTerminated = terminated;
    lineNumber++;
  }

  /** The bytes of the current line are {@code buffer()[start() .. start() + length())}. */
  byte[] buffer() {
    return buf;
  }

  int start() {
    return lineStart;
  }

  int length() {
    return lineLength;
  }

  /** False for a last line that the stream ended without a newline (perhaps cut short). */
  boolean terminated() {
    return lineTerminated;
  }

  /** The current line's number, from 1. */
  long lineNumber() {
    return lineNumber;
  }

  /** The current line as text. */
  String text() {
    return new String(buf, lineStart, lineLength, StandardCharsets.UTF_8);
  }

  /** Whether the current line holds only blanks. */
  boolean blank() {
    for (int i = lineStart, e = lineStart + lineLength; i < e; i++) {
      byte b = buf[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /** The start of the current line, for a message. */
  String quoteLine() {
    return quote(buf, lineStart, lineLength);
  }

  /** At most {@link #QUOTE_CHARS} characters of a text, with an ellipsis when cut. */
  static String clip(String s) {
    return s.length() <= QUOTE_CHARS ? s : s.substring(0, QUOTE_CHARS) + "…";
  }

  /** At most {@link #QUOTE_CHARS} characters of a text, quoted, with an ellipsis when cut. */
  static String quote(String s) {
    return s.length() <= QUOTE_CHARS
        ? "'" + s + "'"
        : "'" + s.substring(0, QUOTE_CHARS) + "…' (" + s.length() + " characters)";
  }

  private static String quote(byte[] b, int from, int len) {
    String s = new String(b, from, Math.min(len, 4 * QUOTE_CHARS), StandardCharsets.UTF_8);
    if (s.length() <= QUOTE_CHARS && len <= 4 * QUOTE_CHARS) {
      return "'" + s + "'";
    }
    return "'" + s.substring(0, Math.min(s.length(), QUOTE_CHARS)) + "…'";
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + source + ": " + e.getMessage(), e);
    }
  }
}
