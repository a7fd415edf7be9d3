package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The check every command makes before it measures or writes anything: no output may be the
 * measurement base, an input of the same command, another output of it, or any other measurement
 * base. Paths are compared as real paths (symbolic links resolved; for a file not there yet, its
 * folder's real path and its name), and two existing files also as the same file (hard links).
 * Overwriting an unrelated file is left to each command (its help says whether it replaces).
 */
final class OutputCheck {

  private enum Role {
    INPUT,
    OUTPUT_FILE,
    OUTPUT_FILE_MAKING_FOLDERS,
    OUTPUT_FOLDER,
    BASE_READ,
    BASE_WRITTEN
  }

  private record Entry(String what, Path path, Role role) {
    boolean output() {
      return role == Role.OUTPUT_FILE
          || role == Role.OUTPUT_FILE_MAKING_FOLDERS
          || role == Role.OUTPUT_FOLDER
          || role == Role.BASE_WRITTEN;
    }

    String describe() {
      return switch (role) {
        case INPUT -> "an input of this command (" + what + ")";
        case BASE_READ, BASE_WRITTEN -> "the measurement base (" + what + ")";
        default -> what;
      };
    }
  }

  private final List<Entry> entries = new ArrayList<>();

  /** A file or folder the command reads; null is ignored. */
  OutputCheck input(String what, Path p) {
    return add(what, p, Role.INPUT);
  }

  /** A file the command writes; null is ignored. */
  OutputCheck output(String what, Path p) {
    return add(what, p, Role.OUTPUT_FILE);
  }

  /** A file the command writes, creating its missing folders; null is ignored. */
  OutputCheck outputMakingFolders(String what, Path p) {
    return add(what, p, Role.OUTPUT_FILE_MAKING_FOLDERS);
  }

  /** A folder the command writes into; null is ignored. */
  OutputCheck outputFolder(String what, Path p) {
    return add(what, p, Role.OUTPUT_FOLDER);
  }

  /** The measurement base, which the command only reads. */
  OutputCheck readsBase(Path p) {
    return add("--db", p, Role.BASE_READ);
  }

  /** The measurement base, which the command writes (it may exist: runs are added to it). */
  OutputCheck writesBase(Path p) {
    return add("--db", p, Role.BASE_WRITTEN);
  }

  private OutputCheck add(String what, Path p, Role role) {
    if (p != null) {
      entries.add(new Entry(what, p, role));
    }
    return this;
  }

  /**
   * Refuses, as bad input, the first output that would destroy something, and a file output that is
   * a folder.
   */
  void check() {
    for (int i = 0; i < entries.size(); i++) {
      Entry o = entries.get(i);
      if (!o.output()) {
        continue;
      }
      for (int j = 0; j < entries.size(); j++) {
        Entry e = entries.get(j);
        if (j == i || (e.output() && j < i)) {
          continue; // a pair of outputs is reported once
        }
        if (same(o.path, e.path)) {
          if (e.output() && e.role != Role.BASE_WRITTEN && o.role != Role.BASE_WRITTEN) {
            throw new BadInputException(
                o.what + " and " + e.what + " name one file, " + o.path + "; name two files");
          }
          throw new BadInputException(
              o.what
                  + " "
                  + o.path
                  + " is "
                  + e.describe()
                  + ": writing it would destroy it; name another file");
        }
        if (o.role == Role.OUTPUT_FOLDER && e.role != Role.INPUT && inside(e.path, o.path)) {
          throw new BadInputException(
              o.what + " " + o.path + " holds " + e.describe() + "; name another folder");
        }
      }
      if (o.role == Role.OUTPUT_FILE || o.role == Role.OUTPUT_FILE_MAKING_FOLDERS) {
        if (Files.isDirectory(o.path)) {
          throw new BadInputException(o.what + " " + o.path + " is a folder; name a file");
        }
        writable(o);
        if (isMeasurementBase(o.path)) {
          throw new BadInputException(
              o.what
                  + " "
                  + o.path
                  + " is a measurement base, which inferwatt never writes over; name another file");
        }
      }
    }
  }

  /**
   * Refuses a file output that cannot be written, before anything is measured: an existing file
   * without write permission, or a folder that is missing or takes no new files (tried with a
   * temporary file, removed at once).
   */
  private static void writable(Entry o) {
    Path abs = o.path.toAbsolutePath();
    String remedy = "choose another " + o.what;
    if (Files.exists(abs)) {
      if (!Files.isWritable(abs)) {
        throw new BadInputException("cannot write " + o.path + ": permission denied; " + remedy);
      }
      return;
    }
    Path parent = abs.getParent();
    if (parent == null) {
      return;
    }
    if (!Files.isDirectory(parent)) {
      if (o.role == Role.OUTPUT_FILE) {
        throw new BadInputException(
            "cannot write " + o.path + ": folder " + parent + " does not exist; " + remedy);
      }
      return; // created by the command, which says so itself when it cannot
    }
    try {
      Files.delete(Files.createTempFile(parent, ".inferwatt-", ".probe"));
    } catch (IOException e) {
      throw IoErrors.failure("write", o.path, e, remedy);
    }
  }

  /** Whether {@code a} and {@code b} name the same file. */
  static boolean same(Path a, Path b) {
    if (real(a).equals(real(b))) {
      return true;
    }
    try {
      return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean inside(Path file, Path folder) {
    Path f = real(file);
    Path d = real(folder);
    return !f.equals(d) && f.startsWith(d);
  }

  /**
   * The real path of {@code p}: symbolic links resolved; for a path not there yet, the real path of
   * its nearest existing ancestor with the rest appended.
   */
  static Path real(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    Path existing = abs;
    Path rest = abs.getFileSystem().getPath("");
    while (existing != null) {
      try {
        return existing.toRealPath().resolve(rest).normalize();
      } catch (IOException notThere) {
        Path name = existing.getFileName();
        rest = name == null ? rest : name.resolve(rest);
        existing = existing.getParent();
      }
    }
    return abs;
  }

  private static final byte[] DUCKDB_MAGIC = "DUCK".getBytes(StandardCharsets.US_ASCII);

  /** Whether {@code p} is an existing DuckDB file (its magic bytes at offset 8). */
  static boolean isMeasurementBase(Path p) {
    if (!Files.isRegularFile(p)) {
      return false;
    }
    try (InputStream in = Files.newInputStream(p)) {
      byte[] head = in.readNBytes(12);
      return head.length == 12 && Arrays.equals(head, 8, 12, DUCKDB_MAGIC, 0, 4);
    } catch (IOException e) {
      return false;
    }
  }
}
