package io.inferwatt.engines.trt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.inferwatt.core.io.FormatException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for the JSON files TensorRT's {@code trtexec} exports ({@code --exportTimes} and {@code
 * --exportProfile}), pure functions over recorded output. Both files carry times in ms relative to
 * the start of trtexec's inference run, with no epoch: {@link TraceAlignment} places them on the
 * monotonic base.
 */
final class Trtexec {

  private Trtexec() {}

  /**
   * One timed iteration of {@code --exportTimes}. Host columns ({@code *Enq*}) are on the host
   * clock, the others on the GPU event clock; both count ms from the start of the run.
   *
   * @param endToEndMs {@code endD2h - startH2d}, written by TensorRT 8.2 and earlier only
   */
  public record Iteration(
      double startEnqMs,
      double endEnqMs,
      double startH2dMs,
      double endH2dMs,
      double startComputeMs,
      double endComputeMs,
      double startD2hMs,
      double endD2hMs,
      double h2dMs,
      double computeMs,
      double d2hMs,
      double latencyMs,
      OptionalDouble endToEndMs) {}

  /**
   * One layer of {@code --exportProfile}.
   *
   * @param name the engine layer's name (after fusion, e.g. {@code Conv_0 + Relu_1})
   * @param timeMs total over the profiled iterations
   * @param averageMs {@code timeMs / count}
   * @param medianMs the median, written since TensorRT 8.4
   * @param percentage share of the summed layer time, in %
   */
  public record LayerTime(
      String name, double timeMs, double averageMs, OptionalDouble medianMs, double percentage) {}

  /**
   * A whole {@code --exportProfile} file.
   *
   * @param count profiled iterations
   * @param layers layers in execution order
   */
  public record Profile(long count, List<LayerTime> layers) {
    public Profile {
      layers = List.copyOf(layers);
    }
  }

  /**
   * A TensorRT version, as trtexec's banner gives it.
   *
   * @param major e.g. 10
   * @param minor e.g. 3
   * @param patch e.g. 0
   */
  public record Version(int major, int minor, int patch) implements Comparable<Version> {

    /** Whether this version is at least {@code major.minor}. */
    public boolean atLeast(int major, int minor) {
      return this.major > major || this.major == major && this.minor >= minor;
    }

    @Override
    public int compareTo(Version o) {
      int c = Integer.compare(major, o.major);
      c = c != 0 ? c : Integer.compare(minor, o.minor);
      return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
      return major + "." + minor + "." + patch;
    }
  }

  private static final Pattern BANNER = Pattern.compile("\\[TensorRT v(\\d+(?:\\.\\d+)*)\\]");
  private static final Pattern VERSION_LINE =
      Pattern.compile("TensorRT version: (\\d+)\\.(\\d+)\\.(\\d+)");

  /**
   * The TensorRT version in trtexec's output: the banner {@code &&&& RUNNING TensorRT.trtexec
   * [TensorRT v100300]} that every run prints first ({@code NV_TENSORRT_VERSION}: {@code major·1000
   * + minor·100 + patch} up to 8.x, e.g. {@code v8201}; {@code major·10000 + minor·100 + patch}
   * from 10.0, e.g. {@code v100300}; some builds print it dotted, {@code v11.1.0.106}), or the line
   * {@code [I] TensorRT version: 10.3.0}.
   */
  public static Optional<Version> parseVersion(String output) {
    Matcher m = BANNER.matcher(output);
    if (m.find()) {
      String v = m.group(1);
      if (v.contains(".")) {
        String[] p = v.split("\\.");
        return Optional.of(
            new Version(
                Integer.parseInt(p[0]),
                p.length > 1 ? Integer.parseInt(p[1]) : 0,
                p.length > 2 ? Integer.parseInt(p[2]) : 0));
      }
      int n = Integer.parseInt(v);
      if (v.length() <= 4) {
        return Optional.of(new Version(n / 1000, n / 100 % 10, n % 100));
      }
      return Optional.of(new Version(n / 10000, n / 100 % 100, n % 100));
    }
    Matcher l = VERSION_LINE.matcher(output);
    if (l.find()) {
      return Optional.of(
          new Version(
              Integer.parseInt(l.group(1)),
              Integer.parseInt(l.group(2)),
              Integer.parseInt(l.group(3))));
    }
    return Optional.empty();
  }

  /** Parses an {@code --exportTimes} file (TensorRT 8.x and 10.x). */
  public static List<Iteration> parseTimes(InputStream in, String source) {
    List<Iteration> out = new ArrayList<>();
    for (Map<String, Double> o : objects(in, source)) {
      out.add(
          new Iteration(
              req(o, "startEnqMs", source, out.size()),
              req(o, "endEnqMs", source, out.size()),
              req(o, "startH2dMs", source, out.size()),
              req(o, "endH2dMs", source, out.size()),
              req(o, "startComputeMs", source, out.size()),
              req(o, "endComputeMs", source, out.size()),
              req(o, "startD2hMs", source, out.size()),
              req(o, "endD2hMs", source, out.size()),
              req(o, "h2dMs", source, out.size()),
              req(o, "computeMs", source, out.size()),
              req(o, "d2hMs", source, out.size()),
              req(o, "latencyMs", source, out.size()),
              o.containsKey("endToEndMs")
                  ? OptionalDouble.of(o.get("endToEndMs"))
                  : OptionalDouble.empty()));
    }
    return out;
  }

  /**
   * Parses an {@code --exportProfile} file: {@code [{"count":N}, {"name":..., "timeMs":...}, ...]}.
   */
  public static Profile parseProfile(InputStream in, String source) {
    long count = -1;
    List<LayerTime> layers = new ArrayList<>();
    List<Map<String, Object>> raw = rawObjects(in, source);
    for (int i = 0; i < raw.size(); i++) {
      Map<String, Object> o = raw.get(i);
      if (o.containsKey("count") && !o.containsKey("name")) {
        count = ((Number) o.get("count")).longValue();
        continue;
      }
      if (!(o.get("name") instanceof String name)) {
        throw new FormatException(source, 0, "profile record " + i + " has no \"name\"");
      }
      layers.add(
          new LayerTime(
              name,
              num(o, "timeMs", source, i),
              num(o, "averageMs", source, i),
              o.get("medianMs") instanceof Number m
                  ? OptionalDouble.of(m.doubleValue())
                  : OptionalDouble.empty(),
              num(o, "percentage", source, i)));
    }
    if (count < 0) {
      throw new FormatException(source, 0, "profile has no {\"count\": N} record");
    }
    return new Profile(count, layers);
  }

  private static double num(Map<String, Object> o, String key, String source, int i) {
    if (o.get(key) instanceof Number n) {
      return n.doubleValue();
    }
    throw new FormatException(source, 0, "profile record " + i + " has no number \"" + key + "\"");
  }

  private static double req(Map<String, Double> o, String key, String source, int i) {
    Double v = o.get(key);
    if (v == null) {
      throw new FormatException(source, 0, "iteration " + i + " has no \"" + key + "\"");
    }
    return v;
  }

  private static List<Map<String, Double>> objects(InputStream in, String source) {
    List<Map<String, Double>> out = new ArrayList<>();
    for (Map<String, Object> o : rawObjects(in, source)) {
      Map<String, Double> m = new HashMap<>();
      o.forEach(
          (k, v) -> {
            if (v instanceof Number n) {
              m.put(k, n.doubleValue());
            }
          });
      out.add(m);
    }
    return out;
  }

  /** A JSON array of flat objects with number or string values. */
  private static List<Map<String, Object>> rawObjects(InputStream in, String source) {
    List<Map<String, Object>> out = new ArrayList<>();
    try (JsonParser p = new JsonFactory().createParser(in)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new FormatException(source, p.currentLocation().getLineNr(), "not a JSON array");
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
        Map<String, Object> o = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          JsonToken v = p.nextToken();
          if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            o.put(key, p.getDoubleValue());
          } else if (v == JsonToken.VALUE_STRING) {
            o.put(key, p.getText());
          } else {
            p.skipChildren();
          }
        }
        out.add(o);
      }
      if (t != JsonToken.END_ARRAY) {
        throw new FormatException(
            source, p.currentLocation().getLineNr(), "expected an object or the end of the array");
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      long line = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getLineNr());
      throw new FormatException(source, line, "malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new FormatException(source, 0, "malformed JSON: " + e.getMessage());
    }
    return out;
  }
}
