package io.inferwatt.core.io;

import io.inferwatt.core.PowerSample;
import io.inferwatt.core.SampleSource;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
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
 * empty power field is a rail not read in that row (NaN). Reading streams: files of any size.
 */
public final class SamplesCsv {

  private SamplesCsv() {}

  /**
   * Opens a samples file for streaming. The header is checked at once; rows are checked as they are
   * read and a bad row throws {@link FormatException} from {@link Reader#next()}.
   */
  public static Reader open(Path file) {
    try {
      BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
      return new Reader(file.toString(), in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The file as a {@link SampleSource}: each {@link SampleSource#open()} reopens it and streams it
   * from the first row, closing it at the end, so analyses that need several passes (the
   * window-aware mapping) work on files of any size.
   */
  public static SampleSource source(Path file) {
    return () -> {
      Reader r = open(file);
      r.closeAtEnd = true;
      return r;
    };
  }

  /** Reads a whole (small) samples file. */
  public static List<PowerSample> readAll(Path file) {
    try (Reader r = open(file)) {
      List<PowerSample> all = new ArrayList<>();
      r.forEachRemaining(all::add);
      return all;
    }
  }

  /** A streaming reader of samples in strictly increasing time. */
  public static final class Reader implements Iterator<PowerSample>, AutoCloseable {
    private final String file;
    private final BufferedReader in;
    private final List<String> rails = new ArrayList<>();
    private final int width;
    private final int tCol;
    private final int startCol;
    private final int endCol;
    private final int[] railCol;
    private long line;
    private long lastT = Long.MIN_VALUE;
    private PowerSample next;
    private boolean closeAtEnd;

    private Reader(String file, BufferedReader in) throws IOException {
      this.file = file;
      this.in = in;
      String header = in.readLine();
      line = 1;
      if (header == null) {
        close();
        throw new FormatException(
            file, 0, "the file is empty; expected a header t_ns,<rail>_mw,...");
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
            throw new FormatException(file, 1, "rail column '" + cols[c] + "' appears twice");
          }
          rails.add(rail);
          rc.add(c);
        } else {
          close();
          throw new FormatException(
              file,
              1,
              "column '" + cols[c] + "' is neither t_ns, read_start_ns, read_end_ns nor <rail>_mw");
        }
      }
      if (t < 0) {
        close();
        throw new FormatException(file, 1, "missing column t_ns in header '" + header + "'");
      }
      if (rc.isEmpty()) {
        close();
        throw new FormatException(
            file, 1, "no power column (<rail>_mw) in header '" + header + "'");
      }
      tCol = t;
      startCol = s;
      endCol = e;
      railCol = rc.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Rail names from the header, lower case, without {@code _mw}. */
    public List<String> rails() {
      return List.copyOf(rails);
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
      String text;
      try {
        do {
          text = in.readLine();
          line++;
        } while (text != null && text.isBlank());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
      }
      if (text == null) {
        if (closeAtEnd) {
          close();
        }
        return null;
      }
      String[] f = split(text);
      if (f.length != width) {
        throw new FormatException(
            file, line, "expected " + width + " fields, found " + f.length + ": '" + text + "'");
      }
      long t = parseLong(f[tCol], "t_ns");
      if (t <= lastT) {
        throw new FormatException(
            file,
            line,
            (t == lastT ? "duplicate" : "unsorted")
                + " timestamp t_ns "
                + t
                + " after "
                + lastT
                + " (samples must be strictly increasing in time)");
      }
      lastT = t;
      long s = startCol < 0 ? t : parseLong(f[startCol], "read_start_ns");
      long e = endCol < 0 ? t : parseLong(f[endCol], "read_end_ns");
      if (e < s) {
        throw new FormatException(file, line, "read_end_ns " + e + " is before read_start_ns " + s);
      }
      double[] p = new double[railCol.length];
      for (int r = 0; r < p.length; r++) {
        String v = f[railCol[r]].trim();
        if (v.isEmpty()) {
          p[r] = Double.NaN;
        } else {
          try {
            p[r] = Double.parseDouble(v);
          } catch (NumberFormatException x) {
            throw new FormatException(
                file, line, "power '" + v + "' of rail " + rails.get(r) + " is not a number");
          }
          if (!Double.isFinite(p[r])) {
            throw new FormatException(
                file, line, "power '" + v + "' of rail " + rails.get(r) + " is not finite");
          }
        }
      }
      return new PowerSample(t, s, e, p);
    }

    private String[] split(String text) {
      return text.split(",", -1);
    }

    private long parseLong(String v, String col) {
      try {
        return Long.parseLong(v.trim());
      } catch (NumberFormatException x) {
        throw new FormatException(file, line, col + " '" + v + "' is not an integer");
      }
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
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
