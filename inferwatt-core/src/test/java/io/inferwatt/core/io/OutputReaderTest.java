package io.inferwatt.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import org.junit.jupiter.api.Test;

/**
 * An exited child's output that still arrives is read to its end; a pipe that stays silent is cut
 * off after one look.
 */
class OutputReaderTest {

  /** Reads everything into a buffer. */
  static final class All extends OutputReader {
    final ByteArrayOutputStream got = new ByteArrayOutputStream();

    All(InputStream in) {
      super(in, "test-reader");
    }

    @Override
    public void run() {
      byte[] buf = new byte[64];
      try (InputStream in = input()) {
        int n;
        while ((n = in.read(buf)) > 0 && !abandoned()) {
          synchronized (got) {
            got.write(buf, 0, n);
          }
        }
      } catch (IOException e) {
        // cut off
      }
    }
  }

  @Test
  void outputArrivingOverLongerThanOneLookIsReadToItsEnd() throws Exception {
    PipedInputStream in = new PipedInputStream(1 << 16);
    PipedOutputStream out = new PipedOutputStream(in);
    All r = new All(in);
    r.start();
    // 40 pieces 100 ms apart: 4 s, two looks of the reader's progress
    Thread writer =
        new Thread(
            () -> {
              try (out) {
                for (int i = 0; i < 40; i++) {
                  out.write(new byte[] {(byte) 'a', (byte) 'b'});
                  out.flush();
                  Thread.sleep(100);
                }
              } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    writer.start();
    assertThat(r.drain()).isTrue();
    assertThat(r.got.size()).isEqualTo(80);
    assertThat(r.abandoned()).isFalse();
    writer.join();
  }

  @Test
  void aSilentPipeIsCutOffAfterALookWithoutProgress() throws Exception {
    PipedInputStream in = new PipedInputStream();
    PipedOutputStream out = new PipedOutputStream(in); // held open, never written: a silent pipe
    All r = new All(in);
    r.start();
    long t0 = System.nanoTime();
    r.drain();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.abandoned()).isTrue();
    // one look with progress (the first), one without, then cut off: not the 60 s cap
    assertThat(ms).isLessThan(OutputReader.PROGRESS_CAP_MS / 4);
    out.close();
  }
}
