package io.inferwatt.core.analysis;

import io.inferwatt.core.BadInputException;
import java.util.Locale;

/**
 * A power sensor's response: how a reading weighs the true power before the reading's instant. A
 * linear, time-invariant filter with non-negative weights that add up to 1, in one of four shapes:
 *
 * <ul>
 *   <li>instant: the power at the instant ({@code boxcarNs == 0, tauNs == 0});
 *   <li>boxcar: the mean over the last {@code boxcarNs} (an INA3221's conversion time);
 *   <li>low-pass: a first-order (RC) filter with time constant {@code tauNs} (many current-sense
 *       amplifiers and meters);
 *   <li>boxcar followed by low-pass: both in series.
 * </ul>
 *
 * <p>Written and parsed as {@code instant}, {@code boxcar:1.1ms}, {@code lowpass:0.5ms} or {@code
 * boxcar:1.1ms+lowpass:0.5ms} (units {@code ns}, {@code us}, {@code ms}, {@code s}).
 *
 * @param boxcarNs the boxcar's length, ns (0: none)
 * @param tauNs the low-pass filter's time constant, ns (0: none)
 */
public record SensorResponse(long boxcarNs, long tauNs) {

  /** Instantaneous readings. */
  public static final SensorResponse INSTANT = new SensorResponse(0, 0);

  public SensorResponse {
    if (boxcarNs < 0 || tauNs < 0) {
      throw new BadInputException(
          "a sensor response's boxcar and time constant must not be negative");
    }
  }

  /** A boxcar mean over {@code ns}. */
  public static SensorResponse boxcar(long ns) {
    return new SensorResponse(ns, 0);
  }

  /** A first-order low-pass filter with time constant {@code ns}. */
  public static SensorResponse lowPass(long ns) {
    return new SensorResponse(0, ns);
  }

  /** {@code instant}, {@code boxcar}, {@code lowpass} or {@code boxcar+lowpass}. */
  public String kind() {
    if (tauNs == 0) {
      return boxcarNs == 0 ? "instant" : "boxcar";
    }
    return boxcarNs == 0 ? "lowpass" : "boxcar+lowpass";
  }

  /**
   * The width of the boxcar with the same spread (standard deviation) as this response, ns: {@code
   * sqrt(W² + 12 τ²)}. Compares a response with the layers' durations.
   */
  public double equivalentWidthNs() {
    return Math.sqrt((double) boxcarNs * boxcarNs + 12.0 * tauNs * tauNs);
  }

  /**
   * The fraction of the weight on lags {@code [0, lagNs]} before the reading's instant (the
   * cumulative response; 1 at lag ≥ 0 for an instant sensor).
   */
  public double cumulative(double lagNs) {
    if (lagNs <= 0) {
      return boxcarNs == 0 && tauNs == 0 && lagNs == 0 ? 1 : 0;
    }
    if (tauNs == 0) {
      return boxcarNs == 0 ? 1 : Math.min(1, lagNs / boxcarNs);
    }
    if (boxcarNs == 0) {
      return -Math.expm1(-lagNs / tauNs);
    }
    return (integralOfStep(lagNs) - integralOfStep(lagNs - boxcarNs)) / boxcarNs;
  }

  /** {@code ∫₀^s (1 − e^(−u/τ)) du}, 0 for {@code s ≤ 0}. */
  private double integralOfStep(double s) {
    if (s <= 0) {
      return 0;
    }
    return s + tauNs * Math.expm1(-s / tauNs);
  }

  /** The lag beyond which at most {@code e^(−tails)} of the weight lies, ns. */
  public long supportNs(double tails) {
    return boxcarNs + (long) Math.ceil(tails * tauNs);
  }

  /** The form {@link #parse} reads, e.g. {@code boxcar:1.1ms+lowpass:0.5ms}. */
  public String spec() {
    if (boxcarNs == 0 && tauNs == 0) {
      return "instant";
    }
    StringBuilder b = new StringBuilder();
    if (boxcarNs > 0) {
      b.append("boxcar:").append(ms(boxcarNs)).append("ms");
    }
    if (tauNs > 0) {
      b.append(b.length() > 0 ? "+" : "").append("lowpass:").append(ms(tauNs)).append("ms");
    }
    return b.toString();
  }

  private static String ms(long ns) {
    String s = String.format(Locale.ROOT, "%.4f", ns / 1e6);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  @Override
  public String toString() {
    return spec();
  }

  /**
   * Reads {@code instant}, {@code boxcar:<t>}, {@code lowpass:<t>} or {@code
   * boxcar:<t>+lowpass:<t>}; a time is a number with {@code ns}, {@code us}, {@code ms} or {@code
   * s}.
   *
   * @throws BadInputException naming what is wrong
   */
  public static SensorResponse parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("instant") || t.equals("instantaneous")) {
      return INSTANT;
    }
    long box = -1;
    long tau = -1;
    for (String part : t.split("\\+", -1)) {
      int colon = part.indexOf(':');
      String name = colon < 0 ? part : part.substring(0, colon);
      if (colon < 0) {
        throw bad(text, "'" + part + "' has no time (e.g. boxcar:1.1ms)");
      }
      long ns = time(text, part.substring(colon + 1));
      switch (name.trim()) {
        case "boxcar" -> {
          if (box >= 0 || tau >= 0) {
            throw bad(text, "one boxcar, first");
          }
          box = ns;
        }
        case "lowpass", "low-pass" -> {
          if (tau >= 0) {
            throw bad(text, "one low-pass filter");
          }
          tau = ns;
        }
        default -> throw bad(text, "unknown part '" + name.trim() + "'");
      }
    }
    return new SensorResponse(Math.max(0, box), Math.max(0, tau));
  }

  private static long time(String text, String s) {
    String v = s.trim();
    double scale;
    String num;
    if (v.endsWith("ns")) {
      scale = 1;
      num = v.substring(0, v.length() - 2);
    } else if (v.endsWith("us") || v.endsWith("µs")) {
      scale = 1e3;
      num = v.substring(0, v.length() - 2);
    } else if (v.endsWith("ms")) {
      scale = 1e6;
      num = v.substring(0, v.length() - 2);
    } else if (v.endsWith("s")) {
      scale = 1e9;
      num = v.substring(0, v.length() - 1);
    } else {
      throw bad(text, "'" + v + "' needs a unit (ns, us, ms or s)");
    }
    double x;
    try {
      x = Double.parseDouble(num.trim());
    } catch (NumberFormatException e) {
      throw bad(text, "'" + v + "' is not a time");
    }
    if (!(x >= 0) || Double.isInfinite(x) || x * scale > 60e9) {
      throw bad(text, "'" + v + "' must be between 0 and 60 s");
    }
    return Math.round(x * scale);
  }

  private static BadInputException bad(String text, String why) {
    return new BadInputException(
        "sensor response '"
            + text
            + "': "
            + why
            + "; expected instant, boxcar:1.1ms, lowpass:0.5ms or boxcar:1.1ms+lowpass:0.5ms");
  }
}
