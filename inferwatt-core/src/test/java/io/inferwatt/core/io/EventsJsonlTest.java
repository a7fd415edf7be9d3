package io.inferwatt.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.inferwatt.core.EventLog;
import io.inferwatt.core.InferenceEvent;
import io.inferwatt.core.LayerEvent;
import io.inferwatt.core.PhaseEvent;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventsJsonlTest {
  @TempDir Path dir;

  private Path file(String text) throws Exception {
    Path f = dir.resolve("e.jsonl");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void readsEveryEventKind() throws Exception {
    Path f =
        file(
            """
            {"event":"meta","board":"sim:nano","simulated":true}
            {"event":"phase","name":"power","start_ns":0,"end_ns":100000000}
            {"event":"inference","seq":12,"start_ns":1000,"end_ns":21000,"batch":4}
            {"event":"layer","seq":12,"index":0,"name":"conv_0","type":"Conv","duration_ns":5000}
            {"event":"layer","seq":12,"index":1,"name":"relu \\"x\\"","duration_ns":3000,"start_ns":7000,"extra":[1,{"a":null}]}

            {"event":"inference","seq":13,"start_ns":30000,"end_ns":40000}
            """);
    EventsFile ef = EventsJsonl.read(f);
    EventLog log = ef.events();
    assertThat(ef.simulated()).isTrue();
    assertThat(ef.meta()).containsEntry("board", "sim:nano");
    assertThat(log.inferences())
        .containsExactly(
            new InferenceEvent(12, 1000, 21000, 4), new InferenceEvent(13, 30000, 40000, 1));
    assertThat(log.layer(1))
        .isEqualTo(new LayerEvent(12, 1, "relu \"x\"", "", 3000, OptionalLong.of(7000)));
    assertThat(log.layerLine(1)).isEqualTo(5);
    assertThat(log.phases()).containsExactly(new PhaseEvent("power", 0, 100_000_000));
  }

  /**
   * The header pass skips the lines that start as an inferwatt layer or inference event without
   * parsing them, and still finds phase and meta events anywhere, in any key order.
   */
  @Test
  void theHeaderFindsPhasesAndMetaAmongSkippedLines() throws Exception {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      text.append("{\"event\":\"inference\",\"seq\":")
          .append(i)
          .append(",\"start_ns\":1,\"end_ns\":2}\n")
          .append("{\"event\":\"layer\",\"seq\":")
          .append(i)
          .append(",\"index\":0,\"name\":\"phase\",\"duration_ns\":1}\n");
    }
    text.append("{\"name\":\"layers\",\"event\":\"phase\",\"start_ns\":0,\"end_ns\":9}\n");
    text.append("{\"event\":\"layer\"}\n");
    text.append("{\"event\":\"meta\",\"simulated\":true}\n");
    EventsFile h = EventsJsonl.header("e", Files.newInputStream(file(text.toString())));
    assertThat(h.events().phases()).containsExactly(new PhaseEvent("layers", 0, 9));
    assertThat(h.simulated()).isTrue();
  }

  /**
   * The lead is the phase and meta lines before the first other line; it says where it ends, so
   * that a phase or meta line further on can be told apart.
   */
  @Test
  void theLeadEndsAtTheFirstInferenceOrLayerLine() throws Exception {
    String text =
        """
        {"event":"meta","board":"sim:nano","simulated":true}

        {"event":"phase","name":"power","start_ns":0,"end_ns":100}
        {"event":"inference","seq":1,"start_ns":10,"end_ns":20}
        {"event":"phase","name":"idle","start_ns":200,"end_ns":300}
        """;
    EventsJsonl.Lead lead = EventsJsonl.leading("e", Files.newInputStream(file(text)));
    assertThat(lead.lines()).isEqualTo(3);
    assertThat(lead.file().events().phases()).containsExactly(new PhaseEvent("power", 0, 100));
    assertThat(lead.file().simulated()).isTrue();
    EventsFile whole = EventsJsonl.header("e", Files.newInputStream(file(text)));
    assertThat(whole.events().phases()).hasSize(2);
  }

  @Test
  void writerOutputReadsBack() throws Exception {
    StringWriter out = new StringWriter();
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("board", "sim:nano");
    meta.put("simulated", true);
    try (EventsJsonl.Writer w = EventsJsonl.writer(out)) {
      w.meta(meta);
      w.inference(new InferenceEvent(1, 10, 20, 1));
      w.layer(new LayerEvent(1, 0, "a", "Conv", 5, OptionalLong.empty()));
      w.phase(new PhaseEvent("idle", 30, 40));
    }
    EventsFile back = EventsJsonl.read(file(out.toString()));
    assertThat(back.simulated()).isTrue();
    assertThat(back.events().layer(0))
        .isEqualTo(new LayerEvent(1, 0, "a", "Conv", 5, OptionalLong.empty()));
  }

  @Test
  void problemsNameFileLineAndProblem() throws Exception {
    Path f =
        file(
            "{\"event\":\"inference\",\"seq\":1,\"start_ns\":0,\"end_ns\":5}\n{\"event\":\"layer\",\"seq\":2,\"index\":0,\"name\":\"a\",\"duration_ns\":1}\n");
    assertThatThrownBy(() -> EventsJsonl.read(f))
        .isInstanceOf(FormatException.class)
        .hasMessage(f + ":2: layer for unknown inference seq 2 (no inference line has it)");
    assertThatThrownBy(
            () -> EventsJsonl.read(file("{\"event\":\"inference\",\"seq\":1,\"start_ns\":0}\n")))
        .hasMessageEndingWith(":1: missing field \"end_ns\"");
    assertThatThrownBy(
            () ->
                EventsJsonl.read(
                    file("{\"event\":\"inference\",\"seq\":1,\"start_ns\":0,\"end_ns\":5\n")))
        .hasMessageContaining(":1: malformed JSON");
    assertThatThrownBy(() -> EventsJsonl.read(file("{\"event\":\"frame\"}\n")))
        .hasMessageContaining(":1: unknown event \"frame\"");
    assertThatThrownBy(
            () ->
                EventsJsonl.read(
                    file("{\"event\":\"inference\",\"seq\":1,\"start_ns\":9,\"end_ns\":5}\n")))
        .hasMessageContaining(":1: inference 1 ends at 5 ns, before its start 9 ns");
    assertThatThrownBy(
            () ->
                EventsJsonl.read(
                    file(
                        "{\"event\":\"inference\",\"seq\":1,\"start_ns\":0,\"end_ns\":5}\n{\"event\":\"inference\",\"seq\":1,\"start_ns\":6,\"end_ns\":9}\n")))
        .hasMessageContaining(":2: inference seq 1 appears twice (first on line 1)");
    assertThatThrownBy(
            () ->
                EventsJsonl.read(
                    file(
                        "{\"event\":\"inference\",\"seq\":\"one\",\"start_ns\":0,\"end_ns\":5}\n")))
        .hasMessageContaining("field \"seq\" is not an integer");
  }

  @Test
  void deepNestingIsAFormatErrorNotAStackOverflow() throws Exception {
    String deep = "[".repeat(5000) + "]".repeat(5000);
    Path f = file("{\"event\":\"meta\",\"x\":" + deep + "}\n");
    assertThatThrownBy(() -> EventsJsonl.read(f))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining(f + ":1: malformed JSON: objects and arrays nest deeper than 64");
    // the runner's parser line by line: the same, as a normal exception
    assertThatThrownBy(() -> EventsJsonl.parser("runner").accept("{\"a\":" + deep + "}"))
        .isInstanceOf(FormatException.class)
        .hasMessageContaining("runner:1: malformed JSON: objects and arrays nest deeper");
  }

  @Test
  void aLongLineIsOneShortError() throws Exception {
    Path f = dir.resolve("long.jsonl");
    try (var out = Files.newBufferedWriter(f)) {
      out.write("{\"event\":\"meta\",\"x\":\"");
      for (int i = 0; i < 200_000; i++) {
        out.write("abcdefgh");
      }
      out.write("\"}\n");
    }
    assertThatThrownBy(() -> EventsJsonl.read(f))
        .isInstanceOf(FormatException.class)
        .hasMessageStartingWith(f + ":1: line longer than 1 MiB")
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(300));
  }

  @Test
  void fastAndGeneralPathsGiveTheSameEvents() throws Exception {
    // the same events, written plainly (fast path) and with spaces, decimals and escapes (general)
    Path plain =
        file(
            "{\"event\":\"inference\",\"seq\":3,\"start_ns\":10,\"end_ns\":50,\"batch\":2}\n"
                + "{\"event\":\"layer\",\"seq\":3,\"index\":0,\"name\":\"conv\",\"type\":\"Conv\",\"duration_ns\":7,\"start_ns\":11}\n"
                + "{\"event\":\"layer\",\"seq\":3,\"index\":1,\"name\":\"a/b\",\"type\":null,\"duration_ns\":8}\n");
    EventsFile a = EventsJsonl.read(plain);
    Path general = dir.resolve("g.jsonl");
    Files.writeString(
        general,
        "{ \"seq\" : 3.0, \"event\":\"inference\",\"start_ns\":1e1,\"end_ns\":50,\"batch\":2,\"x\":[1]}\n"
            + "{\"event\":\"layer\",\"seq\":3,\"index\":0,\"name\":\"co\\u006ev\",\"type\":\"Conv\",\"duration_ns\":7,\"start_ns\":11}\n"
            + "{\"event\":\"layer\",\"seq\":3,\"index\":1,\"name\":\"a\\/b\",\"duration_ns\":8,\"extra\":true}\n");
    EventsFile b = EventsJsonl.read(general);
    assertThat(b.events().inferences()).isEqualTo(a.events().inferences());
    assertThat(b.events().layerCount()).isEqualTo(2);
    for (int i = 0; i < 2; i++) {
      assertThat(b.events().layer(i)).isEqualTo(a.events().layer(i));
    }
  }
}
