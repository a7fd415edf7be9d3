package io.inferwatt.hardware.sensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One sysfs attribute holding a decimal integer, kept open and re-read from offset 0 into a reused
 * buffer (one {@code pread} per value, no open/close per sample). Not thread-safe: owned by the
 * source's logger thread.
 */
final class SysfsFile implements AutoCloseable {

  private final Path path;
  private final ByteBuffer buf = ByteBuffer.allocateDirect(64);
  private FileChannel channel;
  private boolean closed;

  SysfsFile(Path path) {
    this.path = path;
  }

  Path path() {
    return path;
  }

  /**
   * Reads the integer at the start of the file (a trailing unit such as {@code " mw"} and the
   * newline are ignored).
   *
   * @throws IOException naming the file when it cannot be read, vanished, is empty or holds no
   *     integer; the next call reopens it
   */
  long readLong() throws IOException {
    if (closed) {
      throw new IOException(path + " is closed");
    }
    if (channel == null) {
      try {
        channel = FileChannel.open(path, StandardOpenOption.READ);
      } catch (NoSuchFileException e) {
        throw new IOException(path + " vanished (no such file)", e);
      } catch (IOException e) {
        throw new IOException("cannot open " + path + ": " + e, e);
      }
    }
    buf.clear();
    int n;
    try {
      n = channel.read(buf, 0);
    } catch (IOException e) {
      // EIO/ENODEV from a driver that went away: drop the channel so the next read reopens it
      closeChannel();
      throw new IOException("cannot read " + path + ": " + e.getMessage(), e);
    }
    if (n <= 0) {
      throw new IOException(path + " read back empty");
    }
    return parse(buf, n, path);
  }

  static long parse(ByteBuffer buf, int n, Path path) throws IOException {
    int i = 0;
    while (i < n && buf.get(i) == ' ') {
      i++;
    }
    boolean negative = false;
    if (i < n && buf.get(i) == '-') {
      negative = true;
      i++;
    }
    int start = i;
    long v = 0;
    while (i < n) {
      int c = buf.get(i) - '0';
      if (c < 0 || c > 9) {
        break;
      }
      v = v * 10 + c;
      i++;
    }
    if (i == start || i - start > 18) {
      byte[] text = new byte[Math.min(n, 32)];
      buf.get(0, text);
      throw new IOException(
          path
              + " holds no integer: '"
              + new String(text, java.nio.charset.StandardCharsets.US_ASCII).strip()
              + "'");
    }
    return negative ? -v : v;
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing left to release
      }
      channel = null;
    }
  }

  @Override
  public void close() {
    closed = true;
    closeChannel();
  }
}
