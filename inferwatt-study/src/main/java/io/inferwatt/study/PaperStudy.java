package io.inferwatt.study;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The paper's whole study as a plan: §III.C (cores 1–4, every CPU frequency, every GPU frequency,
 * sync/async × batch 1, 8, 16, 32 on MobileNetV2) and §III.D (MobileNetV1/V2, ResNet18/50; black,
 * fixed random and varied input; the first layers of MobileNetV2 as single-layer networks, the same
 * layers mapped inside the whole network coming from the baseline configuration's layer phase; one
 * convolution at 224×224 with kernel 1–5, stride 1–5 and 3–48 output channels). The plan is the
 * resource {@code paper-nano.yaml}, sized for the virtual Nano (a few hundred cycles per phase,
 * capped layer cycles) so that it runs in minutes.
 */
public final class PaperStudy {
  private PaperStudy() {}

  /** The plan's text. */
  public static String yaml() {
    try (InputStream in = PaperStudy.class.getResourceAsStream("paper-nano.yaml")) {
      if (in == null) {
        throw new IllegalStateException("the paper plan resource paper-nano.yaml is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The plan for {@code board} (only {@code sim:nano} runs the built-in engine). */
  public static Plan plan(String board) {
    String text = yaml().replaceFirst("(?m)^board: .*$", "board: " + board);
    return Plans.parse(text, "built-in paper study");
  }
}
