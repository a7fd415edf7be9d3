package io.inferwatt.core.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A thread that reads one output stream of a child process, and is waited for as long as it makes
 * progress once the child has exited ({@link #drain}). A loaded machine can leave the last lines of
 * a finished child unread for seconds; a pipe that a process outside the child's group still holds
 * never ends. The first is waited for, the second cut off.
 */
public abstract class OutputReader extends Thread {
  /** How long the reader is given between two looks at its progress. */
  static final long LOOK_MS = 2_000;

  /** The longest a reader that keeps making progress is waited for. */
  static final long PROGRESS_CAP_MS = 60_000;

  private final InputStream in;
  private volatile long bytesRead;
  private volatile boolean busy;
  private volatile boolean abandoned;

  protected OutputReader(InputStream in, String name) {
    super(name);
    setDaemon(true);
    this.in = new Counted(in);
  }

  /** The stream to read: the child's, with the bytes read counted as progress. */
  protected final InputStream input() {
    return in;
  }

  /** Marks the reader as handling what it read (parsing a line, say): progress too. */
  protected final void busy(boolean handling) {
    busy = handling;
  }

  /** Whether the reader was cut off: what it reads from then on is not the child's to use. */
  protected final boolean abandoned() {
    return abandoned;
  }

  /**
   * Waits for the reader, once the child has exited and its group was ended: in looks {@value
   * #LOOK_MS} ms apart for as long as it reads or handles something between them, up to {@value
   * #PROGRESS_CAP_MS} ms. A reader that made no progress in a look is waiting on a silent pipe: it
   * is cut off (marked abandoned, its stream closed) and given one more look.
   *
   * @return whether the reader has ended
   */
  public final boolean drain() {
    long started = System.nanoTime();
    long seen = -1;
    while (true) {
      join(this, LOOK_MS);
      if (!isAlive()) {
        return true;
      }
      long progress = bytesRead;
      boolean moving = progress != seen || busy;
      if (!moving || System.nanoTime() - started > PROGRESS_CAP_MS * 1_000_000L) {
        break;
      }
      seen = progress;
    }
    abandoned = true;
    try {
      in.close();
    } catch (IOException e) {
      // closing only to unblock the reader
    }
    join(this, LOOK_MS);
    return !isAlive();
  }

  private static void join(Thread t, long ms) {
    try {
      t.join(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Counts what passes, as the reader's progress. */
  private final class Counted extends FilterInputStream {
    Counted(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        bytesRead++;
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n > 0) {
        bytesRead += n;
      }
      return n;
    }
  }
}
