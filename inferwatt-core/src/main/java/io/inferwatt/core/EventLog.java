package io.inferwatt.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The inference, layer and phase events of one recording, held compactly (a paper-sized run has two
 * million layer events). Built once through {@link #builder()}, then read only.
 *
 * <p>Each layer event remembers the line it came from ({@code 0} when it did not come from a file),
 * so that a problem found later can still name the line.
 */
public final class EventLog {

  private final List<InferenceEvent> inferences;
  private final List<PhaseEvent> phases;
  private final String[] names;
  private final String[] types;
  // layer columns
  private final long[] layerSeq;
  private final int[] layerIndex;
  private final int[] layerName;
  private final int[] layerType;
  private final long[] layerDurationNs;
  private final long[] layerStartNs; // Long.MIN_VALUE = absent
  private final long[] layerLine;
  private final int layerCount;

  private EventLog(Builder b) {
    this.inferences = List.copyOf(b.inferences);
    this.phases = List.copyOf(b.phases);
    this.names = b.nameTable.toArray(new String[0]);
    this.types = b.typeTable.toArray(new String[0]);
    this.layerCount = b.layerCount;
    this.layerSeq = Arrays.copyOf(b.layerSeq, layerCount);
    this.layerIndex = Arrays.copyOf(b.layerIndex, layerCount);
    this.layerName = Arrays.copyOf(b.layerName, layerCount);
    this.layerType = Arrays.copyOf(b.layerType, layerCount);
    this.layerDurationNs = Arrays.copyOf(b.layerDurationNs, layerCount);
    this.layerStartNs = Arrays.copyOf(b.layerStartNs, layerCount);
    this.layerLine = Arrays.copyOf(b.layerLine, layerCount);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Inferences in the order they were added. */
  public List<InferenceEvent> inferences() {
    return inferences;
  }

  public List<PhaseEvent> phases() {
    return phases;
  }

  public int layerCount() {
    return layerCount;
  }

  /** The {@code i}-th layer event, in the order added. */
  public LayerEvent layer(int i) {
    long start = layerStartNs[i];
    return new LayerEvent(
        layerSeq[i],
        layerIndex[i],
        names[layerName[i]],
        types[layerType[i]],
        layerDurationNs[i],
        start == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(start));
  }

  public long layerSeq(int i) {
    return layerSeq[i];
  }

  public int layerIndex(int i) {
    return layerIndex[i];
  }

  public String layerName(int i) {
    return names[layerName[i]];
  }

  public String layerType(int i) {
    return types[layerType[i]];
  }

  public long layerDurationNs(int i) {
    return layerDurationNs[i];
  }

  /** The layer's own start, or {@link Long#MIN_VALUE} when the profiler gave none. */
  public long layerStartNsOrMin(int i) {
    return layerStartNs[i];
  }

  /** The line of the events file the layer came from, or 0. */
  public long layerLine(int i) {
    return layerLine[i];
  }

  /** Collects events; not thread-safe. */
  public static final class Builder {
    private final List<InferenceEvent> inferences = new ArrayList<>();
    private final List<PhaseEvent> phases = new ArrayList<>();
    private final List<String> nameTable = new ArrayList<>();
    private final List<String> typeTable = new ArrayList<>();
    private final Map<String, Integer> nameIds = new HashMap<>();
    private final Map<String, Integer> typeIds = new HashMap<>();
    private long[] layerSeq = new long[1024];
    private int[] layerIndex = new int[1024];
    private int[] layerName = new int[1024];
    private int[] layerType = new int[1024];
    private long[] layerDurationNs = new long[1024];
    private long[] layerStartNs = new long[1024];
    private long[] layerLine = new long[1024];
    private int layerCount;

    private Builder() {}

    public Builder inference(InferenceEvent e) {
      inferences.add(e);
      return this;
    }

    public Builder phase(PhaseEvent e) {
      phases.add(e);
      return this;
    }

    /** This builder as a sink of events. */
    public EventSink sink() {
      Builder b = this;
      return new EventSink() {
        @Override
        public void inference(InferenceEvent e) {
          b.inference(e);
        }

        @Override
        public void layer(
            long seq,
            int index,
            String name,
            String type,
            long durationNs,
            long startNsOrMin,
            long line) {
          b.layer(seq, index, name, type, durationNs, startNsOrMin, line);
        }

        @Override
        public void phase(PhaseEvent e) {
          b.phase(e);
        }
      };
    }

    /** Adds a layer given by its fields. */
    public void layer(
        long seq,
        int index,
        String name,
        String type,
        long durationNs,
        long startNsOrMin,
        long line) {
      layer(
          new LayerEvent(
              seq,
              index,
              name,
              type,
              durationNs,
              startNsOrMin == Long.MIN_VALUE
                  ? OptionalLong.empty()
                  : OptionalLong.of(startNsOrMin)),
          line);
    }

    public Builder layer(LayerEvent e) {
      return layer(e, 0);
    }

    /** Adds a layer event read from line {@code line} of an events file. */
    public Builder layer(LayerEvent e, long line) {
      if (layerCount == layerSeq.length) {
        int n = layerCount * 2;
        layerSeq = Arrays.copyOf(layerSeq, n);
        layerIndex = Arrays.copyOf(layerIndex, n);
        layerName = Arrays.copyOf(layerName, n);
        layerType = Arrays.copyOf(layerType, n);
        layerDurationNs = Arrays.copyOf(layerDurationNs, n);
        layerStartNs = Arrays.copyOf(layerStartNs, n);
        layerLine = Arrays.copyOf(layerLine, n);
      }
      int i = layerCount++;
      layerSeq[i] = e.seq();
      layerIndex[i] = e.index();
      layerName[i] = intern(e.name(), nameTable, nameIds);
      layerType[i] = intern(e.type(), typeTable, typeIds);
      layerDurationNs[i] = e.durationNs();
      layerStartNs[i] = e.startNs().isPresent() ? e.startNs().getAsLong() : Long.MIN_VALUE;
      layerLine[i] = line;
      return this;
    }

    private static int intern(String s, List<String> table, Map<String, Integer> ids) {
      Integer id = ids.get(s);
      if (id == null) {
        id = table.size();
        table.add(s);
        ids.put(s, id);
      }
      return id;
    }

    public EventLog build() {
      return new EventLog(this);
    }
  }
}
