package io.inferwatt.hardware.knobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The folder where inferwatt keeps, per board, the saved state of the settings it changed ({@code
 * BOARD.pending}, written before every change and deleted after the restore) and the lock that
 * keeps two measuring processes off one board ({@code BOARD.lock}).
 *
 * <p>Where: the system property {@code inferwatt.state.dir}, else the environment variable {@code
 * INFERWATT_STATE_DIR}, else {@code $XDG_STATE_HOME/inferwatt}, else {@code
 * ~/.local/state/inferwatt}.
 */
public final class StateDir {
  static final String PENDING = ".pending";
  static final String LOCK = ".lock";

  private final Path dir;

  private StateDir(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  /** The state folder {@code dir}. */
  public static StateDir at(Path dir) {
    return new StateDir(dir);
  }

  /** The state folder the property, the environment or the XDG default names. */
  public static StateDir fromEnvironment() {
    return new StateDir(
        locate(
            System.getProperty("inferwatt.state.dir"),
            System.getenv(),
            System.getProperty("user.home")));
  }

  static Path locate(String property, Map<String, String> env, String home) {
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    String own = env.get("INFERWATT_STATE_DIR");
    if (own != null && !own.isBlank()) {
      return Path.of(own);
    }
    String xdg = env.get("XDG_STATE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "inferwatt");
    }
    return Path.of(home, ".local", "state", "inferwatt");
  }

  /** The folder. */
  public Path path() {
    return dir;
  }

  /** The saved-state file of {@code board}. */
  public Path pendingFile(String board) {
    return dir.resolve(fileName(board) + PENDING);
  }

  Path lockFile(String board) {
    return dir.resolve(fileName(board) + LOCK);
  }

  static String fileName(String board) {
    return board.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** Every saved-state file in the folder, by name; empty when the folder does not exist. */
  public List<Path> pendingFiles() {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + PENDING)) {
      ds.forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list state folder " + dir, e);
    }
    out.sort(null);
    return out;
  }

  /**
   * Takes the lock of {@code board}, or returns null when another process (or this one) holds it.
   * The operating system drops the lock when the process dies, also after {@code kill -9}.
   */
  BoardLock tryLock(String board) {
    try {
      Files.createDirectories(dir);
      FileChannel ch =
          FileChannel.open(lockFile(board), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        ch.close();
        return null;
      }
      ch.truncate(0);
      ch.write(
          java.nio.ByteBuffer.wrap(
              (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
      return new BoardLock(ch, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock board " + board + " in " + dir, e);
    }
  }

  /** The pid written into a board's lock file, for messages; empty when unknown. */
  String lockHolder(String board) {
    try {
      return Files.readString(lockFile(board), StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      return "";
    }
  }

  /** Writes {@code text} to {@code file} atomically and durably (temporary file, fsync, rename). */
  static void writeAtomically(Path file, String text) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write state file " + file, e);
    }
  }

  /** A held board lock. */
  static final class BoardLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    BoardLock(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }

    @Override
    public void close() {
      try {
        if (lock.isValid()) {
          lock.release();
        }
        channel.close();
      } catch (IOException e) {
        // the lock goes with the channel; nothing else to do
      }
    }
  }

  @Override
  public String toString() {
    return dir.toString();
  }
}
