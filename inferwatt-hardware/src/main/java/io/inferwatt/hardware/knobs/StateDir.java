package io.inferwatt.hardware.knobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * The folder where inferwatt keeps, per board, the saved state of the settings it changed ({@code
 * BOARD.pending}, written before every change and deleted after the restore) and the lock that
 * keeps two measuring processes off one board ({@code BOARD.lock}).
 *
 * <p>Where: the system property {@code inferwatt.state.dir}, else the environment variable {@code
 * INFERWATT_STATE_DIR}, else {@code $XDG_STATE_HOME/inferwatt}, else {@code
 * ~/.local/state/inferwatt}.
 *
 * <p>Its files are replayed as the user who runs inferwatt (often root), so the folder must be
 * private: it is created with mode 0700, and a folder that another user owns or that its group or
 * others may write is refused, with one line saying what to do. A folder owned by root is trusted
 * too (root can write anywhere; {@code sudo} with the user's home creates it so).
 */
public final class StateDir {
  static final String PENDING = ".pending";
  static final String LOCK = ".lock";

  private final Path dir;

  /** Whether a folder owner (uid) is trusted: this user or root. */
  private final IntPredicate trustedOwner;

  private StateDir(Path dir, IntPredicate trustedOwner) {
    this.dir = dir.toAbsolutePath().normalize();
    this.trustedOwner = trustedOwner;
  }

  /** The state folder {@code dir}. */
  public static StateDir at(Path dir) {
    OptionalInt self = currentUid();
    return new StateDir(dir, uid -> uid == 0 || self.isEmpty() || uid == self.getAsInt());
  }

  /** The state folder {@code dir}, trusting the owners {@code trustedOwner} accepts (tests). */
  static StateDir at(Path dir, IntPredicate trustedOwner) {
    return new StateDir(dir, trustedOwner);
  }

  /** This process's user id: the owner of {@code /proc/self}; empty where there is no /proc. */
  private static OptionalInt currentUid() {
    try {
      return Files.getAttribute(Path.of("/proc/self"), "unix:uid") instanceof Integer uid
          ? OptionalInt.of(uid)
          : OptionalInt.empty();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return OptionalInt.empty();
    }
  }

  /**
   * Checks that the folder, where it exists, is private to this user.
   *
   * @throws IllegalStateException naming the folder, what is wrong and what to do
   */
  void checkPrivate() {
    if (!Files.exists(dir)) {
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          "state folder " + dir + " is not a folder; remove it or set INFERWATT_STATE_DIR");
    }
    Set<PosixFilePermission> perms;
    int owner;
    try {
      perms = Files.getPosixFilePermissions(dir);
      owner = (Integer) Files.getAttribute(dir, "unix:uid");
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return; // no POSIX ownership on this file system: nothing to check
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the owner of state folder " + dir, e);
    }
    if (!trustedOwner.test(owner)) {
      throw new IllegalStateException(
          "state folder "
              + dir
              + " belongs to another user (uid "
              + owner
              + "); inferwatt replays hardware settings from it and will not use it: remove it or"
              + " set INFERWATT_STATE_DIR to a folder of your own");
    }
    if (perms.contains(PosixFilePermission.GROUP_WRITE)
        || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new IllegalStateException(
          "state folder "
              + dir
              + " can be written by others ("
              + PosixFilePermissions.toString(perms)
              + "); inferwatt replays hardware settings from it and will not use it: chmod 700 "
              + dir);
    }
  }

  /** Creates the folder (mode 0700) where it is missing, and checks that it is private. */
  private void ensure() throws IOException {
    if (!Files.exists(dir)) {
      if (dir.getParent() != null) {
        Files.createDirectories(dir.getParent());
      }
      try {
        Files.createDirectory(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (FileAlreadyExistsException e) {
        // another process made it at the same time; checked below
      } catch (UnsupportedOperationException e) {
        Files.createDirectories(dir);
      }
    }
    checkPrivate();
  }

  /** The state folder the property, the environment or the XDG default names. */
  public static StateDir fromEnvironment() {
    return at(
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

  /**
   * Every saved-state file in the folder, by name; empty when the folder does not exist.
   *
   * @throws IllegalStateException when the folder is not private to this user
   */
  public List<Path> pendingFiles() {
    List<Path> out = new ArrayList<>();
    if (!Files.exists(dir)) {
      return out;
    }
    checkPrivate();
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
   *
   * @throws IllegalStateException when the folder is not private to this user
   */
  BoardLock tryLock(String board) {
    try {
      ensure();
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
