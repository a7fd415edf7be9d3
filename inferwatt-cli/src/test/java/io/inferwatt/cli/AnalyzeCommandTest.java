package io.inferwatt.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inferwatt analyze} on awkward but valid input: FIFOs, gaps, implausible powers. */
class AnalyzeCommandTest {
  @TempDir Path dir;

  /** Events of 20 inferences of 8 ms every 10 ms, two layers each, in time order. */
  private static String events() {
    StringBuilder b = new StringBuilder();
    long t0 = 1_000_000_000L;
    for (int i = 0; i < 20; i++) {
      long s = t0 + i * 10_000_000L;
      b.append("{\"event\":\"inference\",\"seq\":")
          .append(i)
          .append(",\"start_ns\":")
          .append(s)
          .append(",\"end_ns\":")
          .append(s + 8_000_000L)
          .append("}\n");
      for (int l = 0; l < 2; l++) {
        b.append("{\"event\":\"layer\",\"seq\":")
            .append(i)
            .append(",\"index\":")
            .append(l)
            .append(",\"name\":\"l")
            .append(l)
            .append("\",\"duration_ns\":4000000}\n");
      }
    }
    return b.toString();
  }

  /** Samples every 0.5 ms over the inferences; {@code blankAt} rows have an empty in_mw. */
  private static String samples(int... blankAt) {
    StringBuilder b = new StringBuilder("t_ns,in_mw,gpu_mw\n");
    int row = 0;
    for (long t = 999_000_000L; t < 1_201_000_000L; t += 500_000L, row++) {
      boolean blank = false;
      for (int x : blankAt) {
        blank |= x == row;
      }
      b.append(t).append(',').append(blank ? "" : "5000").append(',').append(2000).append('\n');
    }
    return b.toString();
  }

  @Test
  void aSamplesFifoIsReadOnceAndDoesNotHang() throws Exception {
    Path fifo = dir.resolve("samples.fifo");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mk.waitFor()).isZero();
    Path e = dir.resolve("e.jsonl");
    Files.writeString(e, events());
    AtomicReference<Throwable> writerFailed = new AtomicReference<>();
    Thread writer =
        new Thread(
            () -> {
              try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write(samples().getBytes(StandardCharsets.UTF_8));
              } catch (Throwable t) {
                writerFailed.set(t);
              }
            });
    writer.setDaemon(true);
    writer.start();
    CliTest.Run r =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () ->
                CliTest.run(
                    "analyze",
                    "--samples",
                    fifo.toString(),
                    "--events",
                    e.toString(),
                    "--format",
                    "json"));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(writerFailed.get()).isNull();
    assertThat(r.json().at("/inferences/power_mw/in/mean").asDouble()).isEqualTo(5000);
  }

  @Test
  void gapsAndImplausiblePowersAreWarnedWithFileLineAndRailNotPoisoningTheRail() throws Exception {
    Path s = dir.resolve("s.csv");
    // row 100 (line 102) lies inside an inference; the last row is idle time after them
    String text = samples(100).replace("\n1010000000,5000,2000\n", "\n1010000000,-5000,2000\n");
    Files.writeString(s, text);
    Path e = dir.resolve("e.jsonl");
    Files.writeString(e, events());
    CliTest.Run r =
        CliTest.run(
            "analyze",
            "--samples",
            s.toString(),
            "--events",
            e.toString(),
            "--mapping",
            "paper",
            "--format",
            "json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = r.json();
    assertThat(j.at("/inferences/power_mw/in/mean").isNumber()).isTrue();
    assertThat(j.at("/inferences/power_mw/in/ci95_low").isNumber()).isTrue();
    assertThat(j.at("/inferences/energy_mj/in/mean").isNumber()).isTrue();
    assertThat(j.get("warnings").toString())
        .contains("rail in has 1 empty power field (gaps)")
        .contains("rail in has 1 implausible power (below 0 or above 100 kW), first " + s + ":24")
        .contains("rail in: 1 sample without a value (gaps) were skipped");
    CliTest.Run t = CliTest.run("analyze", "--samples", s.toString(), "--events", e.toString());
    assertThat(t.out()).contains("implausible power").contains("empty power field");
  }

  @Test
  void bothInputsAsFifosAreReadOnce() throws Exception {
    Path sf = fifo("s.fifo");
    Path ef = fifo("e.fifo");
    feed(sf, samples());
    feed(ef, events());
    CliTest.Run r =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30),
            () ->
                CliTest.run(
                    "analyze",
                    "--samples",
                    sf.toString(),
                    "--events",
                    ef.toString(),
                    "--format",
                    "json"));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.json().at("/inferences/count").asLong()).isEqualTo(20);
  }

  /**
   * Events not in time order (all inferences, then all layers, as older recorders wrote them) are
   * sorted in memory: the result equals that of the same events in time order, which stream.
   */
  @Test
  void eventsOutOfTimeOrderGiveTheSameResultAsInOrder() throws Exception {
    Path s = dir.resolve("s.csv");
    Files.writeString(s, samples());
    Path ordered = dir.resolve("ordered.jsonl");
    Files.writeString(ordered, events());
    StringBuilder inf = new StringBuilder();
    StringBuilder lay = new StringBuilder();
    for (String line : events().split("\n")) {
      (line.contains("\"inference\"") ? inf : lay).append(line).append('\n');
    }
    Path unordered = dir.resolve("unordered.jsonl");
    Files.writeString(unordered, inf.toString() + lay);
    for (String mapping : new String[] {"paper", "window"}) {
      CliTest.Run a =
          CliTest.run(
              "analyze",
              "--samples",
              s.toString(),
              "--events",
              ordered.toString(),
              "--mapping",
              mapping,
              "--format",
              "json");
      CliTest.Run b =
          CliTest.run(
              "analyze",
              "--samples",
              s.toString(),
              "--events",
              unordered.toString(),
              "--mapping",
              mapping,
              "--format",
              "json");
      assertThat(a.code()).as(a.err()).isZero();
      assertThat(b.code()).as(b.err()).isZero();
      assertThat(b.json()).isEqualTo(a.json());
    }
  }

  /**
   * Phases and meta read from the lines before the first inference stand for the whole file only
   * when no phase or meta line follows: written after the inferences (as a runner may write them)
   * they give the same result as written first.
   */
  @Test
  void phasesAndMetaAfterTheInferencesGiveTheSameResultAsBefore() throws Exception {
    Path s = dir.resolve("s.csv");
    Files.writeString(s, samples());
    String header =
        "{\"event\":\"meta\",\"board\":\"test\",\"simulated\":true}\n"
            + "{\"event\":\"phase\",\"name\":\"warmup\",\"start_ns\":999000000,"
            + "\"end_ns\":1025000000}\n"
            + "{\"event\":\"phase\",\"name\":\"idle\",\"start_ns\":1195000000,"
            + "\"end_ns\":1200000000}\n";
    Path first = dir.resolve("first.jsonl");
    Files.writeString(first, header + events());
    Path last = dir.resolve("last.jsonl");
    Files.writeString(last, events() + header);
    Path none = dir.resolve("none.jsonl");
    Files.writeString(none, events());
    for (String mapping : new String[] {"paper", "window"}) {
      JsonNode a = CliTest.analyzeJson(s, first, mapping);
      JsonNode b = CliTest.analyzeJson(s, last, mapping);
      assertThat(b).isEqualTo(a);
      assertThat(a.at("/meta/board").asText()).isEqualTo("test");
      // the phases count: without them the warm-up inferences are analysed too
      assertThat(CliTest.analyzeJson(s, none, mapping)).isNotEqualTo(a);
    }
  }

  private Path fifo(String name) throws Exception {
    Path f = dir.resolve(name);
    assertThat(new ProcessBuilder("mkfifo", f.toString()).start().waitFor()).isZero();
    return f;
  }

  private static void feed(Path fifo, String text) {
    Thread t =
        new Thread(
            () -> {
              try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
              } catch (Exception e) {
                // the reader's side reports what went wrong
              }
            });
    t.setDaemon(true);
    t.start();
  }
}
