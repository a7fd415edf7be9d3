package io.inferwatt.engines.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

  private static List<String> lines(String text, int max, LineReader.Overlong o)
      throws IOException {
    List<String> out = new ArrayList<>();
    try (LineReader r =
        new LineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max, o)) {
      String l;
      while ((l = r.readLine()) != null) {
        out.add(l);
      }
    }
    return out;
  }

  @Test
  void splitsLikeReadLineOnNewlinesAndDropsACarriageReturn() throws IOException {
    assertThat(lines("a\r\nbé\n\nlast", 10, LineReader.Overlong.FAIL))
        .containsExactly("a", "bé", "", "last");
    assertThat(lines("", 10, LineReader.Overlong.FAIL)).isEmpty();
    assertThat(lines("x\n", 10, LineReader.Overlong.FAIL)).containsExactly("x");
  }

  @Test
  void aLineOverTheBoundFailsWithItsNumberAndAShortPrefix() {
    String text = "ok\n" + "z".repeat(100_000) + "\n";
    assertThatThrownBy(() -> lines(text, 1000, LineReader.Overlong.FAIL))
        .isInstanceOfSatisfying(
            LineReader.TooLong.class,
            e -> {
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.prefix()).hasSize(LineReader.PREFIX_CHARS);
              assertThat(e.getMessage()).hasSizeLessThan(200);
            });
  }

  @Test
  void aLineOverTheBoundIsCutAndTheNextOnesAreRead() throws IOException {
    // longer than the 8 KiB buffer, so the skipped rest spans several reads
    List<String> l = lines("y".repeat(50_000) + "\nnext\n", 10, LineReader.Overlong.TRUNCATE);
    assertThat(l).containsExactly("yyyyyyyyyy…", "next");
    assertThat(lines("abc\n", 3, LineReader.Overlong.TRUNCATE)).containsExactly("abc");
  }
}
