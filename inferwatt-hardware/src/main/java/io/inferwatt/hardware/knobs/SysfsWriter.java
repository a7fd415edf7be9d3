package io.inferwatt.hardware.knobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes one value to one existing sysfs file. The kernel refuses a value by failing the write
 * ({@code EINVAL}, {@code EPERM}, {@code EBUSY}); tests pass a writer that fails the same way.
 */
@FunctionalInterface
public interface SysfsWriter {

  /**
   * Writes {@code value} to {@code file}, which must exist (sysfs files are never created).
   *
   * @throws IOException as the kernel reports a refused write
   */
  void write(Path file, String value) throws IOException;

  /** Writes the value with one {@code write(2)}, without creating or appending. */
  static SysfsWriter direct() {
    return (file, value) ->
        Files.write(
            file,
            value.getBytes(StandardCharsets.US_ASCII),
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
  }
}
