package io.inferwatt.engines.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Stopping child processes and cleaning up after them, shared by the process-based recorders. */
public final class Processes {
  private static final long DESTROY_GRACE_MS = 2_000;

  private Processes() {}

  /** Asks a process (and its children) to stop, then kills them when they do not. */
  public static void destroyTree(Process p) {
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
    try {
      if (!p.waitFor(DESTROY_GRACE_MS, TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(DESTROY_GRACE_MS, TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
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
