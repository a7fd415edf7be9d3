package io.inferwatt.engines.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Stopping child processes and cleaning up after them, shared by the process-based recorders.
 *
 * <p>A child started by {@link ProcessLauncher#system()} leads its own process group. What it
 * starts and leaves behind when it exits is re-parented away from it, so {@link
 * Process#descendants()} no longer sees it; the group still holds it. {@link #destroyTree} ends
 * both: the live descendants and every member of the group (found in {@code /proc}).
 */
public final class Processes {
  private static final long DESTROY_GRACE_MS = 2_000;
  private static final Path PROC = Path.of("/proc");

  private Processes() {}

  /**
   * Asks a process, its descendants and the members of its process group to stop, then kills those
   * that do not within a grace period. Returns how many processes besides {@code p} were ended.
   */
  public static int destroyTree(Process p) {
    Set<ProcessHandle> others = new LinkedHashSet<>(p.descendants().toList());
    others.addAll(groupMembers(PROC, p.pid()));
    others.remove(p.toHandle());
    others.forEach(ProcessHandle::destroy);
    p.destroy();
    try {
      if (!awaitExit(p, others, DESTROY_GRACE_MS)) {
        others.forEach(ProcessHandle::destroyForcibly);
        groupMembers(PROC, p.pid()).forEach(ProcessHandle::destroyForcibly); // started meanwhile
        p.destroyForcibly();
        awaitExit(p, others, DESTROY_GRACE_MS);
      }
    } catch (InterruptedException e) {
      others.forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    return others.size();
  }

  /**
   * Waits until {@code p} and {@code others} have ended, at most {@code ms}. Polls: {@link
   * ProcessHandle#onExit()} of a process that is not our child polls too, but slowly (a second or
   * more).
   */
  private static boolean awaitExit(Process p, Set<ProcessHandle> others, long ms)
      throws InterruptedException {
    long deadline = System.nanoTime() + ms * 1_000_000;
    while (p.isAlive() || others.stream().anyMatch(ProcessHandle::isAlive)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  /**
   * The live processes of process group {@code pgid} other than its leader, read from {@code
   * proc}'s {@code <pid>/stat} (empty where there is no such folder, as off Linux). The leader is
   * left out: once it has exited its number may name an unrelated process.
   */
  static List<ProcessHandle> groupMembers(Path proc, long pgid) {
    List<ProcessHandle> out = new ArrayList<>();
    if (!Files.isDirectory(proc)) {
      return out;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, "[0-9]*")) {
      for (Path d : dirs) {
        long pid;
        try {
          pid = Long.parseLong(d.getFileName().toString());
        } catch (NumberFormatException e) {
          continue;
        }
        if (pid != pgid && groupOf(d.resolve("stat")) == pgid) {
          ProcessHandle.of(pid).ifPresent(out::add);
        }
      }
    } catch (IOException e) {
      // /proc unreadable: only the descendants can be ended
    }
    return out;
  }

  /** The process group in a {@code stat} file ({@code pid (comm) state ppid pgrp ...}), or -1. */
  private static long groupOf(Path stat) {
    try {
      String s = Files.readString(stat, StandardCharsets.ISO_8859_1);
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ", 4);
      return Long.parseLong(f[2]);
    } catch (IOException | RuntimeException e) {
      return -1; // the process ended while we looked, or the file is not what we know
    }
  }

  /** Removes the shutdown hook of {@link #stopOnExit} when closed. */
  public interface Guard extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Stops {@code p} and its group (see {@link #destroyTree}) if the JVM exits while the guard is
   * open: a child in its own session gets no signal from the terminal, so an interrupted inferwatt
   * must end it itself.
   */
  public static Guard stopOnExit(Process p) {
    Thread hook = new Thread(() -> destroyTree(p), "inferwatt-child-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    return () -> {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook runs and stops the child
      }
    };
  }

  /** Deletes a file, or a folder and the files in it; a failure is ignored. */
  public static void deleteQuietly(Path p) {
    try {
      if (Files.isDirectory(p)) {
        try (var files = Files.list(p)) {
          for (Path f : files.toList()) {
            Files.deleteIfExists(f);
          }
        }
      }
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // a leftover temporary file is not worth failing a measurement for
    }
  }
}
