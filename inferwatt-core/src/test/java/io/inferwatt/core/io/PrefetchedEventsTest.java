package io.inferwatt.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.core.EventSink;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.PhaseEvent;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The events read on a thread of their own ({@link EventsJsonl#prefetched}). */
class PrefetchedEventsTest {

  /** Every event as one line of text, in the order the sink got them. */
  private static class Recorded implements EventSink {
    final List<String> got = new ArrayList<>();

    @Override
    public void inference(InferenceEvent e) {
      got.add("i " + e);
    }

    @Override
    public void layer(
        long seq, int index, String name, String type, long durationNs, long start, long line) {
      got.add(
          "l "
              + seq
              + " "
              + index
              + " "
              + name
              + " "
              + type
              + " "
              + durationNs
              + " "
              + start
              + " @"
              + line);
    }

    @Override
    public void phase(PhaseEvent e) {
      got.add("p " + e);
    }

    @Override
    public void meta(String key, Object value) {
      got.add("m " + key + "=" + value);
    }
  }

  /** Enough events for many batches, every kind, a blank line; then {@code tail}. */
  private static String recording(int inferences, String tail) {
    StringBuilder b =
        new StringBuilder("{\"event\":\"meta\",\"board\":\"x\",\"simulated\":true}\n");
    b.append("{\"event\":\"phase\",\"name\":\"layers\",\"start_ns\":0,\"end_ns\":99}\n\n");
    for (int i = 0; i < inferences; i++) {
      b.append("{\"event\":\"inference\",\"seq\":")
          .append(i)
          .append(",\"start_ns\":")
          .append(10 * i)
          .append(",\"end_ns\":")
          .append(10 * i + 9)
          .append("}\n");
      for (int l = 0; l < 3; l++) {
        b.append("{\"event\":\"layer\",\"seq\":")
            .append(i)
            .append(",\"index\":")
            .append(l)
            .append(",\"name\":\"n")
            .append(l)
            .append("\",\"type\":\"Conv\",\"duration_ns\":3}\n");
      }
    }
    return b.append(tail).toString();
  }

  private static InputStream in(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  private static void drain(EventsJsonl.Lines lines) {
    while (lines.next()) {
      // fed into the sink
    }
  }

  @Test
  void theSinkGetsWhatTheLineByLineReaderGivesInTheSameOrder() {
    String text = recording(10_000, "");
    Recorded plain = new Recorded();
    try (EventsJsonl.Lines l = EventsJsonl.lines("e", in(text), plain)) {
      drain(l);
    }
    Recorded ahead = new Recorded();
    try (EventsJsonl.Lines l = EventsJsonl.prefetched("e", in(text), ahead)) {
      drain(l);
      assertThat(l.line()).isEqualTo(40_003);
    }
    assertThat(ahead.got).hasSize(40_003).isEqualTo(plain.got);
  }

  @Test
  void aBadLineComesAfterTheEventsBeforeItWithItsLineNumber() {
    Recorded ahead = new Recorded();
    try (EventsJsonl.Lines l =
        EventsJsonl.prefetched("e.jsonl", in(recording(5000, "{\"event\":\"nope\"}\n")), ahead)) {
      assertThatThrownBy(() -> drain(l))
          .isInstanceOf(FormatException.class)
          .hasMessageContaining("e.jsonl")
          .hasMessageContaining("e.jsonl:20004:")
          .hasMessageContaining("unknown event");
    }
    assertThat(ahead.got).hasSize(20_003); // two meta fields, the phase, 5000 × 4
  }

  @Test
  void aSinksComplaintNamesTheEventsLineWithTheComplaintAsCause() {
    IllegalArgumentException why = new IllegalArgumentException("out of order");
    EventSink picky =
        new Recorded() {
          @Override
          public void layer(
              long seq, int index, String name, String type, long d, long start, long line) {
            if (seq == 2000 && index == 1) {
              throw why;
            }
          }
        };
    try (EventsJsonl.Lines l = EventsJsonl.prefetched("e.jsonl", in(recording(5000, "")), picky)) {
      assertThatThrownBy(() -> drain(l))
          .isInstanceOf(FormatException.class)
          .hasMessageContaining("out of order")
          .hasMessageContaining("e.jsonl:" + (5 + 4 * 2000 + 1) + ":")
          .hasCause(why);
    }
  }

  @Test
  void closingBeforeTheEndStopsTheReader() throws Exception {
    Recorded ahead = new Recorded();
    EventsJsonl.Lines l = EventsJsonl.prefetched("e", in(recording(50_000, "")), ahead);
    assertThat(l.next()).isTrue();
    l.close();
    Thread.sleep(50);
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().equals("inferwatt-events-reader") && t.isAlive());
  }
}
