package io.inferwatt.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The line splitting. */
class LineReaderTest {

  /**
   * The first newline at every position of buffers of every length up to 40, among bytes that
   * differ from a newline in one bit (0x0B, 0x08, 0x8A, 0x4A, 0x0E) or are high (negative in Java).
   */
  @Test
  void theFirstNewlineIsFoundAtEveryPositionAmongNearMisses() {
    byte[] near = {0x0B, 0x08, (byte) 0x8A, 0x4A, 0x0E, (byte) 0xFF, 0x00, 0x09};
    Random rnd = new Random(7);
    for (int len = 0; len <= 40; len++) {
      for (int at = -1; at < len; at++) {
        byte[] b = new byte[len + 3];
        for (int i = 0; i < b.length; i++) {
          b[i] = near[rnd.nextInt(near.length)];
        }
        if (at >= 0) {
          b[at + 1] = '\n';
          if (at + 3 < len) {
            b[at + 3] = '\n';
          }
        }
        assertThat(LineReader.indexOfNewline(b, 1, len + 1))
            .as("len %d at %d", len, at)
            .isEqualTo(at < 0 ? -1 : at + 1);
      }
    }
  }

  @Test
  void linesComeOutWholeAcrossReadsAndWithoutTheirCarriageReturn() {
    StringBuilder text = new StringBuilder();
    List<String> want = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      String line = "line " + i + " " + "x".repeat(i % 37);
      want.add(line);
      text.append(line).append(i % 3 == 0 ? "\r\n" : "\n");
    }
    text.append("last without newline");
    want.add("last without newline");
    List<String> got = new ArrayList<>();
    try (LineReader r =
        new LineReader(
            "t", new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8)))) {
      while (r.next()) {
        got.add(r.text());
      }
      assertThat(r.terminated()).isFalse();
    }
    assertThat(got).isEqualTo(want);
  }
}
