package io.inferwatt.cli;

import io.inferwatt.core.BadInputException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Turns an I/O failure into one sentence: what could not be done to which file, why in words (the
 * JDK's own message is often just the path), and what to do. A failure caused by the path the user
 * named (missing folder, no permission, a folder where a file belongs) is bad input; any other (a
 * full disk, a device error) is a failure.
 */
final class IoErrors {
  private IoErrors() {}

  /**
   * The exception to throw when {@code action} on {@code file} failed.
   *
   * @param action what was being done, e.g. "write the report to"
   * @param remedy what the user can do, e.g. "choose another --out"; empty for none
   */
  static RuntimeException failure(String action, Path file, IOException e, String remedy) {
    String msg =
        "cannot "
            + action
            + " "
            + file
            + ": "
            + reason(e, file, writes(action))
            + (remedy.isEmpty() || !userFault(e) ? "" : "; " + remedy);
    return userFault(e) ? new BadInputException(msg, e) : new UncheckedIOException(msg, e);
  }

  private static boolean writes(String action) {
    return action.startsWith("write") || action.startsWith("create");
  }

  /**
   * Why {@code e} happened to {@code file}, in words; {@code writing} when it was being written.
   */
  static String reason(IOException e, Path file, boolean writing) {
    if (e instanceof NoSuchFileException n) {
      Path missing = n.getFile() == null ? file : Path.of(n.getFile());
      Path parent = missing.toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        return "folder " + parent + " does not exist";
      }
      return writing && parent != null
          ? "folder " + parent + " takes no new files"
          : "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.charset.CharacterCodingException) {
      return "it is not UTF-8 text";
    }
    if (e instanceof NotDirectoryException) {
      return "it is not a folder";
    }
    if (e instanceof DirectoryNotEmptyException) {
      return "the folder is not empty";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "it already exists";
    }
    if (e instanceof FileSystemException fs) {
      String r = fs.getReason();
      if (r == null) {
        return words(e.getClass().getSimpleName());
      }
      return switch (r) {
        case "Is a directory" -> "it is a folder, not a file";
        case "Not a directory" -> "a part of the path is not a folder";
        case "Read-only file system" -> "the file system is read-only";
        default -> r.toLowerCase(Locale.ROOT);
      };
    }
    if (e instanceof FileNotFoundException f && f.getMessage() != null) {
      // FileInputStream's "path (No such file or directory)"
      int open = f.getMessage().lastIndexOf(" (");
      if (open >= 0 && f.getMessage().endsWith(")")) {
        return f.getMessage()
            .substring(open + 2, f.getMessage().length() - 1)
            .toLowerCase(Locale.ROOT);
      }
    }
    String m = e.getMessage();
    if (m == null || m.isBlank() || m.equals(file.toString())) {
      return words(e.getClass().getSimpleName());
    }
    return m;
  }

  /** Whether the path the user named is at fault (bad input), not the machine. */
  static boolean userFault(IOException e) {
    if (e instanceof NoSuchFileException
        || e instanceof AccessDeniedException
        || e instanceof NotDirectoryException
        || e instanceof DirectoryNotEmptyException
        || e instanceof FileAlreadyExistsException
        || e instanceof java.nio.charset.CharacterCodingException) {
      return true;
    }
    String r =
        e instanceof FileSystemException fs
            ? String.valueOf(fs.getReason())
            : String.valueOf(e.getMessage());
    return r.contains("Is a directory")
        || r.contains("Not a directory")
        || r.contains("Read-only file system")
        || r.contains("Permission denied")
        || r.contains("No such file or directory");
  }

  /**
   * One line for an I/O failure that reached the top without a sentence of its own: the file and
   * the reason.
   */
  static String describe(IOException e) {
    String file = e instanceof FileSystemException fs ? fs.getFile() : null;
    if (file == null) {
      String m = e.getMessage();
      return m == null ? words(e.getClass().getSimpleName()) : m;
    }
    return file + ": " + reason(e, Path.of(file), false);
  }

  /** {@code NoSuchFileException} → "no such file exception". */
  private static String words(String className) {
    return className.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
  }
}
