package io.inferwatt.hardware.knobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The content of a saved-state file: the board, the root its paths are under, the process that
 * wrote it and the restore steps in the order to replay them. Text, one tab-separated record per
 * line:
 *
 * <pre>
 * inferwatt-state	1
 * board	jetson-nano
 * root	/
 * pid	4711
 * step	write	/sys/devices/system/cpu/cpu3/online	1
 * step	range	/sys/.../scaling_min_freq	/sys/.../scaling_max_freq	102000	1479000
 * </pre>
 */
record PendingState(String board, Path root, long pid, List<RestoreStep> steps) {
  static final String MAGIC = "inferwatt-state\t1";

  /** The largest state file read, bytes: a board with hundreds of cores saves a few kB. */
  static final long MAX_BYTES = 1 << 20;

  PendingState {
    steps = List.copyOf(steps);
  }

  String format() {
    StringBuilder sb = new StringBuilder(MAGIC).append('\n');
    sb.append("board\t").append(board).append('\n');
    sb.append("root\t").append(root).append('\n');
    sb.append("pid\t").append(pid).append('\n');
    for (RestoreStep s : steps) {
      sb.append("step\t").append(s.action());
      for (String a : s.args()) {
        sb.append('\t').append(a);
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  static PendingState read(Path file) {
    List<String> lines;
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new IllegalArgumentException(
            file + ": " + size + " bytes, more than a state file holds (" + MAX_BYTES + ")");
      }
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read state file " + file, e);
    }
    if (lines.isEmpty() || !lines.get(0).equals(MAGIC)) {
      throw new IllegalArgumentException(
          file
              + ": not an inferwatt state file (first line is not '"
              + MAGIC.replace('\t', ' ')
              + "')");
    }
    String board = null;
    Path root = null;
    long pid = -1;
    List<RestoreStep> steps = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (!f[0].equals("step") && f.length != 2) {
        throw new IllegalArgumentException(
            file + ":" + (i + 1) + ": record '" + f[0] + "' needs exactly one value");
      }
      switch (f[0]) {
        case "board" -> board = f[1];
        case "root" -> root = path(file, i, f[1]);
        case "pid" -> pid = pid(file, i, f[1]);
        case "step" -> {
          if (f.length < 2) {
            throw new IllegalArgumentException(file + ":" + (i + 1) + ": step without an action");
          }
          steps.add(new RestoreStep(f[1], Arrays.asList(f).subList(2, f.length)));
        }
        default ->
            throw new IllegalArgumentException(
                file + ":" + (i + 1) + ": unknown record '" + shorten(f[0]) + "'");
      }
    }
    if (board == null || root == null) {
      throw new IllegalArgumentException(file + ": state file names no board or no root");
    }
    return new PendingState(board, root, pid, steps);
  }

  private static Path path(Path file, int i, String text) {
    try {
      Path p = Path.of(text);
      if (!p.isAbsolute()) {
        throw new IllegalArgumentException(
            file + ":" + (i + 1) + ": root '" + shorten(text) + "' is not an absolute path");
      }
      return p;
    } catch (java.nio.file.InvalidPathException e) {
      throw new IllegalArgumentException(
          file + ":" + (i + 1) + ": root '" + shorten(text) + "' is not a path", e);
    }
  }

  /** At most 80 characters of {@code s}, for a message about a bad file. */
  static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  private static long pid(Path file, int i, String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          file + ":" + (i + 1) + ": pid '" + shorten(text) + "' is not a number", e);
    }
  }
}
