package io.inferwatt.hardware.knobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The machine the knobs act on: a root folder under which board paths ({@code
 * /sys/devices/system/cpu/cpu1/online}) are read and written, a {@link ProcessRunner} for tools
 * ({@code nvpmodel}) and a {@link SysfsWriter}. The default is the real machine ({@code /}); tests
 * use a fake {@code /sys} tree in a temporary folder.
 *
 * <p>In dry-run mode ({@link #dryRun(Consumer)}) every write and every changing command is reported
 * to a log instead of done, and later reads of a written file return the value that would have been
 * written, so that checks and read-backs behave as on the board.
 */
public final class Host {

  /** How long a tool such as {@code nvpmodel} may take. */
  static final Duration TOOL_TIMEOUT = Duration.ofSeconds(10);

  private final Path root;
  private final ProcessRunner runner;
  private final SysfsWriter writer;
  private final Consumer<String> dryRunLog;
  private final Map<String, String> overlay = new ConcurrentHashMap<>();

  private Host(Path root, ProcessRunner runner, SysfsWriter writer, Consumer<String> dryRunLog) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    this.runner = Objects.requireNonNull(runner, "runner");
    this.writer = Objects.requireNonNull(writer, "writer");
    this.dryRunLog = dryRunLog;
  }

  /** The real machine: root {@code /}, real programs, direct writes. */
  public static Host system() {
    return new Host(Path.of("/"), ProcessRunner.system(), SysfsWriter.direct(), null);
  }

  /** A machine under {@code root} (a fake tree in tests), with the given runner and writer. */
  public static Host of(Path root, ProcessRunner runner, SysfsWriter writer) {
    return new Host(root, runner, writer, null);
  }

  /** The same machine, but every write and changing command goes to {@code log} instead. */
  public Host dryRun(Consumer<String> log) {
    return new Host(root, runner, writer, Objects.requireNonNull(log, "log"));
  }

  /** The folder board paths are resolved under ({@code /} on the real machine). */
  public Path root() {
    return root;
  }

  /** Whether writes are only reported. */
  public boolean isDryRun() {
    return dryRunLog != null;
  }

  /** The real file behind a board path such as {@code /sys/devices/system/cpu/online}. */
  public Path resolve(String boardPath) {
    String rel = boardPath.startsWith("/") ? boardPath.substring(1) : boardPath;
    return rel.isEmpty() ? root : root.resolve(rel);
  }

  /**
   * Why writing to {@code boardPath} would reach outside this machine's root, or null when it stays
   * inside: the path must be absolute and normal (no {@code ..}, {@code .} or {@code //}), its real
   * path (every link resolved) must lie under the root's real path, and the file must have no
   * second hard link (a hard link is a name for a file elsewhere). A saved state is replayed only
   * when every path it names passes.
   */
  String escape(String boardPath) {
    if (!boardPath.startsWith("/")
        || !Path.of(boardPath).normalize().toString().equals(boardPath)
        || boardPath.length() < 2) {
      return boardPath + " is not a plain absolute path";
    }
    try {
      Path realRoot = root.toRealPath();
      Path real = resolve(boardPath).toRealPath();
      if (!real.startsWith(realRoot)) {
        return boardPath + " resolves to " + real + ", outside the board's root " + realRoot;
      }
      if (!Files.isRegularFile(real)) {
        return boardPath + " is not a regular file";
      }
      Object links = Files.getAttribute(real, "unix:nlink");
      if (links instanceof Integer n && n > 1) {
        return boardPath + " has " + n + " hard links (a name for a file elsewhere)";
      }
      return null;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return null; // no unix attributes here: the real-path check above is all there is
    } catch (IOException e) {
      return boardPath + " cannot be resolved under " + root + ": " + reason(e);
    }
  }

  /** Whether the board path exists. */
  public boolean exists(String boardPath) {
    return overlay.containsKey(boardPath) || Files.exists(resolve(boardPath));
  }

  /**
   * The content of a board file, trimmed, without the NUL bytes device-tree files end with.
   *
   * @throws IllegalStateException naming the file when it is absent or unreadable
   */
  public String read(String boardPath) {
    String o = overlay.get(boardPath);
    if (o != null) {
      return o;
    }
    try {
      return Files.readString(resolve(boardPath), StandardCharsets.UTF_8).replace("\0", "").trim();
    } catch (NoSuchFileException e) {
      throw new IllegalStateException(boardPath + " does not exist on this board", e);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + boardPath + ": " + e.getMessage(), e);
    }
  }

  /** The names in a board folder, sorted; empty when it is absent. */
  public List<String> list(String boardDir) {
    Path dir = resolve(boardDir);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        names.add(p.getFileName().toString());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + boardDir + ": " + e.getMessage(), e);
    }
    Collections.sort(names);
    return names;
  }

  /**
   * Writes {@code value} to the board file (only files the knobs know, never through a shell).
   *
   * @throws IllegalStateException when the kernel refuses the write (with its reason)
   */
  public void write(String boardPath, String value) {
    if (dryRunLog != null) {
      dryRunLog.accept("would write " + value + " to " + boardPath);
      overlay.put(boardPath, value);
      return;
    }
    Path file = resolve(boardPath);
    if (!Files.exists(file)) {
      throw new IllegalStateException(
          "cannot write " + value + " to " + boardPath + ": the file does not exist on this board");
    }
    try {
      writer.write(file, value);
    } catch (IOException e) {
      throw new IllegalStateException(
          "the kernel refused writing " + value + " to " + boardPath + ": " + reason(e), e);
    }
  }

  /**
   * Runs a tool. A {@code changing} command is only reported in dry-run mode (and answers exit 0
   * with no output).
   */
  public ProcessRunner.Result run(List<String> command, boolean changing) {
    if (changing && dryRunLog != null) {
      dryRunLog.accept("would run " + String.join(" ", command));
      return new ProcessRunner.Result(0, "", "");
    }
    return runner.run(command, TOOL_TIMEOUT);
  }

  /** Reports {@code line} to the dry-run log; false (and nothing reported) when not a dry run. */
  boolean dryRunReport(String line) {
    if (dryRunLog == null) {
      return false;
    }
    dryRunLog.accept(line);
    return true;
  }

  private static String reason(IOException e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  @Override
  public String toString() {
    return "host at " + root + (isDryRun() ? " (dry run)" : "");
  }
}
