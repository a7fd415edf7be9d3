package io.inferwatt.store;

import static io.inferwatt.store.Sql.count;
import static io.inferwatt.store.Sql.real;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.PhaseEvent;
import io.inferwatt.core.PowerSample;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes what a run keeps beyond its results ({@link RunWriter}'s part): the raw power samples, the
 * raw inference, layer and phase events, and the per-inference, per-layer and logger records. It
 * refuses a base whose schema has no tables for them.
 */
final class RunRecordsWriter {
  private final RunWriter writer;
  private final Object file;
  private final int schemaVersion;

  RunRecordsWriter(RunWriter writer, Object file, int schemaVersion) {
    this.writer = writer;
    this.file = file;
    this.schemaVersion = schemaVersion;
  }

  /**
   * The raw samples: the rails' names, then a row per read (and per {@value
   * Schema#RAILS_PER_READ_ROW} rails) in {@code power_reads}; below schema version 9, a row per
   * read and rail in the table {@code power_samples}.
   */
  void writeSamples(long id, RawSamples raw) throws SQLException {
    writer.appendTable(
        "sample_rails",
        a -> {
          for (int i = 0; i < raw.rails().size(); i++) {
            a.beginRow().append(id).append(i).append(raw.rails().get(i)).endRow();
          }
        });
    if (schemaVersion >= Schema.V9.version()) {
      int nr = raw.rails().size();
      writer.appendTable(
          "power_reads",
          a -> {
            for (PowerSample s : raw.samples()) {
              double[] v = s.powerMw();
              for (int first = 0; first < nr; first += Schema.RAILS_PER_READ_ROW) {
                a.beginRow()
                    .append(id)
                    .append(s.tNs())
                    .append(s.readStartNs())
                    .append(s.readEndNs())
                    .append(first);
                for (int i = first; i < first + Schema.RAILS_PER_READ_ROW; i++) {
                  if (i < nr) {
                    real(a, v[i]);
                  } else {
                    a.appendNull();
                  }
                }
                a.endRow();
              }
            }
          });
      return;
    }
    writer.appendTable(
        "power_samples",
        a -> {
          for (PowerSample s : raw.samples()) {
            for (int i = 0; i < raw.rails().size(); i++) {
              a.beginRow().append(id).append(s.tNs()).append(raw.rails().get(i));
              real(a, s.powerMw(i));
              a.append(s.readStartNs()).append(s.readEndNs()).endRow();
            }
          }
        });
  }

  /** The raw inference, layer and phase events, in the recorder's order. */
  void writeEvents(long id, EventLog events) throws SQLException {
    if (schemaVersion < Schema.V5.version()) {
      throw new StoreException(
          "measurement base "
              + file
              + " has no tables for raw events (schema version "
              + schemaVersion
              + ")");
    }
    writer.appendTable(
        "inference_events",
        a -> {
          List<InferenceEvent> infs = events.inferences();
          for (int i = 0; i < infs.size(); i++) {
            InferenceEvent e = infs.get(i);
            a.beginRow()
                .append(id)
                .append((long) i)
                .append(e.seq())
                .append(e.startNs())
                .append(e.endNs())
                .append(e.batch())
                .endRow();
          }
        });
    if (schemaVersion >= Schema.V9.version()) {
      writeLayerEvents(id, events);
    } else {
      writer.appendTable(
          "layer_events",
          a -> {
            for (int i = 0; i < events.layerCount(); i++) {
              layerHead(a, id, events, i).append(events.layerName(i)).append(events.layerType(i));
              layerTimes(a, events, i);
            }
          });
    }
    writer.appendTable(
        "phase_events",
        a -> {
          List<PhaseEvent> phases = events.phases();
          for (int i = 0; i < phases.size(); i++) {
            PhaseEvent p = phases.get(i);
            a.beginRow()
                .append(id)
                .append(i)
                .append(p.name())
                .append(p.startNs())
                .append(p.endNs())
                .endRow();
          }
        });
  }

  /**
   * The layer events (schema version 9 on): each event with the id of its layer's name and type in
   * {@code layer_event_rows}, each distinct name and type once in {@code layer_event_names}.
   */
  private void writeLayerEvents(long id, EventLog events) throws SQLException {
    Map<String, Map<String, Integer>> ids = new HashMap<>();
    List<String[]> names = new ArrayList<>();
    writer.appendTable(
        "layer_event_rows",
        a -> {
          for (int i = 0; i < events.layerCount(); i++) {
            String name = events.layerName(i);
            String type = events.layerType(i);
            Map<String, Integer> byType = ids.computeIfAbsent(name, k -> new HashMap<>());
            Integer nameId = byType.get(type);
            if (nameId == null) {
              nameId = names.size();
              byType.put(type, nameId);
              names.add(new String[] {name, type});
            }
            layerHead(a, id, events, i).append(nameId.intValue());
            layerTimes(a, events, i);
          }
        });
    writer.appendTable(
        "layer_event_names",
        a -> {
          for (int n = 0; n < names.size(); n++) {
            a.beginRow().append(id).append(n).append(names.get(n)[0]).append(names.get(n)[1]);
            a.endRow();
          }
        });
  }

  /** A layer event's row up to its name: run, position, inference, layer index. */
  private static TableAppender layerHead(TableAppender a, long id, EventLog events, int i)
      throws SQLException {
    return a.beginRow()
        .append(id)
        .append((long) i)
        .append(events.layerSeq(i))
        .append(events.layerIndex(i));
  }

  /** The rest of a layer event's row: its duration and its own start (NULL when absent). */
  private static void layerTimes(TableAppender a, EventLog events, int i) throws SQLException {
    a.append(events.layerDurationNs(i));
    long start = events.layerStartNsOrMin(i);
    if (start == Long.MIN_VALUE) {
      a.appendNull();
    } else {
      a.append(start);
    }
    a.endRow();
  }

  void writeDetails(long id, RunDetails d) throws SQLException {
    if (schemaVersion < Schema.V3.version()) {
      if (d.inferences().isEmpty() && d.layers().isEmpty() && d.logger().isEmpty()) {
        return;
      }
      throw new StoreException(
          "measurement base "
              + file
              + " has no tables for run details (schema version "
              + schemaVersion
              + ")");
    }
    writer.appendTable(
        "inference_records",
        a -> {
          for (RunDetails.InferenceRecord r : d.inferences()) {
            a.beginRow()
                .append(id)
                .append(r.seq())
                .append(r.phase())
                .append(r.startNs())
                .append(r.latencyMs())
                .append(r.batch())
                .append(r.samples())
                .endRow();
          }
        });
    writer.appendTable(
        "inference_rail_records",
        a -> {
          for (RunDetails.InferenceRecord r : d.inferences()) {
            for (int i = 0; i < d.rails().size(); i++) {
              a.beginRow().append(id).append(r.seq()).append(i).append(d.rails().get(i));
              real(a, r.powerMw()[i]);
              real(a, r.energyMj()[i]);
              a.endRow();
            }
          }
        });
    writer.appendTable(
        "layer_features",
        a -> {
          for (int i = 0; i < d.layers().size(); i++) {
            io.inferwatt.core.model.LayerSpec l = d.layers().get(i);
            a.beginRow().append(id).append(i).append(l.name()).append(l.type());
            positive(a, l.kernel());
            positive(a, l.stride());
            positive(a, l.groups());
            a.append(shape(l.inputShape())).append(shape(l.outputShape()));
            dims(a, l.inputShape());
            dims(a, l.outputShape());
            a.append(l.inputElements())
                .append(l.outputElements())
                .append(l.macs())
                .append(l.params());
            if (schemaVersion >= Schema.V10.version()) {
              a.append(l.activation());
            }
            a.endRow();
          }
        });
    if (d.logger().isPresent()) {
      RunDetails.LoggerStats g = d.logger().get();
      writer.appendTable(
          "logger_stats",
          a -> {
            a.beginRow().append(id).append(g.source()).append(g.samples());
            real(a, g.periodMsMedian());
            real(a, g.periodMsP99());
            real(a, g.periodMsMax());
            real(a, g.readMsMean());
            real(a, g.readMsP99());
            real(a, g.readMsMax());
            count(a, g.dropped());
            real(a, g.cpuPercent());
            real(a, g.overheadPowerMw());
            a.endRow();
          });
    }
  }

  /** The dimensions of a shape as {@link #shape} writes it. */
  static List<Integer> dims(String shape) {
    if (shape == null || shape.isEmpty()) {
      return List.of();
    }
    return java.util.Arrays.stream(shape.split("x")).map(Integer::valueOf).toList();
  }

  /** {@code 3x224x224}; empty for a scalar. */
  private static String shape(List<Integer> dims) {
    StringBuilder sb = new StringBuilder();
    for (Integer d : dims) {
      sb.append(sb.length() == 0 ? "" : "x").append(d);
    }
    return sb.toString();
  }

  /** Channels, height and width of a (C, H, W) shape; features as channels of a 1-d shape. */
  private static void dims(TableAppender a, List<Integer> shape) throws SQLException {
    for (int k = 0; k < 3; k++) {
      boolean has = shape.size() == 3 || (shape.size() == 1 && k == 0);
      if (has) {
        a.append(shape.get(k).intValue());
      } else {
        a.appendNull();
      }
    }
  }

  /** 0 ("not applicable") becomes NULL. */
  private static void positive(TableAppender a, int v) throws SQLException {
    if (v <= 0) {
      a.appendNull();
    } else {
      a.append(v);
    }
  }
}
