package io.inferwatt.engines.ort;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.inferwatt.core.io.FormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An ONNX Runtime profile ({@code SessionOptions.enableProfiling}): a JSON array of Chrome-trace
 * events, {@code ts} and {@code dur} in whole µs since profiling started. Parsed as a stream; only
 * {@code model_run} session events and {@code <node>_kernel_time} node events are kept, each node
 * event assigned to the run that contains it (the same thread first, for runs in flight together).
 *
 * @param runs every {@code model_run}, in order of start
 */
record OrtProfile(List<Run> runs) {

  public OrtProfile {
    runs = List.copyOf(runs);
  }

  /**
   * One {@code session.run}.
   *
   * @param tsUs start, µs since profiling start
   * @param durUs duration in µs
   * @param tid the thread that ran it
   * @param nodes its kernels in execution order
   */
  public record Run(long tsUs, long durUs, long tid, List<NodeTime> nodes) {
    public Run {
      nodes = List.copyOf(nodes);
    }

    /** Sum of the node durations in µs. */
    public long nodeSumUs() {
      return nodes.stream().mapToLong(NodeTime::durUs).sum();
    }
  }

  /**
   * One kernel execution.
   *
   * @param name the node's name in the (optimised) graph ({@code _kernel_time} removed)
   * @param opType the operator ({@code args.op_name})
   * @param provider the execution provider, or empty
   * @param tsUs start, µs since profiling start
   * @param durUs duration in µs
   */
  public record NodeTime(String name, String opType, String provider, long tsUs, long durUs) {}

  private static final String KERNEL_SUFFIX = "_kernel_time";

  /** Parses a profile file. */
  public static OrtProfile read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses a profile from a stream; {@code source} names it in errors.
   *
   * @throws FormatException when the content is not a JSON array of objects
   */
  public static OrtProfile parse(InputStream in, String source) {
    List<long[]> runs = new ArrayList<>(); // ts, dur, tid
    List<Object[]> nodes = new ArrayList<>(); // NodeTime, tid
    try (JsonParser p = new JsonFactory().createParser(in)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new FormatException(
            source, p.currentLocation().getLineNr(), "not a JSON array of trace events");
      }
      while (p.nextToken() == JsonToken.START_OBJECT) {
        String cat = "";
        String name = "";
        long ts = -1;
        long dur = -1;
        long tid = 0;
        String op = "";
        String provider = "";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken v = p.nextToken();
          switch (field) {
            case "cat" -> cat = p.getValueAsString("");
            case "name" -> name = p.getValueAsString("");
            case "ts" -> ts = p.getValueAsLong(-1);
            case "dur" -> dur = p.getValueAsLong(-1);
            case "tid" -> tid = p.getValueAsLong(0);
            case "args" -> {
              if (v == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                  String arg = p.currentName();
                  p.nextToken();
                  if (arg.equals("op_name")) {
                    op = p.getValueAsString("");
                  } else if (arg.equals("provider")) {
                    provider = p.getValueAsString("");
                  } else {
                    p.skipChildren();
                  }
                }
              } else {
                p.skipChildren();
              }
            }
            default -> p.skipChildren();
          }
        }
        if (ts < 0 || dur < 0) {
          continue; // not a complete event
        }
        if (cat.equals("Session") && name.equals("model_run")) {
          runs.add(new long[] {ts, dur, tid});
        } else if (cat.equals("Node") && name.endsWith(KERNEL_SUFFIX)) {
          String node = name.substring(0, name.length() - KERNEL_SUFFIX.length());
          nodes.add(new Object[] {new NodeTime(node, op, provider, ts, dur), tid});
        }
      }
    } catch (IOException e) {
      throw new FormatException(source, 0, "malformed profile JSON: " + e.getMessage());
    }
    return assign(runs, nodes);
  }

  private static OrtProfile assign(List<long[]> runs, List<Object[]> nodes) {
    runs.sort(Comparator.comparingLong(r -> r[0]));
    nodes.sort(Comparator.comparingLong(o -> ((NodeTime) o[0]).tsUs()));
    List<List<NodeTime>> perRun = new ArrayList<>();
    runs.forEach(r -> perRun.add(new ArrayList<>()));
    int first = 0; // runs before it ended before the current node started
    for (Object[] o : nodes) {
      NodeTime n = (NodeTime) o[0];
      long tid = (Long) o[1];
      while (first < runs.size() && runs.get(first)[0] + runs.get(first)[1] < n.tsUs()) {
        first++;
      }
      int chosen = -1;
      for (int r = first; r < runs.size() && runs.get(r)[0] <= n.tsUs(); r++) {
        long[] run = runs.get(r);
        if (n.tsUs() + n.durUs() <= run[0] + run[1] + 1) {
          if (chosen < 0 || run[2] == tid) {
            chosen = r;
          }
        }
      }
      if (chosen >= 0) {
        perRun.get(chosen).add(n);
      }
    }
    List<Run> out = new ArrayList<>();
    for (int r = 0; r < runs.size(); r++) {
      long[] run = runs.get(r);
      out.add(new Run(run[0], run[1], run[2], perRun.get(r)));
    }
    return new OrtProfile(out);
  }
}
