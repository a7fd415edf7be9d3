package io.inferwatt.core.io;

import io.inferwatt.core.PowerSample;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * The samples CSV of {@code docs/formats.md}: header {@code t_ns,<rail>_mw[,...]} with optional
 * {@code read_start_ns} and {@code read_end_ns} columns; one row per reading; monotonic ns; mW. An
 * empty power field is a rail not read in that row (NaN, a gap). Reading streams, once, with a
 * bound on the line length: files of any size, pipes and FIFOs.
 */
public final class SamplesCsv {

  private SamplesCsv() {}

  /** Power above this (100 kW) is not believed: a warning names where. */
  static final double IMPLAUSIBLE_MW = 1e8;

  /**
   * Opens a samples file for streaming. The header is checked at once; rows are checked as they are
   * read and a bad row throws {@link FormatException} from {@link Reader#next()}. The file is read
   * once, front to back, so a pipe or FIFO works.
   */
  public static Reader open(Path file) {
    try {
      return new Reader(file.toString(), Files.newInputStream(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Opens a samples stream (read once); {@code source} names it in messages. */
  public static Reader open(String source, InputStream in) {
    return new Reader(source, in);
  }

  /** Reads a whole (small) samples file. */
  public static List<PowerSample> readAll(Path file) {
    try (Reader r = open(file)) {
      List<PowerSample> all = new ArrayList<>();
      r.forEachRemaining(all::add);
      return all;
    }
  }

  /**
   * A streaming reader of samples in strictly increasing time. An empty power field (a gap) is NaN
   * in the sample and counted; powers below 0 or above {@value #IMPLAUSIBLE_MW} mW are kept but
   * counted and the first of each rail named (file:line); a last line cut short (no newline, wrong
   * number of fields) is skipped and counted. {@link #warnings()} says all of it in words.
   */
  public static final class Reader implements Iterator<PowerSample>, AutoCloseable {
    private final String file;
    private final LineReader in;
    private final List<String> rails = new ArrayList<>();
    private final int width;
    private final int tCol;
    private final int startCol;
    private final int endCol;
    private final int[] railCol;
    private final int[] colRail; // column -> rail index, -1 for time columns
    private final long[] gaps;
    private final long[] implausible;
    private final String[] firstImplausible;
    private final int[] fieldStart;
    private final int[] fieldEnd;
    private String truncated;
    private long lastT = Long.MIN_VALUE;
    private PowerSample next;

    private Reader(String file, InputStream stream) {
      this.file = file;
      this.in = new LineReader(file, stream);
      String header;
      try {
        if (!in.next()) {
          throw new FormatException(
              file, 0, "the file is empty; expected a header t_ns,<rail>_mw,...");
        }
        header = in.text();
      } catch (RuntimeException e) {
        in.close();
        throw e;
      }
      if (header.startsWith("\uFEFF")) {
        header = header.substring(1);
      }
      String[] cols = header.trim().split(",", -1);
      width = cols.length;
      int t = -1;
      int s = -1;
      int e = -1;
      List<Integer> rc = new ArrayList<>();
      for (int c = 0; c < cols.length; c++) {
        String name = cols[c].trim().toLowerCase(Locale.ROOT);
        if (name.equals("t_ns")) {
          t = c;
        } else if (name.equals("read_start_ns")) {
          s = c;
        } else if (name.equals("read_end_ns")) {
          e = c;
        } else if (name.endsWith("_mw") && name.length() > 3) {
          String rail = name.substring(0, name.length() - 3);
          if (rails.contains(rail)) {
            close();
            throw new FormatException(
                file, 1, "rail column " + LineReader.quote(cols[c]) + " appears twice");
          }
          rails.add(rail);
          rc.add(c);
        } else {
          close();
          throw new FormatException(
              file,
              1,
              "column "
                  + LineReader.quote(cols[c])
                  + " is neither t_ns, read_start_ns, read_end_ns nor <rail>_mw");
        }
      }
      if (t < 0) {
        close();
        throw new FormatException(
            file, 1, "missing column t_ns in header " + LineReader.quote(header));
      }
      if (rc.isEmpty()) {
        close();
        throw new FormatException(
            file, 1, "no power column (<rail>_mw) in header " + LineReader.quote(header));
      }
      tCol = t;
      startCol = s;
      endCol = e;
      railCol = rc.stream().mapToInt(Integer::intValue).toArray();
      colRail = new int[width];
      java.util.Arrays.fill(colRail, -1);
      for (int r = 0; r < railCol.length; r++) {
        colRail[railCol[r]] = r;
      }
      gaps = new long[railCol.length];
      implausible = new long[railCol.length];
      firstImplausible = new String[railCol.length];
      fieldStart = new int[width];
      fieldEnd = new int[width];
    }

    /** Rail names from the header, lower case, without {@code _mw}. */
    public List<String> rails() {
      return List.copyOf(rails);
    }

    /** Empty power fields (gaps) read so far, per rail in the order of {@link #rails()}. */
    public long[] gaps() {
      return gaps.clone();
    }

    /**
     * What was odd but not wrong so far, for people: gaps per rail, implausible powers (where the
     * first one is), a last line cut short. Empty when nothing was.
     */
    public List<String> warnings() {
      List<String> w = new ArrayList<>();
      for (int r = 0; r < gaps.length; r++) {
        if (gaps[r] > 0) {
          w.add(
              file
                  + ": rail "
                  + rails.get(r)
                  + " has "
                  + gaps[r]
                  + " empty power field"
                  + (gaps[r] == 1 ? "" : "s")
                  + " (gaps); they are skipped, not counted as 0");
        }
      }
      for (int r = 0; r < implausible.length; r++) {
        if (implausible[r] > 0) {
          w.add(
              file
                  + ": rail "
                  + rails.get(r)
                  + " has "
                  + implausible[r]
                  + " implausible power"
                  + (implausible[r] == 1 ? "" : "s")
                  + " (below 0 or above 100 kW), first "
                  + firstImplausible[r]
                  + "; they are used as they are: check the sensor or the file");
        }
      }
      if (truncated != null) {
        w.add(truncated);
      }
      return w;
    }

    @Override
    public boolean hasNext() {
      if (next == null) {
        next = readRow();
      }
      return next != null;
    }

    @Override
    public PowerSample next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      PowerSample s = next;
      next = null;
      return s;
    }

    private PowerSample readRow() {
      while (true) {
        if (!in.next()) {
          return null;
        }
        if (in.blank()) {
          continue;
        }
        PowerSample plain = plainRow();
        if (plain != null) {
          return plain;
        }
        int found = split();
        if (found != width) {
          if (!in.terminated()) {
            truncated =
                file
                    + ":"
                    + in.lineNumber()
                    + ": the last line is cut short ("
                    + found
                    + " of "
                    + width
                    + " fields, no newline) and was skipped: "
                    + in.quoteLine();
            return null;
          }
          throw new FormatException(
              file,
              in.lineNumber(),
              "expected " + width + " fields, found " + found + ": " + in.quoteLine());
        }
        return row();
      }
    }

    private PowerSample row() {
      long t = parseLong(tCol, "t_ns");
      if (t <= lastT) {
        throw new FormatException(
            file,
            in.lineNumber(),
            (t == lastT ? "duplicate" : "unsorted")
                + " timestamp t_ns "
                + t
                + " after "
                + lastT
                + " (samples must be strictly increasing in time)");
      }
      long s = startCol < 0 ? t : parseLong(startCol, "read_start_ns");
      long e = endCol < 0 ? t : parseLong(endCol, "read_end_ns");
      if (e < s) {
        throw new FormatException(
            file, in.lineNumber(), "read_end_ns " + e + " is before read_start_ns " + s);
      }
      double[] p = new double[railCol.length];
      for (int r = 0; r < p.length; r++) {
        p[r] = parsePower(railCol[r], r);
      }
      lastT = t;
      return new PowerSample(t, s, e, p);
    }

    /** The fields of a plain row ({@link #plainRow}). */
    private long[] plainField;

    /**
     * A row of plain integers of at most 15 digits (as inferwatt writes them), read in one pass;
     * null for any other row (blanks, decimals, signs, gaps, a wrong field count, times out of
     * order, implausible powers), which {@link #row()} reads and checks.
     */
    private PowerSample plainRow() {
      if (plainField == null) {
        plainField = new long[width];
      }
      byte[] b = in.buffer();
      int i = in.start();
      int end = i + in.length();
      for (int f = 0; f < width; f++) {
        if (f > 0) {
          if (i >= end || b[i] != ',') {
            return null;
          }
          i++;
        }
        int from = i;
        long v = 0;
        while (i < end) {
          int c = b[i] - '0';
          if (c < 0 || c > 9) {
            break;
          }
          v = v * 10 + c;
          i++;
        }
        if (i == from || i - from > 15) {
          return null;
        }
        plainField[f] = v;
      }
      if (i != end) {
        return null;
      }
      long t = plainField[tCol];
      long s = startCol < 0 ? t : plainField[startCol];
      long e = endCol < 0 ? t : plainField[endCol];
      if (t <= lastT || e < s) {
        return null;
      }
      double[] p = new double[railCol.length];
      for (int r = 0; r < p.length; r++) {
        long v = plainField[railCol[r]];
        if (v > IMPLAUSIBLE_MW) {
          return null;
        }
        p[r] = v;
      }
      lastT = t;
      return new PowerSample(t, s, e, p);
    }

    /** Splits the current line at commas; returns the number of fields (up to width + 1). */
    private int split() {
      byte[] b = in.buffer();
      int from = in.start();
      int end = from + in.length();
      int f = 0;
      int at = from;
      for (int i = from; i < end; i++) {
        if (b[i] == ',') {
          if (f < width) {
            fieldStart[f] = at;
            fieldEnd[f] = i;
          }
          f++;
          at = i + 1;
        }
      }
      if (f < width) {
        fieldStart[f] = at;
        fieldEnd[f] = end;
      }
      return f + 1;
    }

    private long parseLong(int col, String name) {
      byte[] b = in.buffer();
      int i = fieldStart[col];
      int e = fieldEnd[col];
      while (i < e && b[i] == ' ') {
        i++;
      }
      while (e > i && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
        e--;
      }
      boolean neg = i < e && b[i] == '-';
      int d = neg ? i + 1 : i;
      if (d < e && e - d <= 18) {
        long v = 0;
        boolean ok = true;
        for (int k = d; k < e; k++) {
          int c = b[k] - '0';
          if (c < 0 || c > 9) {
            ok = false;
            break;
          }
          v = v * 10 + c;
        }
        if (ok) {
          return neg ? -v : v;
        }
      }
      String v = field(col).trim();
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException x) {
        throw new FormatException(
            file, in.lineNumber(), name + " " + LineReader.quote(v) + " is not an integer");
      }
    }

    private double parsePower(int col, int rail) {
      byte[] b = in.buffer();
      int i = fieldStart[col];
      int e = fieldEnd[col];
      while (i < e && (b[i] == ' ' || b[i] == '\t')) {
        i++;
      }
      while (e > i && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
        e--;
      }
      if (i == e) {
        gaps[rail]++;
        return Double.NaN;
      }
      double v = Numbers.parseDouble(b, i, e);
      if (Double.isNaN(v)) {
        String text = field(col).trim();
        String problem = null;
        try {
          v = Double.parseDouble(text);
          if (!Double.isFinite(v)) {
            problem = "is not finite";
          }
        } catch (NumberFormatException x) {
          problem = "is not a number";
        }
        if (problem != null) {
          throw new FormatException(
              file,
              in.lineNumber(),
              "power "
                  + LineReader.quote(text)
                  + " of rail "
                  + rails.get(rail)
                  + " "
                  + problem
                  + " (a gap is an empty field)");
        }
      }
      if (v < 0 || v > IMPLAUSIBLE_MW) {
        if (implausible[rail]++ == 0) {
          firstImplausible[rail] =
              String.format(Locale.ROOT, "%s:%d (%s mW)", file, in.lineNumber(), field(col).trim());
        }
      }
      return v;
    }

    private String field(int col) {
      return new String(
          in.buffer(),
          fieldStart[col],
          fieldEnd[col] - fieldStart[col],
          java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
      in.close();
    }
  }

  /** Writes samples; rows go out as they come. */
  public static final class Writer implements AutoCloseable {
    private final BufferedWriter out;
    private final boolean readTimes;
    private final int rails;
    private final StringBuilder row = new StringBuilder(96);

    private Writer(java.io.Writer out, List<String> rails, boolean readTimes) throws IOException {
      this.out = out instanceof BufferedWriter b ? b : new BufferedWriter(out, 1 << 16);
      this.readTimes = readTimes;
      this.rails = rails.size();
      StringBuilder h = new StringBuilder("t_ns");
      if (readTimes) {
        h.append(",read_start_ns,read_end_ns");
      }
      for (String r : rails) {
        h.append(',').append(r.toLowerCase(Locale.ROOT)).append("_mw");
      }
      this.out.write(h.append('\n').toString());
    }

    /** Appends one row; NaN becomes an empty field. */
    public void write(PowerSample s) throws IOException {
      row.setLength(0);
      row.append(s.tNs());
      if (readTimes) {
        row.append(',').append(s.readStartNs()).append(',').append(s.readEndNs());
      }
      for (int r = 0; r < rails; r++) {
        row.append(',');
        double v = s.powerMw()[r];
        if (!Double.isNaN(v)) {
          if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            row.append((long) v);
          } else {
            row.append(v);
          }
        }
      }
      out.write(row.append('\n').toString());
    }

    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /**
   * A writer of the samples CSV.
   *
   * @param readTimes whether to write the {@code read_start_ns,read_end_ns} columns
   */
  public static Writer writer(java.io.Writer out, List<String> rails, boolean readTimes)
      throws IOException {
    return new Writer(out, rails, readTimes);
  }

  /** A writer to a new file (replaced if present). */
  public static Writer writer(Path file, List<String> rails, boolean readTimes) throws IOException {
    return new Writer(Files.newBufferedWriter(file, StandardCharsets.UTF_8), rails, readTimes);
  }
}
