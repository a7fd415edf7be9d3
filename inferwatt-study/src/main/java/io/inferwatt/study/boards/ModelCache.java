package io.inferwatt.study.boards;

import io.inferwatt.engines.onnx.OnnxIo;
import io.inferwatt.engines.onnx.OnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The folder where a study keeps the ONNX files it builds (a network is the same file for the same
 * name and seed, so any file can be built again). The folder is kept under {@code capBytes}: after
 * each write the files used least recently (a hit touches its file) are deleted, never the one just
 * written.
 */
final class ModelCache {

  /** The default cap, bytes: a few of the largest families at full size. */
  static final long DEFAULT_CAP_BYTES = 2L << 30;

  private final Path dir;
  private final long capBytes;

  ModelCache(Path dir, long capBytes) {
    this.dir = dir;
    this.capBytes = capBytes;
  }

  /** The cache in {@code java.io.tmpdir}, capped by {@code inferwatt.model.cache.mb} if set. */
  static ModelCache standard() {
    long mb = Long.getLong("inferwatt.model.cache.mb", DEFAULT_CAP_BYTES >> 20);
    return new ModelCache(
        Path.of(System.getProperty("java.io.tmpdir"), "inferwatt-models"), Math.max(1, mb) << 20);
  }

  /**
   * The file named {@code fileName}: the cached one, or the network {@code build} gives, written
   * now ({@link OnnxIo#write} writes through a temporary file and a move, so a killed study leaves
   * no half file).
   */
  Path file(String fileName, Supplier<OnnxModel> build) {
    Path file = dir.resolve(fileName);
    if (Files.isRegularFile(file)) {
      try {
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
      } catch (IOException e) {
        // read-only cache: it still serves the file
      }
      return file;
    }
    OnnxIo.write(build.get(), file);
    trim(file);
    return file;
  }

  /**
   * Deletes the least recently used files until the folder is under the cap; keeps {@code keep}.
   */
  void trim(Path keep) {
    List<Entry> entries = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        try {
          if (Files.isRegularFile(p)
              && p.toString().endsWith(".onnx")) { // not a file being written
            entries.add(new Entry(p, Files.size(p), Files.getLastModifiedTime(p).toMillis()));
          }
        } catch (NoSuchFileException e) {
          // another study trimmed it
        }
      }
    } catch (IOException e) {
      return; // the cap is best effort: a folder that cannot be listed is not trimmed
    }
    long total = entries.stream().mapToLong(Entry::bytes).sum();
    entries.sort(Comparator.comparingLong(Entry::usedMs));
    for (Entry e : entries) {
      if (total <= capBytes) {
        break;
      }
      if (e.path().equals(keep)) {
        continue;
      }
      try {
        Files.deleteIfExists(e.path());
        total -= e.bytes();
      } catch (IOException ex) {
        // in use or not ours: leave it
      }
    }
  }

  private record Entry(Path path, long bytes, long usedMs) {}
}
