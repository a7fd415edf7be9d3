package io.inferwatt.engines.ort;

import io.inferwatt.core.BadInputException;
import io.inferwatt.core.model.InputKind;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Input data for one input kind (paper §III.D): all zeros, one fixed random image, or a set of
 * different images. Images are decoded with {@code javax.imageio}, resized (bilinear) to the
 * model's H×W, and normalised as torchvision does ({@code (x/255 - mean) / std}, ImageNet mean and
 * std), laid out NCHW in RGB order.
 */
final class Inputs {
  private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] STD = {0.229f, 0.224f, 0.225f};

  private Inputs() {}

  /**
   * The batches to feed, each {@code batch × c × h × w} floats; inference {@code i} takes batch
   * {@code i mod size}. Black and fixed-random give one batch; varied gives as many batches as the
   * images fill (at least one), the images taken in turn.
   */
  static List<float[]> batches(InputKind kind, int batch, int c, int h, int w, OrtOptions o) {
    int per = c * h * w;
    return switch (kind) {
      case BLACK -> List.of(new float[batch * per]);
      case FIXED_RANDOM -> {
        float[] image = normalise(generated(new SplittableRandom(o.inputSeed()), w, h), c, h, w);
        float[] b = new float[batch * per];
        for (int i = 0; i < batch; i++) {
          System.arraycopy(image, 0, b, i * per, per);
        }
        yield List.of(b);
      }
      case VARIED -> {
        List<BufferedImage> images =
            o.inputsDir().isPresent()
                ? readFolder(o.inputsDir().get(), o.variedImages())
                : generatedSet(o.inputSeed(), o.variedImages(), w, h);
        int batches = Math.max(1, images.size() / batch);
        List<float[]> out = new ArrayList<>();
        int next = 0;
        for (int k = 0; k < batches; k++) {
          float[] b = new float[batch * per];
          for (int i = 0; i < batch; i++) {
            float[] image = normalise(images.get(next++ % images.size()), c, h, w);
            System.arraycopy(image, 0, b, i * per, per);
          }
          out.add(b);
        }
        yield out;
      }
    };
  }

  /** Up to {@code max} images of {@code dir} (png, jpg, jpeg, bmp, gif), in name order. */
  static List<BufferedImage> readFolder(Path dir, int max) {
    List<BufferedImage> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.sorted().toList()) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!(n.endsWith(".png")
            || n.endsWith(".jpg")
            || n.endsWith(".jpeg")
            || n.endsWith(".bmp")
            || n.endsWith(".gif"))) {
          continue;
        }
        BufferedImage img = ImageIO.read(f.toFile());
        if (img == null) {
          throw new BadInputException("cannot decode image " + f);
        }
        out.add(img);
        if (out.size() == max) {
          break;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read inputs folder " + dir + ": " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new BadInputException("inputs folder " + dir + " has no png, jpg, bmp or gif image");
    }
    return out;
  }

  /** {@code n} different synthetic images: smooth colour gradients with noise, from one seed. */
  static List<BufferedImage> generatedSet(long seed, int n, int w, int h) {
    SplittableRandom r = new SplittableRandom(seed);
    List<BufferedImage> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(generated(r.split(), w, h));
    }
    return out;
  }

  private static BufferedImage generated(SplittableRandom r, int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    double fx = r.nextDouble(0.01, 0.2);
    double fy = r.nextDouble(0.01, 0.2);
    double phase = r.nextDouble(0, Math.PI * 2);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int red = clamp(128 + 100 * Math.sin(fx * x + phase) + r.nextInt(-20, 21));
        int green = clamp(128 + 100 * Math.cos(fy * y + phase) + r.nextInt(-20, 21));
        int blue = clamp(r.nextInt(0, 256));
        img.setRGB(x, y, red << 16 | green << 8 | blue);
      }
    }
    return img;
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, v));
  }

  /** Resizes to w×h and lays out c×h×w normalised floats (c = 3: RGB; c = 1: grey). */
  static float[] normalise(BufferedImage src, int c, int h, int w) {
    BufferedImage img = src;
    if (src.getWidth() != w
        || src.getHeight() != h
        || src.getType() != BufferedImage.TYPE_INT_RGB) {
      img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(src, 0, 0, w, h, null);
      g.dispose();
    }
    float[] out = new float[c * h * w];
    int plane = h * w;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = img.getRGB(x, y);
        float[] px = {(rgb >> 16 & 0xff) / 255f, (rgb >> 8 & 0xff) / 255f, (rgb & 0xff) / 255f};
        for (int ch = 0; ch < c; ch++) {
          int k = ch % 3;
          out[ch * plane + y * w + x] = (px[k] - MEAN[k]) / STD[k];
        }
      }
    }
    return out;
  }
}
